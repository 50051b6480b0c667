"""Deterministic Markdown inputs for the converter benchmark (``bench_markdown.py``).

Two kinds of document, both from one ``random.Random(seed)`` so the same arguments
always give the same text:

- ``make_bug_report(seed)``: a typical Jira bug description of about 2 KB (2,000
  bytes of UTF-8, at most 50 short): a bold summary line with inline code, the
  environment, numbered steps to reproduce, expected and actual behaviour with inline
  code and a fenced log, a note list with a link, an impact paragraph, a table of what
  was tried and a small task list.
- ``make_markdown(target_bytes, seed)``: a long page of about ``target_bytes`` bytes
  (at most 80 short) in the style of a design document or a project README: ATX and
  setext headings; paragraphs with ``*em*``, ``_em_``, ``**strong**``, ``***both***``,
  ``~~strike~~``, inline code, inline links (some with a title, some around inline
  code), inline code inside strong, autolinks, bare URLs, HTML entities, backslash
  escapes, hard breaks and emoji shortcodes; bullet and ordered lists nested up to
  three levels (some ordered lists start past 1, some items hold two paragraphs); task
  lists, some nested; GFM tables with column alignment and inline marks in the cells;
  fenced code blocks (backtick and tilde fences, with and without a language);
  blockquotes holding paragraphs and lists; images, alone on a line or inside a
  paragraph; thematic breaks; and accented, CJK, Greek, Cyrillic, RTL and emoji text.
  The first blocks are a tour that uses each block kind once; after that, block kinds
  are drawn by weight, mostly prose.

Every construct is plain CommonMark + GFM, parsed by mistune with the plugins adfkit
enables (``strikethrough``, ``table``, ``task_lists``, ``url``). No raw HTML, no
``<details>`` and no GitHub alerts: those are adfkit extensions the peers do not
claim to handle, and they would tilt the comparison.

CLI: ``python benchmarks/make_markdown.py 1m -o doc.md`` (or ``bug`` for the bug
report; sizes as in ``make_document.py``: bytes, or a ``k``/``m`` suffix).
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Callable
from pathlib import Path

from make_document import (  # beside this file; found through sys.path[0]
    _INTL_WORDS,
    _LANGUAGES,
    _PEOPLE,
    _WORDS,
    parse_size,
)

BUG_REPORT_BYTES = 2_000
"""The bug report's target size (1 KB = 10**3 bytes)."""

SIZES: dict[str, int] = {"2 KB": BUG_REPORT_BYTES, "1 MB": 1_000_000}
"""The benchmark's inputs: label -> target bytes of UTF-8 Markdown."""

_HOSTS = (
    "example.com",
    "docs.example.org",
    "github.com/example/platform",
    "jira.example.net/browse",
    "status.example.io",
    "wiki.example.com/display/ENG",
)
_SHORTCODES = (":rocket:", ":+1:", ":warning:", ":white_check_mark:", ":tada:", ":eyes:", ":bug:")
_ENTITIES = ("&amp;", "&copy;", "&mdash;", "&nbsp;", "&#8594;", "&lt;", "&gt;", "&quot;")
_SENTENCES_INTL = (
    "Die Größe der Übertragung hängt vom Zeitfenster ab, nicht von der Anzahl der Knoten.",
    "Le déploiement a échoué à l'étape de vérification ; l'équipe a relancé la tâche.",
    "配置文件在启动时加载，修改后需要重新启动服务才能生效。",  # noqa: RUF001 (real Chinese)
    "このページは自動的に生成されます。手動で編集しないでください。",
    "검색 색인은 매일 밤 다시 만들어지며 약 20분이 걸립니다.",
    "Η προσωρινή μνήμη καθαρίζεται κάθε πέντε λεπτά για να μειωθεί η καθυστέρηση.",  # noqa: RUF001
    "Сервис обрабатывает запросы по очереди и повторяет их при ошибке сети.",
    "הגרסה החדשה משנה את סדר השדות בקובץ הייצוא.",
    "يتم تحديث لوحة المعلومات كل دقيقة من خلال واجهة البرمجة.",
    "यह बदलाव केवल नए खातों पर लागू होता है।",
    "Ärger über Öffnungszeiten? Prüfen Sie die Zeitzone (Europe/Zürich) zuerst. 🙂",
)
_IDENTIFIERS = (
    "cache",
    "client",
    "config",
    "deploy",
    "events",
    "handler",
    "index",
    "limit",
    "queue",
    "request",
    "retry",
    "session",
    "token",
    "worker",
)
_FILES = ("src/app.py", "lib/index.ts", "cmd/server/main.go", "deploy/values.yaml", "README.md")
_COMPONENTS = ("login", "search", "billing export", "notifications", "file upload", "dashboard")
_BROWSERS = ("Chrome 126", "Firefox 127", "Safari 17.5", "Edge 125")
_SYSTEMS = ("macOS 14.5", "Windows 11", "Ubuntu 24.04", "iOS 17.5", "Android 14")
_HTTP_ERRORS = (
    "500 Internal Server Error",
    "502 Bad Gateway",
    "409 Conflict",
    "429 Too Many Requests",
)

# Block kinds after the tour, by weight: mostly prose, as in a real long page.
_BLOCK_WEIGHTS = {
    "paragraph": 38,
    "heading": 9,
    "bullet_list": 9,
    "ordered_list": 6,
    "task_list": 4,
    "table": 5,
    "code": 8,
    "quote": 4,
    "image": 3,
    "intl": 4,
    "rule": 2,
}
_TOUR = tuple(k for k in _BLOCK_WEIGHTS if k != "heading")


def utf8_len(text: str) -> int:
    return len(text.encode("utf-8"))


class _Writer:
    """Markdown blocks from one random stream; one instance per document."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.section = 0

    # --- inline ---------------------------------------------------------------------

    def words(self, lo: int, hi: int) -> str:
        rng = self.rng
        out = []
        for _ in range(rng.randint(lo, hi)):
            out.append(rng.choice(_INTL_WORDS) if rng.random() < 0.06 else rng.choice(_WORDS))
        return " ".join(out)

    def url(self) -> str:
        rng = self.rng
        path = "/".join(rng.choice(_IDENTIFIERS) for _ in range(rng.randint(1, 3)))
        query = f"?id={rng.randint(1, 99999)}" if rng.random() < 0.2 else ""
        return f"https://{rng.choice(_HOSTS)}/{path}{query}"

    def span(self) -> str:
        """One marked-up inline piece."""
        rng = self.rng
        text = self.words(1, 4)
        kind = rng.choices(
            (
                "em",
                "em_",
                "strong",
                "strong_",
                "both",
                "strike",
                "code",
                "link",
                "link_title",
                "autolink",
                "bare_url",
                "entity",
                "escape",
                "emoji",
                "strong_link",
                "code_link",
                "strong_code",
            ),
            weights=(8, 3, 8, 2, 2, 3, 9, 7, 2, 1, 2, 2, 1, 2, 2, 2, 1),
        )[0]
        if kind == "em":
            return f"*{text}*"
        if kind == "em_":
            return f"_{text}_"
        if kind == "strong":
            return f"**{text}**"
        if kind == "strong_":
            return f"__{text}__"
        if kind == "both":
            return f"***{text}***"
        if kind == "strike":
            return f"~~{text}~~"
        if kind == "code":
            ident = rng.choice(_IDENTIFIERS)
            return rng.choice(
                (f"`{ident}`", f"`{ident}.{rng.choice(_IDENTIFIERS)}()`", f"`{rng.choice(_FILES)}`")
            )
        if kind == "link":
            return f"[{text}]({self.url()})"
        if kind == "link_title":
            return f'[{text}]({self.url()} "{self.words(1, 3)}")'
        if kind == "autolink":
            return f"<{self.url()}>"
        if kind == "bare_url":
            return f"see {self.url()} for details"
        if kind == "entity":
            return f"{text} {rng.choice(_ENTITIES)} {self.words(1, 2)}"
        if kind == "escape":
            return f"\\*{text}\\* \\[{rng.randint(1, 9)}\\]"
        if kind == "emoji":
            return f"{text} {rng.choice(_SHORTCODES)}"
        if kind == "strong_link":
            return f"**[{text}]({self.url()})**"
        if kind == "code_link":  # ADF allows no code mark beside a link: a converter must choose
            return f"[`{rng.choice(_IDENTIFIERS)}`]({self.url()})"
        return f"**{text} `{rng.choice(_IDENTIFIERS)}`**"  # nor code beside strong

    def sentence(self) -> str:
        rng = self.rng
        parts = [self.words(3, 9)]
        for _ in range(rng.choices((0, 1, 2), weights=(3, 5, 2))[0]):
            parts.append(self.span())
            parts.append(self.words(1, 6))
        text = " ".join(parts)
        return text[0].upper() + text[1:] + rng.choice((".", ".", ".", "!", "?", ":"))

    def prose(self, lo: int, hi: int) -> str:
        """A paragraph's text, possibly over several source lines (soft breaks) with
        an occasional hard break."""
        rng = self.rng
        out = []
        for n in range(rng.randint(lo, hi)):
            if n:
                r = rng.random()
                out.append("\n" if r < 0.25 else "  \n" if r < 0.28 else "\\\n" if r < 0.3 else " ")
            out.append(self.sentence())
        return "".join(out)

    # --- blocks ---------------------------------------------------------------------

    def block(self, kind: str) -> str:
        method: Callable[[], str] = getattr(self, f"b_{kind}")
        return method()

    def b_heading(self) -> str:
        rng = self.rng
        self.section += 1
        title = self.words(2, 6).capitalize()
        if rng.random() < 0.3:
            title += f" ({rng.choice(_INTL_WORDS)})"
        if rng.random() < 0.15:
            title += f" `{rng.choice(_IDENTIFIERS)}`"
        if rng.random() < 0.1:  # setext
            underline = "=" if rng.random() < 0.3 else "-"
            return f"{title}\n{underline * max(3, len(title) // 2)}"
        level = rng.choices((1, 2, 3, 4), weights=(1, 6, 5, 2))[0]
        return f"{'#' * level} {self.section}. {title}"

    def b_paragraph(self) -> str:
        return self.prose(1, 5)

    def b_intl(self) -> str:
        rng = self.rng
        return " ".join(rng.choice(_SENTENCES_INTL) for _ in range(rng.randint(1, 3)))

    def b_rule(self) -> str:
        return self.rng.choice(("---", "***", "___", "- - -"))

    def item_text(self) -> str:
        rng = self.rng
        text = self.words(2, 10)
        if rng.random() < 0.5:
            text += " " + self.span()
        if rng.random() < 0.3:
            text += " " + self.words(1, 6)
        return text[0].upper() + text[1:]

    def list_lines(self, ordered: bool, depth: int, indent: str) -> list[str]:
        rng = self.rng
        lines: list[str] = []
        start = rng.choice((1, 1, 1, 1, 3, 10)) if ordered else 1
        bullet = rng.choice(("-", "-", "*", "+"))
        for n in range(rng.randint(2, 6) if depth == 0 else rng.randint(1, 4)):
            marker = f"{start + n}." if ordered else bullet
            pad = indent + " " * (len(marker) + 1)
            lines.append(f"{indent}{marker} {self.item_text()}")
            if rng.random() < 0.08:  # a second paragraph in the item: a loose list
                lines.append("")
                lines.append(pad + self.item_text() + ".")
            if depth < 2 and rng.random() < 0.3:
                nested_ordered = rng.random() < (0.6 if not ordered else 0.3)
                lines.extend(self.list_lines(nested_ordered, depth + 1, pad))
        return lines

    def b_bullet_list(self) -> str:
        return "\n".join(self.list_lines(False, 0, ""))

    def b_ordered_list(self) -> str:
        return "\n".join(self.list_lines(True, 0, ""))

    def b_task_list(self) -> str:
        rng = self.rng
        lines = []
        for _ in range(rng.randint(2, 7)):
            box = "x" if rng.random() < 0.4 else " "
            lines.append(f"- [{box}] {self.item_text()}")
            if rng.random() < 0.15:
                for _ in range(rng.randint(1, 3)):
                    box = "x" if rng.random() < 0.5 else " "
                    lines.append(f"  - [{box}] {self.item_text()}")
        return "\n".join(lines)

    def cell(self) -> str:
        rng = self.rng
        r = rng.random()
        if r < 0.15:
            return f"`{rng.choice(_IDENTIFIERS)}`"
        if r < 0.25:
            return f"**{self.words(1, 2)}**"
        if r < 0.32:
            return f"[{self.words(1, 2)}]({self.url()})"
        if r < 0.4:
            return str(rng.randint(0, 10_000))
        if r < 0.45:
            return rng.choice(("✅", "❌", "⚠️ partial", "n/a"))
        return self.words(1, 5).replace("|", "/")

    def b_table(self) -> str:
        rng = self.rng
        cols = rng.randint(2, 6)
        head = [self.words(1, 2).capitalize() for _ in range(cols)]
        align = [rng.choice(("---", "---", ":---", ":---:", "---:")) for _ in range(cols)]
        lines = ["| " + " | ".join(head) + " |", "| " + " | ".join(align) + " |"]
        for _ in range(rng.randint(2, 12)):
            lines.append("| " + " | ".join(self.cell() for _ in range(cols)) + " |")
        return "\n".join(lines)

    def code_line(self, language: str) -> str:
        rng = self.rng
        a, b = rng.choice(_IDENTIFIERS), rng.choice(_IDENTIFIERS)
        n = rng.randint(0, 500)
        forms = {
            "python": (
                f"{a}_{b} = {a}.get({b!r}, {n})",
                f"if {a} is None:\n        raise ValueError(f'missing {{{b}}}')",
                f"for {b} in {a}s:\n        yield {b}.{a}",
                f"return {{'{a}': {b}, 'count': {n}}}",
            ),
            "javascript": (
                f"const {a}{b.capitalize()} = await {a}.{b}({n});",
                f"if (!{a}) throw new Error(`missing ${{{b}}}`);",
                f"export function {a}({b}) {{ return {b} * {n}; }}",
            ),
            "typescript": (
                f"const {a}: Map<string, number> = new Map();",
                f"function {b}({a}: string): number {{ return {a}.length + {n}; }}",
            ),
            "go": (
                f"{a}, err := {b}.Load(ctx, {n})",
                'if err != nil {\n\t\treturn fmt.Errorf("' + a + ': %w", err)\n\t}',
            ),
            "sql": (
                f"SELECT {a}_id, count(*) FROM {b}s WHERE created_at > now() - interval '{n} s'",
                f"UPDATE {a} SET {b} = {n} WHERE id = $1;",
            ),
            "bash": (
                f"kubectl rollout restart deployment/{a}-{b} -n prod",
                f'curl -fsS "https://{rng.choice(_HOSTS)}/{a}?limit={n}" | jq .{b}',
            ),
            "yaml": (f"{a}:\n  {b}: {n}\n  enabled: true", f"- name: {a}-{b}\n  replicas: {n}"),
        }
        choices = forms.get(language, forms["python"])
        return rng.choice(choices)

    def b_code(self) -> str:
        rng = self.rng
        language = rng.choice((*_LANGUAGES, "json", "text", ""))
        if language == "json":
            body = "{\n" + ",\n".join(
                f'  "{rng.choice(_IDENTIFIERS)}_{k}": {rng.randint(0, 999)}'
                for k in range(rng.randint(2, 12))
            )
            body += "\n}"
        elif language in ("text", ""):
            body = "\n".join(
                f"2024-06-{rng.randint(10, 28)}T{rng.randint(0, 23):02}:{rng.randint(0, 59):02}:"
                f"{rng.randint(0, 59):02}Z {rng.choice(('INFO', 'WARN', 'ERROR'))} "
                f"{self.words(3, 8)}"
                for _ in range(rng.randint(2, 15))
            )
        else:
            lines = [self.code_line(language) for _ in range(rng.randint(2, 20))]
            body = "\n".join(("    " if language == "python" else "") + x for x in lines)
        fence = "~~~" if rng.random() < 0.1 else "```"
        return f"{fence}{language}\n{body}\n{fence}"

    def b_quote(self) -> str:
        rng = self.rng
        parts = [self.prose(1, 3)]
        if rng.random() < 0.3:
            parts.append("\n".join(self.list_lines(rng.random() < 0.5, 1, "")))
        if rng.random() < 0.3:
            parts.append(f"— {rng.choice(_PEOPLE)}")
        text = "\n\n".join(parts)
        return "\n".join(f"> {line}" if line else ">" for line in text.split("\n"))

    def image(self) -> str:
        rng = self.rng
        name = f"{rng.choice(_IDENTIFIERS)}-{rng.randint(1, 99)}.{rng.choice(('png', 'jpg'))}"
        alt = self.words(1, 4) if rng.random() < 0.85 else ""
        return f"![{alt}](https://{rng.choice(_HOSTS)}/images/{name})"

    def b_image(self) -> str:
        if self.rng.random() < 0.7:
            return self.image()
        return f"{self.sentence()} {self.image()} {self.words(2, 8)}."


def make_markdown(target_bytes: int = SIZES["1 MB"], seed: int = 0) -> str:
    """A long, realistic Markdown page of ``target_bytes`` bytes of UTF-8, at most 80
    short (see the module docstring for its contents)."""
    w = _Writer(seed)
    blocks: list[str] = []
    size = 0

    def add(block: str) -> bool:
        nonlocal size
        extra = utf8_len(block) + (2 if blocks else 0)  # a blank line between blocks
        if size + extra > target_bytes:
            return False
        blocks.append(block)
        size += extra
        return True

    add("# " + w.words(3, 6).capitalize())
    for kind in _TOUR:
        if not add(w.block(kind)):
            break
    kinds, weights = list(_BLOCK_WEIGHTS), list(_BLOCK_WEIGHTS.values())
    misses = 0
    while misses < 20:
        if add(w.block(w.rng.choices(kinds, weights)[0])):
            misses = 0
        else:
            misses += 1
    _fill(blocks, size, target_bytes, w)
    return "\n\n".join(blocks) + "\n"


def _fill(blocks: list[str], size: int, target_bytes: int, w: _Writer) -> None:
    """Close the gap to the target with a last paragraph of plain ASCII words."""
    room = target_bytes - size - 2 - 1  # blank line before it, final newline after
    if room < 8:
        return
    words: list[str] = []
    length = -1
    while True:
        word = w.rng.choice(_WORDS)
        if length + 1 + len(word) > room:
            break
        words.append(word)
        length += 1 + len(word)
    if words:
        blocks.append(" ".join(words).capitalize() + ("." if length + 1 < room else ""))


def make_bug_report(seed: int = 0) -> str:
    """A typical Jira bug description: about 2,000 bytes, at most 50 short."""
    w = _Writer(seed)
    rng = w.rng
    component = rng.choice(_COMPONENTS)
    error = rng.choice(_HTTP_ERRORS)
    browser, system = rng.choice(_BROWSERS), rng.choice(_SYSTEMS)
    reporter = rng.choice(_PEOPLE)
    build = f"2024.{rng.randint(1, 12):02}.{rng.randint(1, 9)}-rc{rng.randint(1, 4)}"
    ticket = f"PLAT-{rng.randint(1000, 9999)}"
    request_id = f"{rng.getrandbits(64):016x}"
    parts = [
        f"**{component.capitalize()} fails with `{error}` after a password reset** "
        f"(reported by {reporter})",
        f"**Environment:** {browser} on {system}, staging (`eu-central-1`), build `{build}`",
        "### Steps to reproduce",
        "\n".join(
            [
                f"1. Sign in as a user created before the {component} migration",
                "2. Open *Settings* → **Security** and request a password reset",
                f"3. Follow the link from the e-mail and open the {component} page",
                f"4. Click **Save** (the request goes to `POST /api/v2/{component.split()[0]}`)",
            ]
        ),
        "### Expected",
        "The change is saved and a confirmation appears, as for accounts created after "
        "the store migration.",
        "### Actual",
        f"A red banner says _Something went wrong_ and the API answers `{error}`. "
        f"The request id is `{request_id}`; the log shows:",
        "```text\n"
        + "\n".join(
            f"2024-06-{rng.randint(10, 28)}T10:{rng.randint(10, 59)}:{rng.randint(10, 59)}Z "
            f"{level} {msg}"
            for level, msg in (
                ("INFO", f"{component} request accepted request_id={request_id}"),
                ("WARN", "session token refreshed twice within 2s"),
                ("ERROR", f"{error}: KeyError 'tenant_id' in resolve_account()"),
            )
        )
        + "\n```",
        "### Notes",
        "\n".join(
            [
                "- Happens for about 30% of affected accounts; never in production",
                f"- Possibly related to [{ticket}](https://jira.example.net/browse/{ticket})",
                "- Café/Zürich users see the banner in their locale: « Une erreur est survenue »",
            ]
        ),
        "| Tried | Result |\n| --- | :---: |\n| Clear cookies | ❌ |\n"
        f"| Other browser ({rng.choice(_BROWSERS)}) | ❌ |\n| New account | ✅ |",
        "- [x] Check the error-rate dashboard\n- [ ] Add a regression test\n"
        "- [ ] Decide whether to backport the fix",
    ]
    # An impact paragraph, sentence by sentence while there is room, closes the gap.
    impact: list[str] = []
    room = BUG_REPORT_BYTES - utf8_len("\n\n".join(parts) + "\n") - len("\n\n### Impact\n\n")
    for _ in range(12):
        sentence = w.sentence()
        extra = utf8_len(sentence) + (1 if impact else 0)
        if extra <= room:
            impact.append(sentence)
            room -= extra
    if impact:
        parts[-2:-2] = ["### Impact", " ".join(impact)]
    return "\n\n".join(parts) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument(
        "size", nargs="?", default="1m", help="target size (bytes, 10k, 1m) or 'bug' (default 1m)"
    )
    parser.add_argument(
        "-o", "--output", type=Path, help="write the Markdown here (default: stdout)"
    )
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if args.size == "bug":
        text = make_bug_report(args.seed)
    else:
        text = make_markdown(parse_size(args.size), args.seed)
    if args.output:
        args.output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    print(f"{utf8_len(text):,} bytes, {text.count(chr(10)):,} lines", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
