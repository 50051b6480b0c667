"""GFM tables as GitHub reads them, as a mistune plugin.

mistune's own table plugin follows PHP Markdown Extra: a row whose cell count differs
from the delimiter row's makes the whole table plain text, a table ends at any line
without a pipe, and tables are read only at the top level. GitHub (cmark-gfm, GFM spec
section 4.10) pads a short row with empty cells, drops the cells past the header's
count, takes any line as a row until a blank line or the start of another block, and
reads tables inside list items and block quotes too. This plugin does the same and
emits mistune's own token shapes (``table``, ``table_head``, ``table_body``,
``table_row``, ``table_cell``), so the rest of the reader does not know the difference.

Each line is looked at once: a table costs time linear in its size.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["gfm_tables"]

# A line that may be a header row: it holds a pipe. Whether the next line is a delimiter
# row is checked in Python, so the big alternation mistune builds stays cheap.
_HEADER = r"^ {0,3}(?=[^\n]*\|)[^\n]*\S[^\n]*(?:\n|$)"
_DELIMITER_CELL = re.compile(r":?-+:?")
# Lines that start another block and so end a table (GFM: "the table is broken at the
# first empty line, or beginning of another block-level structure").
_BLOCK_START = re.compile(
    r" {0,3}(?:>|#{1,6}(?:[ \t]|$)|`{3,}|~{3,}|<|[-*+](?:[ \t]|$)|\d{1,9}[.)](?:[ \t]|$)"
    r"|(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})$)"
)


def split_cells(line: str) -> list[str]:
    """A row's cells: split at unescaped pipes, one leading and one trailing pipe
    dropped, each cell stripped."""
    text = line.strip()
    if text.startswith("|"):
        text = text[1:]
    if text.endswith("|") and not _escaped(text, len(text) - 1):
        text = text[:-1]
    cells: list[str] = []
    start = 0
    backslashes = 0
    for pos, char in enumerate(text):
        if char == "|" and backslashes % 2 == 0:
            cells.append(text[start:pos].strip())
            start = pos + 1
        backslashes = backslashes + 1 if char == "\\" else 0
    cells.append(text[start:].strip())
    return cells


def _escaped(text: str, pos: int) -> bool:
    count = 0
    pos -= 1
    while pos >= 0 and text[pos] == "\\":
        count += 1
        pos -= 1
    return count % 2 == 1


def _alignments(line: str) -> list[str | None] | None:
    """The delimiter row's alignments, or None when ``line`` is not a delimiter row."""
    if "-" not in line:
        return None
    aligns: list[str | None] = []
    for cell in split_cells(line):
        if not _DELIMITER_CELL.fullmatch(cell):
            return None
        if cell.startswith(":") and cell.endswith(":"):
            aligns.append("center")
        elif cell.endswith(":"):
            aligns.append("right")
        elif cell.startswith(":"):
            aligns.append("left")
        else:
            aligns.append(None)
    return aligns


def _row(line: str, aligns: list[str | None], *, head: bool) -> dict[str, Any]:
    cells = split_cells(line)[: len(aligns)]
    cells += [""] * (len(aligns) - len(cells))  # a short row is padded to the header
    children = [
        {"type": "table_cell", "text": text, "attrs": {"align": aligns[i], "head": head}}
        for i, text in enumerate(cells)
    ]
    return {"type": "table_row" if not head else "table_head", "children": children}


def _parse_table(block: Any, m: re.Match[str], state: Any) -> int | None:
    header = m.group(0)
    pos = m.end()
    delimiter = state.get_line(pos) if pos < state.cursor_max else ""
    aligns = _alignments(delimiter.rstrip("\n"))
    if aligns is None or len(split_cells(header)) != len(aligns):
        return None
    pos += len(delimiter)
    rows = []
    while pos < state.cursor_max:
        line = state.get_line(pos)
        if not line.strip() or _BLOCK_START.match(line):
            break
        rows.append(_row(line, aligns, head=False))
        pos += len(line)
    head = _row(header, aligns, head=True)
    state.append_token(
        {"type": "table", "children": [head, {"type": "table_body", "children": rows}]}
    )
    return pos


def gfm_tables(md: Any) -> None:
    """mistune plugin: GFM tables at the top level, in block quotes and in list items."""
    md.block.register("gfm_table", _HEADER, _parse_table, before="paragraph")
    for rules in (md.block.block_quote_rules, md.block.list_rules):
        md.block.insert_rule(rules, "gfm_table", before="paragraph")
