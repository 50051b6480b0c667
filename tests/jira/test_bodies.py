"""The pieces of a rich-text body that need no Jira: image headers, local images in
Markdown, the Markdown `show` writes, mentions found in text."""

from __future__ import annotations

import struct
from pathlib import Path
from typing import Any

import pytest

from adfkit.jira.images import image_info, solid_png
from adfkit.jira.mentions import Mention, Resolved, apply_mentions, find_mentions
from adfkit.jira.richtext import (
    MEDIA_PREFIX,
    file_media,
    for_show,
    read_body,
    resolve_media,
    show_markdown,
)


def _jpeg(width: int, height: int) -> bytes:
    app0 = (
        b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00" + b"\x01\x02\x00\x00\x01\x00\x01\x00\x00"
    )
    sof = b"\xff\xc2" + struct.pack(">HBHHB", 11, 8, height, width, 1) + b"\x01\x11\x00"
    return b"\xff\xd8" + app0 + sof + b"\xff\xd9"


def _webp_vp8x(width: int, height: int) -> bytes:
    body = b"VP8X" + struct.pack("<I", 10) + b"\x00\x00\x00\x00"
    body += (width - 1).to_bytes(3, "little") + (height - 1).to_bytes(3, "little")
    return b"RIFF" + struct.pack("<I", len(body) + 4) + b"WEBP" + body


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (solid_png(64, 48), ("image/png", 64, 48)),
        (b"GIF89a" + struct.pack("<HH", 17, 9) + b"\x00" * 6, ("image/gif", 17, 9)),
        (_jpeg(1280, 720), ("image/jpeg", 1280, 720)),
        (_webp_vp8x(300, 200), ("image/webp", 300, 200)),
        (b"BM" + b"\x00" * 16 + struct.pack("<ii", 30, -20) + b"\x00" * 30, ("image/bmp", 30, 20)),
    ],
)
def test_image_headers_give_the_type_and_size(data: bytes, expected: tuple[str, int, int]) -> None:
    info = image_info(data)
    assert info is not None
    assert (info.mime_type, info.width, info.height) == expected


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"plain text",
        solid_png(4, 4)[:20],
        b"\xff\xd8\xff\xe0\x00",
        b"%PDF-1.7",
        b"GIF89a\x00\x00\x00\x00",
    ],
)
def test_anything_else_is_not_an_image_jira_shows(data: bytes) -> None:
    assert image_info(data) is None


def test_a_jpeg_scan_walks_segments_and_stops_on_garbage() -> None:
    # Segments are skipped by their length, not scanned byte by byte.
    comment = b"\xff\xfe" + struct.pack(">H", 2 + 50_000) + b"\xff\xc0" * 25_000
    assert image_info(b"\xff\xd8" + comment + _jpeg(5, 6)[2:]) is not None
    assert image_info(b"\xff\xd8" + b"\x00" * 100) is None


def test_local_images_are_found_relative_to_the_markdown_and_code_is_kept(tmp_path: Path) -> None:
    text = (
        '![one](shots/a.png) and ![two](<my shot.png> "t")\n\n'
        "![web](https://example.com/x.png) `![code](shots/a.png)`\n\n"
        "    ![indented](shots/a.png)\n\n![three][ref]\n\n[ref]: b.png\n"
    )
    body = read_body(text, "markdown", base_dir=tmp_path)
    assert [(i.path, i.written) for i in body.images] == [
        (tmp_path / "shots/a.png", "shots/a.png"),
        (tmp_path / "my shot.png", "<my shot.png>"),
        (tmp_path / "b.png", "b.png"),
    ]
    texts = [n["text"] for n in _walk(body.doc) if n.get("type") == "text"]
    assert "![code](shots/a.png)" in texts
    assert "![indented](shots/a.png)\n" in texts or "![indented](shots/a.png)" in texts
    urls = [n["attrs"]["url"] for n in _walk(body.doc) if n.get("type") == "media"]
    assert "https://example.com/x.png" in urls
    assert body.dropped == []


def test_show_writes_media_and_mentions_in_a_form_an_edit_maps_back() -> None:
    single = {"layout": "wide", "width": 600, "widthType": "pixel"}
    media = {
        "type": "file",
        "id": "a1b2",
        "collection": "",
        "width": 640,
        "height": 480,
        "alt": "x.png",
    }
    doc: dict[str, Any] = {
        "type": "doc",
        "version": 1,
        "content": [
            {
                "type": "mediaSingle",
                "attrs": single,
                "content": [{"type": "media", "attrs": media}],
            },
            {"type": "paragraph", "content": [{"type": "mention", "attrs": {"id": "712020:a"}}]},
        ],
    }
    import adfkit

    markdown = adfkit.to_markdown(for_show(doc))
    assert f"![x.png]({MEDIA_PREFIX}a1b2)" in markdown
    back = read_body(markdown, "markdown").doc
    assert resolve_media(back, {}, file_media(doc), "description") == []
    assert back["content"][0] == doc["content"][0]  # same media, size and layout
    assert find_mentions(back) == [Mention("account", "712020:a")]


def test_mentions_skip_code_and_see_autolinked_addresses() -> None:
    doc = read_body(
        "Hi @ann@example.com, @[Bo Li] and `@[Not Me]`; mail ann@example.com\n", "markdown"
    ).doc
    found = find_mentions(doc)
    assert found == [Mention("email", "ann@example.com"), Mention("name", "Bo Li")]
    made = apply_mentions(doc, lambda m: Resolved(f"id-{m.value}", m.value))
    assert made == 2
    nodes = doc["content"][0]["content"]
    kinds = [(n["type"], n.get("text") or n.get("attrs", {}).get("id")) for n in nodes]
    assert ("mention", "id-ann@example.com") in kinds
    assert ("mention", "id-Bo Li") in kinds
    assert kinds[0] == ("text", "Hi ")
    # a bare address (no "@" before it) stays a mailto link
    assert any(n.get("marks") and n["text"] == "ann@example.com" for n in nodes)


def test_mentions_work_at_any_depth() -> None:
    depth = 5_000
    doc: dict[str, Any] = {"type": "paragraph", "content": [{"type": "text", "text": "@[Deep]"}]}
    for _ in range(depth):
        doc = {"type": "blockquote", "content": [doc]}
    assert find_mentions({"type": "doc", "version": 1, "content": [doc]}) == [
        Mention("name", "Deep")
    ]


def _walk(doc: Any) -> list[dict[str, Any]]:
    out, stack = [], [doc]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            out.append(node)
            stack.extend(node.get("content") or [])
    return out


@pytest.mark.parametrize("after", ["(lead)", ": see the notes", "[ref]", " done", ""])
def test_show_markdown_writes_mentions_literally_and_reads_back_the_same(after: str) -> None:
    paragraph: list[dict[str, Any]] = [
        {"type": "text", "text": "Ask "},
        {"type": "mention", "attrs": {"id": "712020:a-b_c", "text": "@Ann"}},
    ]
    if after:
        paragraph.append({"type": "text", "text": after})
    doc = {"type": "doc", "version": 1, "content": [{"type": "paragraph", "content": paragraph}]}
    markdown = show_markdown(doc)
    assert markdown.startswith("Ask [~accountid:712020:a-b_c]")  # not \[\~accountid\:...
    back = read_body(markdown, "markdown").doc
    assert find_mentions(back) == [Mention("account", "712020:a-b_c")]
    apply_mentions(back, lambda m: Resolved(m.value, "Ann"))
    assert back == doc  # the text after it stays text: no link, no reference definition


def test_show_markdown_at_the_start_of_a_line_is_no_link_reference_definition() -> None:
    line = [
        {"type": "mention", "attrs": {"id": "712020:a"}},
        {"type": "text", "text": ": <notes>"},
    ]
    doc = {"type": "doc", "version": 1, "content": [{"type": "paragraph", "content": line}]}
    back = read_body(show_markdown(doc), "markdown").doc
    apply_mentions(back, lambda m: Resolved(m.value))
    assert back["content"][0]["content"][0] == line[0]
    assert "".join(n.get("text", "") for n in back["content"][0]["content"]).startswith(": ")
