"""Logging that never writes secrets: the bot token is masked, and chatty libraries are kept quiet."""

from __future__ import annotations

import logging


def redact(text: str, secrets: list[str]) -> str:
    """Replace every secret in the text with ***."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text


class RedactingFormatter(logging.Formatter):
    """Format a record, traceback included, then mask every configured secret in the result."""

    def __init__(self, fmt: str, secrets: list[str]) -> None:
        super().__init__(fmt)
        self.secrets = [s for s in secrets if s]

    def format(self, record: logging.LogRecord) -> str:
        """Return the formatted record with secrets masked."""
        return redact(super().format(record), self.secrets)


QUIET_LIBRARIES = ("httpx", "httpcore", "telegram", "apscheduler", "tornado", "aiosqlite")


def setup_logging(level: str, secrets: list[str]) -> logging.Handler:
    """Add a redacting handler to the root logger; libraries that would log URLs or updates stay quiet."""
    handler = logging.StreamHandler()
    handler.setFormatter(RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s", secrets))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(level)
    # httpx logs every request URL (which holds the token); PTB logs whole updates at DEBUG.
    for name in QUIET_LIBRARIES:
        logging.getLogger(name).setLevel(max(logging.WARNING, logging.getLevelName(level)))
    return handler
