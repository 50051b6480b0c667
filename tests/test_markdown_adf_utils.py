"""Whatever Markdown goes in, Atlassian's own validator accepts what comes out.

Runs ``from_markdown`` over the Markdown corpus and a few thousand generated documents
(fixed seed) and sends every result through ``@atlaskit/adf-utils`` in one node
process. Skips, saying why, where node or ``tests/node_modules`` is missing.
"""

from __future__ import annotations

import random
from pathlib import Path

from test_differential_adf_utils import run_adf_utils  # fails loudly without node

from adfkit import from_markdown, is_valid

HERE = Path(__file__).resolve().parent
PIECES = [
    "# ", "## ", "> ", "- ", "* ", "1. ", "3) ", "- [ ] ", "- [x] ", "```\n", "```py\n", "    ",
    "**", "*", "_", "~~", "`", "[", "](", ")", "](https://x.org)", "![", "](https://x.org/i.png)",
    "<details>\n<summary>", "</summary>\n\n", "</details>", "> [!NOTE]\n> ", "> [!WARNING]\n",
    "| a | b |\n|---|:-:|\n| ", " | ", "\n", "\n\n", "  \n", "\\", "&amp;", "---\n", "===\n",
    ":tada:", "@ana", "<br>", "<div>", "javascript:alert(1)", "word", "Wörter", "日本語", "🚀", " ",
]  # fmt: skip


def _generated(count: int, seed: int = 4) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(PIECES) for _ in range(rng.randint(1, 60))) for _ in range(count)]


def test_adf_utils_accepts_every_converted_document() -> None:
    sources = [p.read_text() for p in sorted((HERE / "data" / "markdown").glob("*.md"))]
    sources += _generated(3000)
    docs = [from_markdown(s, mentions={"ana": "557058:1"}) for s in sources]
    assert all(is_valid(d) for d in docs)
    rejected = [
        (source, verdict.error)
        for source, verdict in zip(sources, run_adf_utils(docs), strict=True)
        if not verdict.valid
    ]
    assert rejected == [], rejected[:5]
