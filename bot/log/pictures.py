"""Pictures made safe to show: decoded by Pillow under a pixel limit and re-encoded as a small JPEG.

The PDF library only ever receives these re-encoded bytes, never a file as a person sent it: what it
parses (SVG with its links, huge or malformed images) never reaches it.
"""

from __future__ import annotations

import io
import warnings

from PIL import Image, ImageOps

from bot.log.evidence import PICTURES, identify

MAX_PIXELS = 30_000_000  # a 24-megapixel camera's photo fits; a 13,000 x 13,000 "bomb" (169 MP) does not
MAX_SIDE = 1600  # the largest thumbnail, in pixels
Image.MAX_IMAGE_PIXELS = MAX_PIXELS  # Pillow refuses anything larger itself, too, whoever calls it


def thumbnail(data: bytes, side: int = MAX_SIDE) -> bytes | None:
    """Return an upright JPEG of a picture no larger than ``side`` pixels, or None if it cannot be one safely."""
    kind = PICTURES.get(identify(data))
    if kind is None:
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=[kind]) as picture:
                width, height = picture.size
                if width * height > MAX_PIXELS:
                    return None
                picture.draft("RGB", (side, side))  # JPEG decodes at a fraction of its size: less memory
                small = ImageOps.exif_transpose(picture).convert("RGB")
        small.thumbnail((min(side, MAX_SIDE), min(side, MAX_SIDE)))
        out = io.BytesIO()
        small.save(out, "JPEG", quality=80)
    except (OSError, ValueError, SyntaxError, EOFError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        return None
    return out.getvalue()
