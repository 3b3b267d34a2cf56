"""A file the person sends: how big it may be, and why one could not be kept."""

from __future__ import annotations

MAX_BYTES = 20 * 1024 * 1024  # the largest file a Telegram bot may download


def too_big(size: int | None) -> bool:
    """Tell whether a declared or counted size is over the limit."""
    return size is not None and size > MAX_BYTES


def limits() -> dict[str, str]:
    """Return the limits, for the messages that explain them."""
    return {"max_mb": str(MAX_BYTES // (1024 * 1024))}


class EvidenceUnavailable(Exception):
    """Raised when a file could not be fetched or kept; ``reason`` names the message to show."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
