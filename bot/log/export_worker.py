"""Exports made in a worker process: off the event loop, one at a time, within memory and time limits.

Laying out a PDF, decoding pictures, decrypting, hashing and zipping files are CPU work: in a thread of the bot
they would hold the interpreter lock and slow every other person's reply. A worker process runs on the other
core, may use at most ``memory_limit`` bytes of address space, and is killed after ``time_limit`` seconds.
It reads the person's files from the database itself, one at a time (so neither process holds every file at
once), and keeps the thumbnails it makes; the bot process receives only the PDF and each part of the pack.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import resource
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import datetime
from functools import partial
from multiprocessing import reduction
from multiprocessing.connection import Connection
from typing import Any

from bot.log import evidence_pack
from bot.log.evidence import is_picture
from bot.log.evidence_pack import Packed
from bot.log.notebook import Evidence, Note, Originals, reading
from bot.log.views import PdfWords

MEMORY_LIMIT = 1024 * 1024 * 1024  # address space of the worker: a picture is decoded under 30 megapixels
TIME_LIMIT = 120.0  # seconds for one export, thumbnails included
NICENESS = 10  # the worker's scheduling priority below the bot's
AT_ONCE = 1  # exports made at the same time: on two cores, one is left for everyone's replies
_SPAWN = multiprocessing.get_context("spawn")  # a fresh interpreter: nothing of the bot's state is copied


class ExportFailed(Exception):
    """Raised when an export could not be made in time or within its memory."""


class Exporter:
    """Make PDFs in worker processes, one (``at_once``) at a time."""

    def __init__(self, memory_limit: int = MEMORY_LIMIT, time_limit: float = TIME_LIMIT, at_once: int = AT_ONCE):
        self.memory_limit = memory_limit
        self.time_limit = time_limit
        self._turns = asyncio.Semaphore(at_once)

    @asynccontextmanager
    async def worker(self) -> AsyncIterator[Worker]:
        """Start a worker process for one export; it is killed when the block ends, or when time runs out."""
        async with self._turns:
            ours, theirs = _SPAWN.Pipe()
            process = _SPAWN.Process(target=serve, args=(theirs, self.memory_limit), daemon=True)
            process.start()
            theirs.close()
            try:
                async with asyncio.timeout(self.time_limit):
                    yield Worker(ours)
            except (TimeoutError, EOFError, OSError) as error:
                raise ExportFailed(type(error).__name__) from None
            finally:
                process.kill()  # done or not: it ends here, and a blocked read of its pipe with it
                ours.close()
                await asyncio.to_thread(process.join)


class Worker:
    """One export's worker process: read and describe the files, lay out the PDF, or make a part of the pack."""

    def __init__(self, pipe: Connection) -> None:
        self.pipe = pipe

    async def describe(self, originals: Originals, files: Sequence[Evidence], numbers: dict[str, int]) -> list[Packed]:
        """Read each file in the worker: its type, size and SHA-256, its name and part; pictures are shrunk there."""
        packed = await _ask(self.pipe, ("describe", (originals, list(files), numbers)))
        assert isinstance(packed, list)
        return packed

    async def pdf(self, notes: Sequence[Note], files: Sequence[Evidence], words: PdfWords, now: datetime) -> bytes:
        """Return the PDF, laid out with the thumbnails the worker made while describing the files."""
        pdf = await _ask(self.pipe, ("pdf", (list(notes), list(files), words, now)))
        assert isinstance(pdf, bytes)
        return pdf

    async def plan_pdf(
        self, title: str, made: str, sections: Sequence[tuple[str, Sequence[str]]], now: datetime
    ) -> bytes:
        """Return the plan as a one-page PDF."""
        pdf = await _ask(self.pipe, ("plan", (title, made, [(h, list(lines)) for h, lines in sections], now)))
        assert isinstance(pdf, bytes)
        return pdf

    async def part(self, originals: Originals, packed: Sequence[Packed], first: dict[str, bytes]) -> bytes:
        """Return one part of the evidence pack, its files read and zipped by the worker."""
        part = await _ask(self.pipe, ("part", (originals, list(packed), first)), raw=True)
        assert isinstance(part, bytes)
        return part


async def _ask(pipe: Connection, message: tuple[str, Any], raw: bool = False) -> Any:
    def call() -> Any:
        pipe.send(message)
        outcome, value = pipe.recv()
        if outcome != "ok":
            raise ExportFailed(str(value))
        if not raw:
            return value
        # A part (up to 45 MB) comes as a file in memory, read in one call that lets go of the interpreter
        # lock: through the pipe it would be copied in thousands of small pieces, each holding it.
        with open(reduction.recv_handle(pipe), "rb") as made:
            made.seek(0)
            return made.read()

    return await asyncio.to_thread(call)


def serve(pipe: Connection, memory_limit: int) -> None:
    """Run in the worker: answer each request on the pipe until the bot process closes it."""
    resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))
    _step_aside()
    thumbnails: dict[str, bytes | None] = {}
    while True:
        try:
            kind, payload = pipe.recv()
        except EOFError:
            return
        try:
            value = _answer(kind, payload, thumbnails)
        except MemoryError:
            pipe.send(("failed", "memory"))
            continue
        except Exception as error:  # said to the bot process by its kind, never with its text
            pipe.send(("failed", type(error).__name__))
            continue
        if kind == "part":
            pipe.send(("ok", None))
            reduction.send_handle(pipe, value, os.getppid())
            os.close(value)
        else:
            pipe.send(("ok", value))


def _step_aside() -> None:
    """Run only when a core is free: people's replies come first, at once, not after a time slice."""
    try:
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))  # Linux: preempted as soon as anyone wakes
    except (AttributeError, OSError):
        os.nice(NICENESS)  # elsewhere: a lower priority, which still shares slices with the bot


def _answer(kind: str, payload: Any, thumbnails: dict[str, bytes | None]) -> Any:
    if kind == "describe":
        originals, files, numbers = payload
        with reading(originals) as read:
            return evidence_pack.describe(files, numbers, read, partial(_look, thumbnails))
    if kind == "part":
        originals, packed, first = payload
        made = os.memfd_create("part", os.MFD_CLOEXEC)  # in memory, never on disk: the files are not encrypted
        with reading(originals) as read, open(made, "wb", closefd=False) as out:
            evidence_pack.write_part(out, first, packed, read)
        return made
    if kind == "plan":
        from bot.log.plan_pdf import plan_pdf  # fpdf2 and its fonts load only in a worker, never in the bot

        return plan_pdf(*payload)
    from bot.log.pdf import layout_pdf

    notes, files, words, now = payload
    return layout_pdf(notes, files, words, now, thumbnails)


def _look(thumbnails: dict[str, bytes | None], item: Evidence, data: bytes, detected: str) -> None:
    from bot.log.pdf import THUMB_PIXELS
    from bot.log.pictures import thumbnail

    if is_picture(detected):
        try:
            thumbnails[item.id] = thumbnail(data, THUMB_PIXELS)
        except MemoryError:
            thumbnails[item.id] = None  # shown as "could not be shown here"
