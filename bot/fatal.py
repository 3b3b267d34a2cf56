"""Errors that stop the process, each with one line to print and its own exit status."""

from __future__ import annotations

import errno
import sqlite3
from enum import IntEnum


class Exit(IntEnum):
    """Exit statuses: a supervisor (or a person) can tell from the number alone what went wrong."""

    OK = 0
    FLOWS = 1  # the flows or content have problems (python -m bot check says which)
    CONFIG = 2  # an environment variable cannot be used
    TOKEN = 3  # Telegram refused the token
    UNREACHABLE = 4  # the Bot API server could not be reached
    DATA_DIR = 5  # the data or keys directory cannot be read or written
    DATABASE = 6  # bot.db is damaged or is not a database
    KEYS = 7  # a key is malformed, wrong, or missing while data exists
    REFUSED = 8  # Telegram refused a start-up call (setMyCommands, setWebhook)
    PORT = 9  # the webhook port is in use or cannot be bound
    CONFLICT = 10  # another instance kept polling with this token
    INTERRUPTED = 130  # stopped with Ctrl-C before it had started
    INTERNAL = 70  # a defect: anything else (EX_SOFTWARE)
    UNHEALTHY = 1  # python -m bot health: not working (the same number as FLOWS, for another command)


class Fatal(Exception):
    """Raised when the process cannot work: it exits with ``code`` after printing ``reason``."""

    def __init__(self, code: Exit, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


class KeyProblem(Fatal):
    """Raised when a key is malformed, wrong, or missing while the database holds data."""

    def __init__(self, reason: str) -> None:
        super().__init__(Exit.KEYS, reason)


def classify(error: BaseException) -> Fatal:
    """Turn an error no layer expected into a Fatal with a reason that names no secret and no data."""
    if isinstance(error, Fatal):
        return error
    database = error if isinstance(error, sqlite3.DatabaseError) else error.__cause__  # a StorageError's cause
    if isinstance(database, sqlite3.DatabaseError):
        return Fatal(
            Exit.DATABASE, f"the database cannot be used ({_first_line(database)}); restore bot.db from backup"
        )
    if isinstance(error, OSError) and error.errno == errno.EADDRINUSE:
        return Fatal(Exit.PORT, f"the address is already in use ({error.strerror})")
    if isinstance(error, OSError) and error.filename is not None:
        return Fatal(Exit.DATA_DIR, f"cannot use {error.filename}: {error.strerror}")
    return Fatal(Exit.INTERNAL, f"unexpected {type(error).__name__}; run with BOT_LOG_LEVEL=DEBUG for the traceback")


def _first_line(error: BaseException) -> str:
    return (str(error).splitlines() or [type(error).__name__])[0]
