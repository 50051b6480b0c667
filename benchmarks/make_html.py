"""Deterministic HTML pages for the HTML converter benchmark (``bench_html.py``).

``make_html(target_bytes, seed)`` writes a whole page of about ``target_bytes`` bytes
of UTF-8 (at most 80 short) from one ``random.Random(seed)``, so the same arguments
always give the same page. It is shaped like a long documentation or wiki page saved
from a browser, with the markup real pages carry around the text:

- a ``<head>`` with ``<meta charset>``, a title, a stylesheet and a script (dropped by
  every converter, but parsed);
- ``<main>``/``<article>``/``<section>`` and ``<div class=...>`` wrappers, some with
  inline ``style`` (margins, colours, ``font-weight:700`` spans as Google Docs writes
  them), ``<span>`` wrappers with classes;
- ``<h1>``-``<h4>`` headings with ``id`` anchors and permalink ``<a href="#...">``;
- paragraphs with ``<strong>``, ``<b>``, ``<em>``, ``<i>``, ``<u>``, ``<s>``,
  ``<code>``, ``<sub>``, ``<sup>``, ``<a href="https://...">`` (some with a title),
  coloured and highlighted spans, ``<br>``, entities (``&amp;``, ``&lt;``, ``&nbsp;``,
  ``&mdash;``, numeric) and accented, CJK, Greek, Cyrillic and emoji text;
- bullet and ordered lists nested up to three levels, some items wrapping their text in
  ``<p>``;
- tables with ``<thead>``/``<tbody>``, header cells, marks in cells and an occasional
  ``colspan``;
- ``<pre><code class="language-...">`` blocks whose code holds ``&lt;``/``&amp;``;
- images with https sources: in a ``<figure>`` with a ``<figcaption>``, or inside a
  paragraph, some inside a link;
- blockquotes, and an occasional ``<hr>``.

Nothing in it is hostile or malformed: the benchmark times the common case. The
first blocks are a tour that uses each block kind once; after that, kinds are drawn by
weight, mostly prose.

CLI: ``python benchmarks/make_html.py 1m -o page.html`` (sizes as in
``make_document.py``: bytes, or a ``k``/``m`` suffix).
"""

from __future__ import annotations

import argparse
import html
import random
import sys
from pathlib import Path

from make_document import (  # beside this file; found through sys.path[0]
    _INTL_WORDS,
    _PEOPLE,
    _WORDS,
    parse_size,
)

SIZES: dict[str, int] = {"10 KB": 10_000, "100 KB": 100_000, "1 MB": 1_000_000}
"""The benchmark's pages: label -> target bytes of UTF-8 HTML (1 KB = 10**3 bytes)."""

_HOSTS = (
    "example.com",
    "docs.example.org",
    "github.com/example/platform",
    "wiki.example.net/display/ENG",
)
_COLOURS = ("#c0392b", "#1f77b4", "#2e7d32", "#6a1b9a", "#ff8c00")
_HIGHLIGHTS = ("#ffff00", "#fff3cd", "#d1ecf1")
_WRAPPER_STYLES = (
    "margin:0 0 12px;line-height:1.5",
    "padding:4px 0",
    "font-family:Arial,sans-serif;font-size:14px",
    "max-width:720px",
)
_BLOCK_WEIGHTS = {
    "paragraph": 40,
    "styled_paragraph": 8,
    "heading": 8,
    "bullet_list": 8,
    "ordered_list": 5,
    "table": 5,
    "code": 6,
    "figure": 3,
    "quote": 3,
    "wrapped": 6,
    "intl": 4,
    "rule": 1,
}
_CODE_LINES = {
    "python": ("if a < b and c > 0:", "    total += price * qty", "return {'ok': True}"),
    "javascript": ("const ok = a < b && c > 0;", "items.map((x) => x * 2);", "return null;"),
    "bash": ("grep -R 'TODO' src/ | wc -l", "make build && ./run --port 8080", 'echo "$HOME"'),
    "sql": ("SELECT id, name FROM users", "WHERE created_at > '2024-01-01'", "ORDER BY id;"),
}


def utf8_len(text: str) -> int:
    return len(text.encode("utf-8"))


class _Writer:
    """Random pieces of HTML, all drawn from one seeded generator."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.ids = 0

    def words(self, lo: int, hi: int) -> str:
        return " ".join(self.rng.choice(_WORDS) for _ in range(self.rng.randint(lo, hi)))

    def url(self) -> str:
        host = self.rng.choice(_HOSTS)
        path = "/".join(self.rng.choice(_WORDS).lower() for _ in range(self.rng.randint(1, 3)))
        query = f"?id={self.rng.randint(1, 9999)}&amp;tab=all" if self.rng.random() < 0.2 else ""
        return f"https://{host}/{path}{query}"

    def image_url(self) -> str:
        name = self.rng.choice(_WORDS).lower()
        return f"https://img.example.com/{self.rng.randint(1000, 9999)}/{name}.png"

    def span(self) -> str:
        """One inline run with its markup."""
        w = self.words(1, 4)
        kind = self.rng.randrange(16)
        if kind == 0:
            return f"<strong>{w}</strong>"
        if kind == 1:
            return f"<b>{w}</b>"
        if kind == 2:
            return f"<em>{w}</em>"
        if kind == 3:
            return f"<i>{w}</i>"
        if kind == 4:
            return f"<code>{self.rng.choice(_WORDS).lower()}_{self.rng.randint(1, 99)}()</code>"
        if kind == 5:
            title = f' title="{self.words(1, 3)}"' if self.rng.random() < 0.3 else ""
            return f'<a href="{self.url()}"{title}>{w}</a>'
        if kind == 6:
            return f'<a href="{self.url()}"><strong>{w}</strong></a>'
        if kind == 7:
            return f'<span style="color:{self.rng.choice(_COLOURS)}">{w}</span>'
        if kind == 8:
            return f'<span style="background-color:{self.rng.choice(_HIGHLIGHTS)}">{w}</span>'
        if kind == 9:
            return f'<span style="font-weight:700">{w}</span>'
        if kind == 10:
            return f"<u>{w}</u> <s>{self.words(1, 2)}</s>"
        if kind == 11:
            return f"H<sub>2</sub>O and x<sup>{self.rng.randint(2, 9)}</sup>"
        if kind == 12:
            return f"{w} &amp; {self.words(1, 2)} &lt;tag&gt; &mdash; &#8220;{w}&#8221;"
        if kind == 13:
            return f"{w}&nbsp;{self.rng.randint(1, 500)}&nbsp;ms"
        if kind == 14:
            return f'<span class="term">{self.rng.choice(_INTL_WORDS)}</span>'
        return f"<em><strong>{w}</strong></em>"

    def sentence(self) -> str:
        parts = [self.words(3, 9).capitalize()]
        for _ in range(self.rng.randint(0, 3)):
            parts.append(self.span())
            parts.append(self.words(1, 6))
        return " ".join(parts) + "."

    def inline(self, lo: int, hi: int) -> str:
        out = " ".join(self.sentence() for _ in range(self.rng.randint(lo, hi)))
        if self.rng.random() < 0.1:
            out += "<br>\n" + self.sentence()
        return out

    # --- blocks ---------------------------------------------------------------------

    def block(self, kind: str) -> str:
        method = getattr(self, f"b_{kind}")
        result: str = method()
        return result

    def b_paragraph(self) -> str:
        return f"<p>{self.inline(1, 4)}</p>\n"

    def b_styled_paragraph(self) -> str:
        style = self.rng.choice(_WRAPPER_STYLES)
        return f'<p style="{style}"><span class="c1">{self.inline(1, 3)}</span></p>\n'

    def b_heading(self) -> str:
        self.ids += 1
        level = self.rng.choice((2, 2, 3, 3, 4))
        text = self.words(2, 6).capitalize()
        anchor = f"h-{self.ids}"
        return (
            f'<h{level} id="{anchor}">{html.escape(text)}'
            f'<a class="anchor" href="#{anchor}" aria-hidden="true">#</a></h{level}>\n'
        )

    def b_intl(self) -> str:
        people = ", ".join(self.rng.sample(_PEOPLE, 3))
        words = " ".join(self.rng.sample(_INTL_WORDS, 4))
        return f"<p>Reviewed by {people}: {words} 🎉 — 日本語のテキスト, Ελληνικά, русский.</p>\n"

    def b_rule(self) -> str:
        return "<hr>\n"

    def list_html(self, ordered: bool, depth: int) -> str:
        tag = "ol" if ordered else "ul"
        items = []
        for _ in range(self.rng.randint(2, 5)):
            text = self.inline(1, 1)
            if self.rng.random() < 0.3:
                text = f"<p>{text}</p>"
            nested = ""
            if depth < 3 and self.rng.random() < 0.3:
                nested = "\n" + self.list_html(self.rng.random() < 0.4, depth + 1)
            items.append(f"<li>{text}{nested}</li>")
        return f"<{tag}>\n" + "\n".join(items) + f"\n</{tag}>"

    def b_bullet_list(self) -> str:
        return self.list_html(False, 1) + "\n"

    def b_ordered_list(self) -> str:
        return self.list_html(True, 1) + "\n"

    def cell(self) -> str:
        roll = self.rng.random()
        if roll < 0.6:
            return self.words(1, 4)
        if roll < 0.8:
            return self.span()
        return f"<p>{self.words(2, 5)}</p>"

    def b_table(self) -> str:
        cols = self.rng.randint(2, 5)
        head = "".join(f"<th>{self.words(1, 2).capitalize()}</th>" for _ in range(cols))
        rows = []
        for _ in range(self.rng.randint(2, 7)):
            if cols > 2 and self.rng.random() < 0.1:
                cells = f'<td colspan="2">{self.cell()}</td>' + "".join(
                    f"<td>{self.cell()}</td>" for _ in range(cols - 2)
                )
            else:
                cells = "".join(f"<td>{self.cell()}</td>" for _ in range(cols))
            rows.append(f"<tr>{cells}</tr>")
        return (
            f'<div class="table-wrap"><table class="data">\n<thead><tr>{head}</tr></thead>\n'
            f"<tbody>\n" + "\n".join(rows) + "\n</tbody>\n</table></div>\n"
        )

    def b_code(self) -> str:
        language = self.rng.choice(tuple(_CODE_LINES))
        lines = [html.escape(self.rng.choice(_CODE_LINES[language]), quote=False)]
        for _ in range(self.rng.randint(2, 12)):
            lines.append(html.escape(self.rng.choice(_CODE_LINES[language]), quote=False))
        body = "\n".join(lines)
        return f'<pre><code class="language-{language}">{body}\n</code></pre>\n'

    def b_figure(self) -> str:
        alt = self.words(2, 5)
        image = f'<img src="{self.image_url()}" alt="{alt}" width="640" loading="lazy">'
        if self.rng.random() < 0.3:
            image = f'<a href="{self.url()}">{image}</a>'
        if self.rng.random() < 0.5:
            return f"<figure>{image}<figcaption>{self.words(3, 8)}</figcaption></figure>\n"
        return f"<p>{self.sentence()} {image} {self.sentence()}</p>\n"

    def b_quote(self) -> str:
        inner = f"<p>{self.inline(1, 2)}</p>"
        if self.rng.random() < 0.3:
            inner += "\n" + self.list_html(False, 3)
        return f"<blockquote>\n{inner}\n</blockquote>\n"

    def b_wrapped(self) -> str:
        """Blocks inside layers of div and span wrappers, as page builders write them."""
        style = self.rng.choice(_WRAPPER_STYLES)
        inner = self.block(self.rng.choice(("paragraph", "bullet_list", "styled_paragraph")))
        return (
            f'<div class="row"><div class="col" style="{style}">'
            f'<div class="content">{inner}</div></div></div>\n'
        )


_TOUR = (
    "heading",
    "paragraph",
    "styled_paragraph",
    "bullet_list",
    "ordered_list",
    "table",
    "code",
    "figure",
    "quote",
    "wrapped",
    "intl",
    "rule",
)


def make_html(target_bytes: int = SIZES["1 MB"], seed: int = 0) -> str:
    """A page of about ``target_bytes`` bytes of UTF-8 (at most 80 short)."""
    w = _Writer(seed)
    head = (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{w.words(3, 6).capitalize()}</title>\n"
        '<link rel="stylesheet" href="https://static.example.com/site.css">\n'
        "<style>body{font-family:sans-serif} .anchor{visibility:hidden}</style>\n"
        "<script>window.dataLayer = window.dataLayer || [];"
        ' if (1 < 2) { track("view"); }</script>\n'
        "</head>\n<body>\n<main>\n<article>\n"
        f"<h1>{w.words(3, 6).capitalize()}</h1>\n"
    )
    tail = "</article>\n</main>\n</body>\n</html>\n"
    size = utf8_len(head) + utf8_len(tail)
    kinds = list(_BLOCK_WEIGHTS)
    weights = [_BLOCK_WEIGHTS[k] for k in kinds]
    blocks: list[str] = []
    section_open = False

    def add(piece: str) -> bool:
        nonlocal size
        n = utf8_len(piece)
        if size + n > target_bytes:
            return False
        blocks.append(piece)
        size += n
        return True

    queue = list(_TOUR)
    while True:
        kind = queue.pop(0) if queue else w.rng.choices(kinds, weights)[0]
        piece = w.block(kind)
        if kind == "heading":
            piece = ("</section>\n" if section_open else "") + "<section>\n" + piece
            section_open = True
        if not add(piece):
            break
    closing = "</section>\n" if section_open else ""
    page = head + "".join(blocks) + closing + tail
    while utf8_len(page) < target_bytes - 80:  # top up with short paragraphs
        filler = f"<p>{w.words(2, 8)}.</p>\n"
        if utf8_len(page) + utf8_len(filler) > target_bytes:
            break
        page = page.replace(tail, filler + tail)
    return page


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("size", nargs="?", default="1m", help="bytes, or with a k/m suffix")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("-o", "--output", type=Path, help="file to write (default stdout)")
    args = parser.parse_args(argv)
    page = make_html(parse_size(args.size), args.seed)
    if args.output:
        args.output.write_text(page, encoding="utf-8")
    else:
        sys.stdout.write(page)
    return 0


if __name__ == "__main__":
    sys.exit(main())
