"""What an image file is and how big, read from its first bytes: the facts an inline
image in Jira needs (the ``media`` node's ``width`` and ``height``, the upload's type).

Only formats Jira shows inline in a browser are accepted (PNG, JPEG, GIF, WebP, BMP);
anything else is refused before an upload. Headers are parsed by hand rather than with
an imaging library: a few fixed offsets per format (PNG's IHDR, GIF's logical screen,
BMP's info header, WebP's VP8/VP8L/VP8X chunk, JPEG's first SOFn segment). The JPEG scan
walks segment lengths, so it is linear in the file and stops at the first frame header.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

__all__ = ["ImageInfo", "image_info", "solid_png"]


@dataclass(frozen=True, slots=True)
class ImageInfo:
    mime_type: str
    width: int
    height: int


# SOF markers carry the frame size; C4 (DHT), C8 (JPG) and CC (DAC) share the range.
_SOF = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}


def _jpeg(data: bytes) -> tuple[int, int] | None:
    i = 2
    while i + 9 < len(data):
        if data[i] != 0xFF:
            return None
        marker = data[i + 1]
        if marker == 0xFF:  # fill byte
            i += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:  # no length field
            i += 2
            continue
        (length,) = struct.unpack(">H", data[i + 2 : i + 4])
        if marker in _SOF:
            height, width = struct.unpack(">HH", data[i + 5 : i + 9])
            return width, height
        if length < 2:
            return None
        i += 2 + length
    return None


def _webp(data: bytes) -> tuple[int, int] | None:
    chunk = data[12:16]
    if chunk == b"VP8X" and len(data) >= 30:
        width = int.from_bytes(data[24:27], "little") + 1
        height = int.from_bytes(data[27:30], "little") + 1
        return width, height
    if chunk == b"VP8 " and len(data) >= 30 and data[23:26] == b"\x9d\x01\x2a":
        width, height = struct.unpack("<HH", data[26:30])
        return width & 0x3FFF, height & 0x3FFF
    if chunk == b"VP8L" and len(data) >= 25 and data[20] == 0x2F:
        bits = int.from_bytes(data[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    return None


def image_info(data: bytes) -> ImageInfo | None:
    """The type and pixel size of an image Jira can show inline, or None for anything
    else (another format, a truncated or damaged header, a zero size)."""
    found: tuple[str, tuple[int, int] | None] | None = None
    if data.startswith(b"\x89PNG\r\n\x1a\n") and data[12:16] == b"IHDR" and len(data) >= 24:
        found = "image/png", struct.unpack(">II", data[16:24])
    elif data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        found = "image/gif", struct.unpack("<HH", data[6:10])
    elif data.startswith(b"\xff\xd8"):
        found = "image/jpeg", _jpeg(data)
    elif data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        found = "image/webp", _webp(data)
    elif data[:2] == b"BM" and len(data) >= 26:
        width, height = struct.unpack("<ii", data[18:26])
        found = "image/bmp", (width, abs(height))
    if found is None or found[1] is None:
        return None
    mime, (width, height) = found[0], found[1]
    if width <= 0 or height <= 0:
        return None
    return ImageInfo(mime, int(width), int(height))


def solid_png(width: int, height: int, rgb: tuple[int, int, int] = (222, 53, 11)) -> bytes:
    """A valid PNG of one colour (what ``adfkit demo`` attaches as its screenshot, and
    what tests upload): built with zlib, no imaging library."""
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    row = b"\x00" + bytes(rgb) * width  # filter type 0, then the pixels
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )
