"""What can be kept as evidence: the kinds of file, and how big."""

from __future__ import annotations

MAX_BYTES = 20 * 1024 * 1024  # the largest file a Telegram bot may download
# Kinds of message that carry a file worth keeping, whatever the media type says.
MEDIA_KINDS = ("photo", "video", "voice", "audio", "video_note")
# Documents are kept when their media type is one of these (or starts with the prefix).
DOCUMENT_TYPES = ("image/", "video/", "audio/", "application/pdf", "text/plain")
IMAGE_TYPES = ("image/jpeg", "image/png")  # shown as thumbnails in the export


def problem(kind: str, mime: str, size: int | None) -> str | None:
    """Return why a file cannot be kept ('too_big' or 'kind'), or None when it can."""
    if size is not None and size > MAX_BYTES:
        return "too_big"
    if kind in MEDIA_KINDS or (kind == "document" and mime.lower().startswith(DOCUMENT_TYPES)):
        return None
    return "kind"


def limits() -> dict[str, str]:
    """Return the limits, for the messages that explain them."""
    return {"max_mb": str(MAX_BYTES // (1024 * 1024))}


def is_image(mime: str) -> bool:
    """Tell whether a file can be shown as a thumbnail."""
    return mime.lower() in IMAGE_TYPES


class EvidenceUnavailable(Exception):
    """Raised when a file could not be fetched or kept; ``reason`` names the message to show."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
