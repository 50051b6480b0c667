"""Rich-text bodies for Jira (descriptions, comments, textarea fields): text in any format
adfkit reads -> ADF, with the two things a body can name that only exist in Jira: local
images to upload, and media already attached.

Local images. ``![shot](shot.png)`` in Markdown names a file beside the Markdown file.
adfkit's Markdown reader keeps only images with an absolute http(s) URL (a relative one
becomes its alt text: the path is gone from the ADF), so this module works around it on
the Markdown source: each inline image destination that is a local path is replaced by a
placeholder URL ``https://adfkit-local.invalid/N`` before reading (so is the destination
of a link reference definition, ``[ref]: shot.png``, for ``![alt][ref]``) (``.invalid`` is
reserved, RFC 2606: never a real host). The reader then makes a ``mediaSingle`` >
``media`` (external) of every placeholder that is really an image; text the rewrite
touched where no image was meant (a code span or code block showing image syntax) is
put back as written. ``resolve_media`` later turns the placeholders into ``media``
nodes of type ``file`` once the files are uploaded. A local image the reader places
nowhere is reported (``Body.dropped``), never silently lost.

Attached media. ``adfkit jira show`` writes an attached image as
``![name.png](https://jira-media.invalid/<media id>)``; an edit maps that URL back to the
same ``media`` node (same id, size and layout), so "show, change the text, edit" keeps
every image.

Every walk here uses an explicit stack: any nesting depth.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from adfkit.jira.errors import FieldProblem

__all__ = [
    "LOCAL_PREFIX",
    "MEDIA_PREFIX",
    "Body",
    "KnownMedia",
    "file_media",
    "for_show",
    "read_body",
    "referenced_media",
    "resolve_media",
    "show_markdown",
    "unknown_references",
    "without_local_images",
]

LOCAL_PREFIX = "https://adfkit-local.invalid/"
MEDIA_PREFIX = "https://jira-media.invalid/"

# An inline image: ![alt](destination "title"). The destination is <...> or a run without
# spaces in which parentheses balance one level deep (CommonMark's rule, simplified).
_IMAGE = re.compile(
    r"!\[(?P<alt>(?:[^\[\]\\\n]|\\.){0,1000})\]\(\s*"
    r"(?P<dest><[^<>\n]*>|[^\s()<>]+(?:\([^\s()]*\)[^\s()<>]*)*)"
    r"(?P<title>\s+(?:\"[^\"\n]*\"|'[^'\n]*'|\([^)\n]*\)))?\s*\)"
)
# A link reference definition, "[ref]: destination" (what ![alt][ref] points to).
_DEFINITION = re.compile(
    r"^ {0,3}\[(?:[^\[\]\\\n]|\\.){1,999}\]:[ \t]*(?P<dest><[^<>\n]*>|\S+)", re.MULTILINE
)
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
_PLACEHOLDER = re.compile(re.escape(LOCAL_PREFIX) + r"(\d+)")


@dataclass(frozen=True, slots=True)
class LocalImage:
    """A local image the body shows: ``url`` is its placeholder in the ADF."""

    url: str
    path: Path
    written: str  # the destination as the Markdown wrote it


@dataclass
class Body:
    """A body read into ADF; ``images`` are the local files it shows inline (in order)."""

    doc: dict[str, Any]
    images: list[LocalImage] = field(default_factory=list)
    # Local images the reader placed nowhere (neither shown nor kept as text).
    dropped: list[LocalImage] = field(default_factory=list)
    # ``<img src>`` of an HTML body that name a local file: the HTML reader keeps only
    # their alt text and nothing uploads them, so they are reported, never lost silently.
    html_local_images: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class KnownMedia:
    """A ``media`` node already in Jira, with its ``mediaSingle``'s attributes, or a
    ``mediaInline`` file (``inline``)."""

    attrs: Mapping[str, Any]
    single_attrs: Mapping[str, Any] | None
    inline: bool = False
    grouped: bool = False  # in a mediaGroup (a file card row), not a mediaSingle


def _nodes(doc: Any) -> Iterator[tuple[dict[str, Any], dict[str, Any] | None]]:
    """Every node of ``doc`` with its parent, in document order."""
    stack: list[tuple[Any, dict[str, Any] | None]] = [(doc, None)]
    while stack:
        node, parent = stack.pop()
        if not isinstance(node, dict):
            continue
        yield node, parent
        content = node.get("content")
        if isinstance(content, list):
            stack.extend((child, node) for child in reversed(content))


def file_media(doc: Any) -> dict[str, KnownMedia]:
    """The ``media`` and ``mediaInline`` nodes of type ``file`` in ``doc`` by id (the
    first of each id): each is an attachment that Jira deletes once no text shows it."""
    found: dict[str, KnownMedia] = {}
    for node, parent in _nodes(doc):
        attrs = node.get("attrs")
        kind = node.get("type")
        if kind not in ("media", "mediaInline") or not isinstance(attrs, dict):
            continue
        media_id = attrs.get("id")
        # mediaInline's type defaults to "file" (the schema's default)
        is_file = attrs.get("type", "file" if kind == "mediaInline" else None) == "file"
        if is_file and isinstance(media_id, str) and media_id not in found:
            single = parent.get("attrs") if parent and parent.get("type") == "mediaSingle" else None
            found[media_id] = KnownMedia(
                dict(attrs),
                dict(single) if single else None,
                kind == "mediaInline",
                bool(parent and parent.get("type") == "mediaGroup"),
            )
    return found


def _reference(node: dict[str, Any]) -> str | None:
    """The media id a ``jira-media.invalid`` reference names: an image's URL, or the
    link of a text (how ``show`` writes a file shown inline), else None."""
    attrs = node.get("attrs")
    if node.get("type") == "media" and isinstance(attrs, dict):
        url = attrs.get("url")
        if isinstance(url, str) and url.startswith(MEDIA_PREFIX):
            return url[len(MEDIA_PREFIX) :]
    elif node.get("type") == "text":
        for mark in node.get("marks") or ():
            if not isinstance(mark, dict) or mark.get("type") != "link":
                continue
            href = (mark.get("attrs") or {}).get("href")
            if isinstance(href, str) and href.startswith(MEDIA_PREFIX):
                return href[len(MEDIA_PREFIX) :]
    return None


def _local_destination(dest: str) -> str | None:
    """The path a Markdown image destination names, or None for a URL."""
    if dest.startswith("<") and dest.endswith(">"):
        dest = dest[1:-1]
    dest = re.sub(r"\\(.)", r"\1", dest)
    if not dest or dest.startswith(("#", "//")) or _SCHEME.match(dest):
        return None
    return dest


def _rewrite_images(markdown: str, base_dir: Path) -> tuple[str, dict[str, LocalImage]]:
    """The Markdown with each local image destination replaced by a placeholder URL."""
    images: dict[str, LocalImage] = {}
    by_path: dict[str, str] = {}
    pieces: list[str] = []
    last = 0
    matches = sorted(
        [*_IMAGE.finditer(markdown), *_DEFINITION.finditer(markdown)], key=lambda m: m.start()
    )
    for match in matches:
        if match.start("dest") < last:
            continue  # inside a match already rewritten
        written = match.group("dest")
        local = _local_destination(written)
        if local is None:
            continue
        url = by_path.get(local)
        if url is None:
            url = f"{LOCAL_PREFIX}{len(by_path)}"
            by_path[local] = url
            images[url] = LocalImage(url, base_dir / local, written)
        start, end = match.span("dest")
        pieces += [markdown[last:start], url]
        last = end
    pieces.append(markdown[last:])
    return "".join(pieces), images


def _restore(text: str, images: Mapping[str, LocalImage]) -> str:
    return _PLACEHOLDER.sub(lambda m: images[m.group(0)].written, text)


def plain_body(value: Any) -> Any:
    """A body as the readers take it: a built document as its JSON, bytes as UTF-8 text
    without a byte-order mark; anything else as given."""
    from adfkit.document import as_json

    if isinstance(value, bytes | bytearray):
        value = bytes(value).decode("utf-8", errors="replace").removeprefix("\ufeff")
    return as_json(value)


def read_body(value: Any, fmt: str, *, base_dir: Path | None = None) -> Body:
    """``value`` (Markdown, HTML, any format adfkit reads, or an ADF dict) as ADF, local
    Markdown images kept as placeholders (see the module docstring). ``fmt`` is a
    format name of ``adfkit.formats.READERS``, ``"adf"`` or ``"auto"`` (sniffed)."""
    from adfkit import formats

    value = plain_body(value)
    if isinstance(value, Mapping):
        return Body(dict(value))
    if not isinstance(value, str):
        raise TypeError(
            f"expected text, UTF-8 bytes or an ADF document (a dict or a built Doc), "
            f"got {type(value).__name__}"
        )
    kind = formats.sniff(value) if fmt == "auto" else fmt
    if kind == "adf":
        kind = "markdown"  # JSON text is the caller's to parse; as text it is Markdown
    if kind == "html":
        return Body(formats.reader(kind)(value), html_local_images=_html_local_images(value))
    if kind != "markdown":
        return Body(formats.reader(kind)(value))
    rewritten, images = _rewrite_images(value, base_dir or Path.cwd())
    doc = formats.reader("markdown")(rewritten)
    if not images:
        return Body(doc)
    shown: list[LocalImage] = []
    kept: set[str] = set()
    for node, _ in _nodes(doc):
        attrs = node.get("attrs")
        if node.get("type") == "media" and isinstance(attrs, dict):
            url = attrs.get("url")
            if isinstance(url, str) and url in images:
                shown.append(images[url])
        elif node.get("type") == "text" and LOCAL_PREFIX in str(node.get("text", "")):
            kept.update(_PLACEHOLDER.findall(str(node["text"])))
            node["text"] = _restore(str(node["text"]), images)
        for mark in node.get("marks") or []:
            mark_attrs = mark.get("attrs") if isinstance(mark, dict) else None
            if isinstance(mark_attrs, dict) and LOCAL_PREFIX in str(mark_attrs.get("href", "")):
                kept.update(_PLACEHOLDER.findall(str(mark_attrs["href"])))
                mark_attrs["href"] = _restore(str(mark_attrs["href"]), images)
    unique = list({image.url: image for image in shown}.values())
    placed = {image.url for image in unique} | {f"{LOCAL_PREFIX}{n}" for n in kept}
    dropped = [image for url, image in images.items() if url not in placed]
    return Body(doc, unique, dropped)


class _ImageSources:
    """An lxml parser target that keeps the ``src`` of every ``<img>``: events only, so
    any size and nesting depth costs one pass and no tree."""

    def __init__(self) -> None:
        self.sources: list[str] = []

    def start(self, tag: str, attrib: Mapping[str, str]) -> None:
        if tag == "img" and attrib.get("src"):
            self.sources.append(str(attrib["src"]).strip())

    def end(self, tag: str) -> None:
        pass

    def data(self, data: str) -> None:
        pass

    def close(self) -> list[str]:
        return self.sources


def _html_local_images(html: str) -> list[str]:
    """The ``<img src>`` of ``html`` that name a local file (no scheme, or ``file:``)."""
    if "<img" not in html.lower():
        return []
    from lxml import etree

    parser = etree.HTMLParser(target=_ImageSources(), no_network=True)
    try:
        sources: list[str] = etree.fromstring(html, parser)
    except etree.LxmlError:
        return []  # left to the HTML reader, which reads any text
    local = [
        src
        for src in sources
        if not src.startswith("//") and (not _SCHEME.match(src) or src.lower().startswith("file:"))
    ]
    return list(dict.fromkeys(local))


def referenced_media(doc: Any) -> set[str]:
    """The media ids ``doc`` keeps: its ``file`` media and its ``jira-media.invalid``
    references (before ``resolve_media`` turns them back into ``file`` media)."""
    ids = set(file_media(doc))
    for node, _ in _nodes(doc):
        found = _reference(node)
        if found is not None:
            ids.add(found)
    return ids


def unknown_references(doc: Any, known: Mapping[str, KnownMedia], where: str) -> list[FieldProblem]:
    """A problem for each ``jira-media.invalid`` reference to media not in ``known``."""
    problems: list[FieldProblem] = []
    for node, _ in _nodes(doc):
        found = _reference(node)
        if found is not None and found not in known:
            url = f"{MEDIA_PREFIX}{found}"
            shown = f"![…]({url})" if node.get("type") == "media" else f"[…]({url})"
            problems.append(
                FieldProblem(
                    where,
                    "UNKNOWN_MEDIA",
                    f"{shown} names media that this issue's current text does not show",
                    "copy the reference from `adfkit jira show`, or link a local file",
                )
            )
    return problems


def resolve_media(
    doc: dict[str, Any],
    uploaded: Mapping[str, Mapping[str, Any]],
    known: Mapping[str, KnownMedia],
    where: str,
) -> list[FieldProblem]:
    """Turn placeholders into ``media`` nodes of type ``file``, in place.

    ``uploaded`` maps a local placeholder URL to the new node's attrs (id, size, alt);
    ``known`` holds the media already in Jira that a ``https://jira-media.invalid/ID``
    reference may name (their attrs and layout are restored). Returns a problem for each
    reference to media that is not known (``unknown_references`` finds them earlier).
    """
    problems = unknown_references(doc, known, where)
    for node, parent in _nodes(doc):
        if node.get("type") == "text":
            found_id = _reference(node)
            inline = known.get(found_id) if found_id is not None else None
            if inline is not None:
                # A file shown inline, written by ``show`` as a link: the node again.
                chip = dict(inline.attrs)
                if not inline.inline:  # an image's media named by a link: a file chip
                    chip = {k: chip[k] for k in ("type", "id", "collection") if k in chip}
                node.clear()
                node.update({"type": "mediaInline", "attrs": chip})
            continue
        attrs = node.get("attrs")
        if node.get("type") != "media" or not isinstance(attrs, dict):
            continue
        url = attrs.get("url")
        if attrs.get("type") != "external" or not isinstance(url, str):
            continue
        single = parent if parent is not None and parent.get("type") == "mediaSingle" else None
        if url in uploaded:
            # The alt text the Markdown gave wins over the file name.
            alt = {"alt": attrs["alt"]} if attrs.get("alt") else {}
            node["attrs"] = {"type": "file", "collection": "", **uploaded[url], **alt}
        elif url.startswith(MEDIA_PREFIX):
            found = known.get(url[len(MEDIA_PREFIX) :])
            if found is None:
                continue
            node["attrs"] = dict(found.attrs)
            if single is not None and found.grouped:
                # shown as an image, it was a file card: a group again (one per card)
                single["type"] = "mediaGroup"
                single.pop("attrs", None)
            elif single is not None and found.single_attrs is not None:
                single["attrs"] = dict(found.single_attrs)
    return problems


def without_local_images(doc: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``doc`` in which each image still to upload is a paragraph with its
    file name: what a create sends before the images exist (the description is set
    again once they are uploaded)."""
    import copy

    out = copy.deepcopy(doc)
    for node, _ in _nodes(out):
        if node.get("type") != "mediaSingle":
            continue
        media = [c for c in node.get("content") or [] if isinstance(c, dict)]
        urls = [str((c.get("attrs") or {}).get("url", "")) for c in media]
        if any(url.startswith(LOCAL_PREFIX) for url in urls):
            names = [str((c.get("attrs") or {}).get("alt") or "image") for c in media]
            node.clear()
            node.update(
                {
                    "type": "paragraph",
                    "content": [{"type": "text", "text": f"[{', '.join(names)}: uploading]"}],
                }
            )
    return out


def for_show(doc: Any) -> Any:
    """A copy of ``doc`` in which each attached image is an external image at
    ``https://jira-media.invalid/<media id>`` and each mention is ``[~accountid:ID]``,
    so that its Markdown names both in a form ``read_body``/an edit maps back."""
    return _for_show(doc, lambda account: f"[~accountid:{account}]")


def _for_show(doc: Any, mention_text: Callable[[str], str]) -> Any:
    import copy

    shown = copy.deepcopy(doc)
    for node, _ in _nodes(shown):
        attrs = node.get("attrs")
        if not isinstance(attrs, dict):
            continue
        if node.get("type") == "media" and attrs.get("type") == "file" and attrs.get("id"):
            alt = attrs.get("alt") or "attachment"
            node["attrs"] = {"type": "external", "url": f"{MEDIA_PREFIX}{attrs['id']}", "alt": alt}
        elif (
            node.get("type") == "mediaInline"
            and attrs.get("type", "file") == "file"
            and isinstance(attrs.get("id"), str)
            and attrs["id"]
        ):
            # A file shown inline: a link to its reference, which an edit maps back.
            link = {"type": "link", "attrs": {"href": f"{MEDIA_PREFIX}{attrs['id']}"}}
            node.clear()
            node.update({"type": "text", "text": str(attrs.get("alt") or "file"), "marks": [link]})
        elif node.get("type") == "mention" and attrs.get("id"):
            node.clear()
            node.update({"type": "text", "text": mention_text(str(attrs["id"]))})
    return shown


def show_markdown(doc: Any) -> str:
    """``doc`` as the Markdown ``adfkit jira show`` prints: attached images as
    ``![alt](https://jira-media.invalid/<media id>)`` and mentions as ``[~accountid:ID]``,
    written literally, as the docs show it and as an edit maps it back.

    The Markdown writer escapes the brackets, tilde and colons of a mention written as text
    (``\\[\\~accountid\\:...``), so each mention goes through the writer as a placeholder
    of private-use characters, which it leaves alone, and is put in afterwards. A character
    right after it that would make ``[~accountid:ID]`` a link or a link reference
    definition (``(``, ``[``, ``:``) is escaped."""
    import secrets

    from adfkit import to_markdown

    nonce = secrets.token_hex(4)  # no text the user wrote can hold it by chance
    accounts: list[str] = []

    def placeholder(account: str) -> str:
        accounts.append(account)
        return f"\ue000{nonce}{len(accounts) - 1}\ue001"

    markdown = to_markdown(_for_show(doc, placeholder))

    def put_back(match: re.Match[str]) -> str:
        after = match.group(2)
        escape = "\\" if after and after in "([:" else ""
        return f"[~accountid:{accounts[int(match.group(1))]}]{escape}{after}"

    return re.sub(f"\ue000{nonce}(\\d+)\ue001(.?)", put_back, markdown, flags=re.DOTALL)
