"""Logging that never writes secrets: the bot token is masked, and chatty libraries are kept quiet."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any


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


QUIET_LIBRARIES = ("httpx", "httpcore", "telegram", "apscheduler", "aiosqlite", "aiohttp")


class WithholdLibraryData(logging.Filter):
    """Keep what a library's record says, never what it was given: no arguments, no exception text or stack.

    python-telegram-bot logs an update it cannot parse (names, ids, text) and invalid answers as arguments;
    aiohttp and asyncio put request details in exceptions. Only the message template and the kind of error
    are kept, so a record still says what happened.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        """Strip a library record of its data; our own records pass unchanged."""
        if record.name == "bot" or record.name.startswith("bot."):
            return True
        message = str(record.msg) + (" [data withheld]" if record.args else "")
        if record.exc_info and record.exc_info[0] is not None:
            message += f" ({record.exc_info[0].__name__})"
        record.msg, record.args = message, None
        record.exc_info, record.exc_text, record.stack_info = None, None, None
        return True


def setup_logging(level: str, secrets: list[str]) -> logging.Handler:
    """Add a redacting handler to the root logger; libraries that would log URLs or updates stay quiet."""
    handler = logging.StreamHandler()
    handler.setFormatter(RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s", secrets))
    handler.addFilter(WithholdLibraryData())
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(level)
    # httpx logs every request URL (which holds the token); PTB logs whole updates at DEBUG.
    for name in QUIET_LIBRARIES:
        logging.getLogger(name).setLevel(max(logging.WARNING, logging.getLevelName(level)))
    return handler


class OsErrorLimiter:
    """An event loop exception handler that logs repeated OS errors (out of file descriptors) once a minute.

    asyncio retries a failed accept() every second and logs each failure with its traceback; a process out
    of file descriptors would fill the disk with them. Other errors go to the loop's default handler.
    """

    def __init__(self, interval: float = 60.0) -> None:
        self.interval = interval
        self.unlogged = 0
        self._logged_at: float | None = None

    def __call__(self, loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        """Log this OS error if none was logged in the last interval, else count it."""
        error = context.get("exception")
        if not isinstance(error, OSError):
            loop.default_exception_handler(context)
            return
        self.unlogged += 1
        now = time.monotonic()
        if self._logged_at is None or now - self._logged_at >= self.interval:
            logging.getLogger("bot.loop").error(
                "OS error in the event loop: %s (%s); %d since the last such line, next in %.0f s at the earliest",
                type(error).__name__, error.strerror, self.unlogged, self.interval,
            )  # fmt: skip
            self.unlogged, self._logged_at = 0, now
