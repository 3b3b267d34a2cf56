"""What a kept file is, told from its bytes (never its name or the type the sender declared)."""

from __future__ import annotations

OPAQUE = "application/octet-stream"  # anything not on the list below: kept as it came, never opened or shown
# The kinds kept as what they are; pictures among them are shown, re-encoded, as thumbnails in the export.
PICTURES = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP", "image/gif": "GIF"}
KNOWN = (
    *PICTURES,
    "application/pdf",
    "text/plain",
    "audio/ogg",
    "audio/mpeg",
    "audio/mp4",
    "video/mp4",
    "video/quicktime",
)
SNIFF_BYTES = 4096  # text is judged on its start
_SIGNATURES = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"%PDF-", "application/pdf"),
    (b"OggS", "audio/ogg"),
    (b"ID3", "audio/mpeg"),
)
_QUICKTIME_ATOMS = (b"moov", b"mdat", b"wide", b"free")


def identify(data: bytes) -> str:
    """Return the media type the bytes show (magic numbers), or OPAQUE when they are nothing on the list."""
    for signature, media_type in _SIGNATURES:
        if data.startswith(signature):
            return media_type
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data[4:8] == b"ftyp":
        brand = data[8:12]
        return "audio/mp4" if brand in (b"M4A ", b"M4B ") else "video/quicktime" if brand == b"qt  " else "video/mp4"
    if data[4:8] in _QUICKTIME_ATOMS:
        return "video/quicktime"
    if len(data) > 1 and data[0] == 0xFF and data[1] & 0xE0 == 0xE0:
        return "audio/mpeg"  # an MPEG audio frame without an ID3 tag
    return "text/plain" if _is_plain_text(data) else OPAQUE


def _is_plain_text(data: bytes) -> bool:
    """Tell UTF-8 text with no control bytes and no markup (an SVG or a web page is not plain text)."""
    head = data[:SNIFF_BYTES]
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as cut:
        if cut.reason != "unexpected end of data":  # only a character cut off at the end of the sample is forgiven
            return False
        text = head[: cut.start].decode("utf-8")
    if not text.strip() or text.lstrip("\ufeff \t\r\n").startswith("<"):
        return False
    return all(c.isprintable() or c in "\t\r\n\f" for c in text.replace("\ufeff", ""))


def is_picture(media_type: str) -> bool:
    """Tell whether a file of this (detected) type is drawn, re-encoded, as a thumbnail."""
    return media_type in PICTURES
