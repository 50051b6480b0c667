"""Write ``valid/deep-nesting-500-lists.json``: 500 bullet lists, each nested in the
previous one's list item.

JSON has no comments, so this script is the record of how that file was made;
``tests/test_corpus.py`` checks the file still equals ``build()``. Run it from
anywhere: ``python tests/data/make_deep.py``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

DEPTH = 500
TARGET = Path(__file__).resolve().parent / "valid" / "deep-nesting-500-lists.json"


def build(depth: int = DEPTH) -> dict[str, Any]:
    """A doc whose innermost bullet list is ``depth`` lists deep. Built from the inside
    out, so building needs no recursion."""
    inner: dict[str, Any] = {
        "type": "bulletList",
        "content": [
            {
                "type": "listItem",
                "content": [
                    {"type": "paragraph", "content": [{"type": "text", "text": f"level {depth}"}]}
                ],
            }
        ],
    }
    for level in range(depth - 1, 0, -1):
        inner = {
            "type": "bulletList",
            "content": [
                {
                    "type": "listItem",
                    "content": [
                        {
                            "type": "paragraph",
                            "content": [{"type": "text", "text": f"level {level}"}],
                        },
                        inner,
                    ],
                }
            ],
        }
    return {"version": 1, "type": "doc", "content": [inner]}


def render(depth: int = DEPTH) -> str:
    """The file's exact text: compact, since indenting 2,000 levels would be megabytes.
    ``json`` recurses once per JSON level, so the recursion limit is raised meanwhile."""
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 8 * depth + 1_000))
    try:
        return json.dumps(build(depth), separators=(",", ":"), check_circular=False) + "\n"
    finally:
        sys.setrecursionlimit(limit)


def main() -> None:
    TARGET.write_text(render(), encoding="utf-8")
    print(f"wrote {TARGET}")


if __name__ == "__main__":
    main()
