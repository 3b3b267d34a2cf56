"""Logging that never writes secrets: the bot token is masked, and chatty libraries are kept quiet."""

from __future__ import annotations

import logging


class RedactSecrets(logging.Filter):
    """Replace any configured secret in a log record's message with ***."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s]

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if any(secret in message for secret in self.secrets):
            for secret in self.secrets:
                message = message.replace(secret, "***")
            record.msg, record.args = message, None
        return True


QUIET_LIBRARIES = ("httpx", "httpcore", "telegram", "apscheduler", "tornado", "aiosqlite")


def setup_logging(level: str, secrets: list[str]) -> logging.Handler:
    """Add a redacting handler to the root logger; libraries that would log URLs or updates stay quiet."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactSecrets(secrets))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(level)
    # httpx logs every request URL (which holds the token); PTB logs whole updates at DEBUG.
    for name in QUIET_LIBRARIES:
        logging.getLogger(name).setLevel(max(logging.WARNING, logging.getLevelName(level)))
    return handler
