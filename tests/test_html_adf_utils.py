"""Whatever HTML goes in, Atlassian's own validator accepts what comes out.

``from_html`` over the HTML fixtures and a few thousand generated pages (fixed seed),
every result through ``@atlaskit/adf-utils`` in one node process. Skips, saying why,
where node or ``tests/node_modules`` is missing.
"""

from __future__ import annotations

import random
from pathlib import Path

from test_differential_adf_utils import run_adf_utils  # fails loudly without node

from adfkit import from_html, is_valid

HERE = Path(__file__).resolve().parent
PIECES = [
    "<p>", "</p>", "<div>", "</div>", "<b>", "</b>", "<i>", "</i>", "<u>", "<s>", "<sub>", "<sup>",
    "<ul>", "<li>", "</li>", "</ul>", "<ol start=3>", "</ol>", "<table>", "<tr>", "<td>",
    "<th colspan=2>", "</td>", "</tr>", "</table>", "<h2>", "</h2>", "<pre>", "</pre>", "<code>",
    "</code>", "<br>", "<hr>", "<blockquote>", "</blockquote>", '<a href="https://x.org">', "</a>",
    '<img src="https://x.org/i.png" alt="pic">', "<details><summary>", "</summary>", "</details>",
    '<input type="checkbox" checked>', "&amp;", "word", "日本語", " ", "\n",
    '<span style="font-weight:bold;color:#c00;background-color:yellow">', "</span>",
    '<a data-account-id="5b10ac8d" class="user-mention">', '<span class="aui-lozenge">',
    '<ul class="inline-task-list"><li data-inline-task-id="1" class="checked">',
    '<ac:structured-macro ac:name="status"><ac:parameter ac:name="title">', "</ac:parameter>",
    "<ac:task-list><ac:task><ac:task-status>complete</ac:task-status><ac:task-body>",
    "<span style=\"font-family:'Courier New'\">", "<![if !supportLists]>", "<![endif]>",
]  # fmt: skip


def test_adf_utils_accepts_every_converted_page() -> None:
    rng = random.Random(5)
    pages = [p.read_bytes() for p in sorted((HERE / "data" / "html").glob("*.html"))]
    pages += [
        "".join(rng.choice(PIECES) for _ in range(rng.randint(1, 80))).encode() for _ in range(3000)
    ]
    docs = [from_html(page) for page in pages]
    assert all(is_valid(d) for d in docs)
    rejected = [
        (page[:200], verdict.error)
        for page, verdict in zip(pages, run_adf_utils(docs), strict=True)
        if not verdict.valid
    ]
    assert rejected == [], rejected[:5]
