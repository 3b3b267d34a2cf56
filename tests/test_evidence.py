"""Files are told by their bytes: the allow-list, and everything else opaque."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from bot.log.evidence import OPAQUE, identify, is_picture
from bot.log.pictures import MAX_SIDE, thumbnail


def picture(kind: str, size: tuple[int, int] = (64, 48)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (10, 120, 200)).save(out, kind)
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (picture("JPEG"), "image/jpeg"),
        (picture("PNG"), "image/png"),
        (picture("WEBP"), "image/webp"),
        (picture("GIF"), "image/gif"),
        (b"%PDF-1.7\n...", "application/pdf"),
        ("He said he would wait. Він чекав.\n".encode(), "text/plain"),
        (b"OggS\x00\x02" + bytes(20), "audio/ogg"),
        (b"ID3\x04\x00" + bytes(20), "audio/mpeg"),
        (b"\xff\xfb\x90\x64" + bytes(20), "audio/mpeg"),
        (b"\x00\x00\x00\x20ftypM4A \x00\x00", "audio/mp4"),
        (b"\x00\x00\x00\x18ftypmp42\x00\x00", "video/mp4"),
        (b"\x00\x00\x00\x14ftypqt  \x00\x00", "video/quicktime"),
        (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>', OPAQUE),
        (b"  <html><body>hi</body></html>", OPAQUE),
        (b"MZ\x90\x00\x03", OPAQUE),
        (b"\x7fELF\x02\x01", OPAQUE),
        (b"text with a \x00 byte", OPAQUE),
        (b"", OPAQUE),
    ],
)
def test_files_are_told_by_their_bytes(data: bytes, expected: str) -> None:
    assert identify(data) == expected


def test_only_pictures_become_thumbnails_bounded_and_re_encoded() -> None:
    big = thumbnail(picture("PNG", (4000, 1000)))
    assert big is not None and big.startswith(b"\xff\xd8\xff")
    with Image.open(io.BytesIO(big)) as shown:
        assert max(shown.size) == MAX_SIDE
    assert thumbnail(b"%PDF-1.7") is None and thumbnail(b"\x89PNG\r\n\x1a\n broken") is None
    assert is_picture("image/gif") and not is_picture(OPAQUE) and not is_picture("image/svg+xml")
