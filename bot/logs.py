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


QUIET_LIBRARIES = ("httpx", "httpcore", "telegram", "apscheduler", "tornado", "aiosqlite", "aiohttp")


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
