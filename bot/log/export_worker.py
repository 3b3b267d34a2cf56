"""Exports made in a worker process: off the event loop, one at a time, within memory and time limits.

Laying out a PDF and decoding pictures is CPU work in Python: in a thread it would hold the interpreter lock
and slow every other person's reply. A worker process per export runs on the other core, may use at most
``memory_limit`` bytes of address space, and is killed after ``time_limit`` seconds; pictures are sent to it
one at a time, so neither process holds every file at once.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import resource
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import datetime
from multiprocessing.connection import Connection
from typing import Any

from bot.log.notebook import Evidence, Note
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
    """One export's worker process: shrink pictures as they are read, then lay out the PDF."""

    def __init__(self, pipe: Connection) -> None:
        self.pipe = pipe

    async def thumbnail(self, data: bytes) -> bytes | None:
        """Return a picture's thumbnail (a small JPEG made by Pillow in the worker), or None."""
        small = await _ask(self.pipe, ("thumbnail", data))
        assert small is None or isinstance(small, bytes)
        return small

    async def pdf(
        self,
        notes: Sequence[Note],
        files: Sequence[Evidence],
        words: PdfWords,
        now: datetime,
        thumbnails: dict[str, bytes | None],
    ) -> bytes:
        """Return the PDF; the worker's last task."""
        pdf = await _ask(self.pipe, ("pdf", (list(notes), list(files), words, now, thumbnails)))
        assert isinstance(pdf, bytes)
        return pdf


async def _ask(pipe: Connection, message: tuple[str, Any]) -> Any:
    def call() -> Any:
        pipe.send(message)
        outcome, value = pipe.recv()
        if outcome != "ok":
            raise ExportFailed(str(value))
        return value

    return await asyncio.to_thread(call)


def serve(pipe: Connection, memory_limit: int) -> None:
    """Run in the worker: shrink pictures, then lay out the PDF, answering each request on the pipe."""
    resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))
    os.nice(NICENESS)  # when the cores are busy, people's replies come first
    from bot.log.pdf import THUMB_PIXELS, layout_pdf
    from bot.log.pictures import thumbnail

    while True:
        try:
            kind, payload = pipe.recv()
        except EOFError:
            return
        if kind == "thumbnail":
            try:
                pipe.send(("ok", thumbnail(payload, THUMB_PIXELS)))
            except MemoryError:
                pipe.send(("ok", None))  # shown as "could not be shown here"
            continue
        try:
            pipe.send(("ok", layout_pdf(*payload)))
        except MemoryError:
            pipe.send(("failed", "memory"))
        return
