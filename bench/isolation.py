"""Exports beside everyone else: other people's reply latency during four exports, and an export's peak memory.

Targets (issue 13): other people's p99 reply latency while four people export 50 notes with pictures stays
within 2x their usual p99; the peak RSS of an export of 1,000 notes with 100 pictures is at most 400 MB.
Everything runs through the real chat service: encrypted SQLite, the worker process, real JPEGs.
"""

from __future__ import annotations

import asyncio
import io
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image

from bot.engine.events import Choose, Command
from bot.engine.outputs import Buttons, Document
from bot.service import ChatService
from bot.settings import Settings

EXPORTERS = 4
NOTES_EACH = 50
TYPISTS = 4
TURNS = ("/menu", "/help", "/menu", "/log")
BIG_NOTES = 1000
BIG_PICTURES = 100
LATENCY_RATIO = 2.0
RSS_TARGET_MB = 400
PHOTO = {"kind": "photo", "mime": "image/jpeg", "type": "image/jpeg"}


def photo(seed: int, size: tuple[int, int] = (2000, 1500)) -> bytes:
    """Return a camera-sized JPEG (noise, so it does not compress to nothing)."""
    out = io.BytesIO()
    Image.effect_noise(size, 30 + seed % 20).convert("RGB").save(out, "JPEG", quality=90)
    return out.getvalue()


async def fill(service: ChatService, person: str, notes: int, pictures: int, picture: bytes) -> Choose:
    """Write notes (a picture on the first ``pictures``) and return the person's export button."""
    book, key = service.notebook, service.pseudonymiser.key("bench", person)
    for number in range(notes):
        note = await book.add(key, f"He was outside again ({number}). He followed me to the bus stop.")
        await book.answer(key, note.id, "where", "Station Street")
        if number < pictures:
            await book.add_evidence(
                key, note.id, picture, {"kind": "photo", "mime": "image/jpeg", "type": "image/jpeg"}
            )
    outputs = await service.handle("bench", person, Command("log")) or ()
    buttons = [b for o in outputs if isinstance(o, Buttons) for b in o.buttons]
    event = next(b.event for b in buttons if b.label.startswith("Export"))
    assert isinstance(event, Choose)
    return event


async def typing(service: ChatService, person: str, until: asyncio.Event | None, turns: int) -> list[float]:
    """Take turns as a person does (with a short pause), timing each reply; until ``until`` is set, or ``turns``."""
    timings: list[float] = []
    while (until is None and len(timings) < turns) or (until is not None and not until.is_set()):
        started = time.perf_counter()
        await service.handle("bench", person, Command(TURNS[len(timings) % len(TURNS)][1:]))
        timings.append(time.perf_counter() - started)
        await asyncio.sleep(0.02)
    return timings


def p99(timings: list[float]) -> float:
    return statistics.quantiles(timings, n=100)[98] if len(timings) > 1 else timings[0]


async def latency(exporters: int = EXPORTERS, notes: int = NOTES_EACH, baseline_turns: int = 200) -> dict[str, float]:
    """Return others' p50/p99 reply latency alone and during ``exporters`` concurrent exports."""
    with tempfile.TemporaryDirectory() as directory:
        service = await ChatService.open(Settings.from_env({"BOT_DATA_DIR": directory}))
        try:
            picture = photo(1)
            buttons = [await fill(service, f"exporter{n}", notes, notes, picture) for n in range(exporters)]
            alone = [t for ts in await _typists(service, None, baseline_turns) for t in ts]
            done = asyncio.Event()

            async def exports() -> float:
                started = time.perf_counter()
                results = await asyncio.gather(
                    *(service.handle("bench", f"exporter{n}", b) for n, b in enumerate(buttons))
                )
                for result in results:  # made as the adapter makes them: one at a time, as they are sent
                    assert [len(await d.content()) for d in result or () if isinstance(d, Document)]
                done.set()
                return time.perf_counter() - started

            spent, during_lists = await asyncio.gather(exports(), _typists(service, done, 0))
            during = [t for ts in during_lists for t in ts]
        finally:
            await service.close()
    return {
        "alone_p50": statistics.median(alone),
        "alone_p99": p99(alone),
        "during_p50": statistics.median(during),
        "during_p99": p99(during),
        "turns_during": len(during),
        "export_seconds": spent,
    }


async def _typists(service: ChatService, until: asyncio.Event | None, turns: int) -> list[list[float]]:
    return list(await asyncio.gather(*(typing(service, f"typist{n}", until, turns) for n in range(TYPISTS))))


async def prepare_big(directory: str, notes: int, pictures: int) -> None:
    """Write the big log once, in this process; the export is measured in a fresh one."""
    service = await ChatService.open(Settings.from_env({"BOT_DATA_DIR": directory}))
    try:
        await fill(service, "big", notes, 0, b"")
        book, key = service.notebook, service.pseudonymiser.key("bench", "big")
        for number, note in enumerate((await book.notes(key))[:pictures]):
            data = photo(number, (3000, 2000))  # a 6-megapixel photo, a few MB each
            await book.add_evidence(key, note.id, data, dict(PHOTO))
    finally:
        await service.close()


async def export_big(directory: str) -> tuple[float, float, float]:
    """Export the big log; return (seconds, this process's peak RSS in MB, the worker's peak RSS in MB)."""
    service = await ChatService.open(Settings.from_env({"BOT_DATA_DIR": directory}))
    try:
        outputs = await service.handle("bench", "big", Command("log")) or ()
        buttons = [b for o in outputs if isinstance(o, Buttons) for b in o.buttons]
        event = next(b.event for b in buttons if b.label.startswith("Export"))
        started = time.perf_counter()
        result = await service.handle("bench", "big", event) or ()
        sizes = [len(await d.content()) for d in result if isinstance(d, Document)]  # one at a time, as sent
        spent = time.perf_counter() - started
        assert len(sizes) >= 3  # the PDF, the CSV and the evidence pack's parts
    finally:
        await service.close()
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    worker = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return spent, own, worker


def memory(notes: int = BIG_NOTES, pictures: int = BIG_PICTURES) -> tuple[float, float, float]:
    """Return (seconds, bot process peak RSS MB, worker peak RSS MB) for exporting the big log."""
    with tempfile.TemporaryDirectory() as directory:
        asyncio.run(prepare_big(directory, notes, pictures))
        command = [sys.executable, "-m", "bench.isolation", "--export", directory]
        out = subprocess.run(command, capture_output=True, text=True, check=True, cwd=Path(__file__).parent.parent)
    seconds, own, worker = (float(x) for x in out.stdout.split())
    return seconds, own, worker


def main() -> None:
    """Print both figures and whether they meet their targets."""
    figures = asyncio.run(latency())
    ratio = figures["during_p99"] / figures["alone_p99"]
    print(
        f"others' replies ({TYPISTS} people) alone: p50 {figures['alone_p50'] * 1000:.1f} ms, "
        f"p99 {figures['alone_p99'] * 1000:.1f} ms; during {EXPORTERS} exports of {NOTES_EACH} notes with pictures "
        f"({figures['export_seconds']:.1f} s, {figures['turns_during']:.0f} turns): "
        f"p50 {figures['during_p50'] * 1000:.1f} ms, p99 {figures['during_p99'] * 1000:.1f} ms = {ratio:.2f}x; "
        f"{'meets' if ratio <= LATENCY_RATIO else 'MISSES'} the target of {LATENCY_RATIO:.0f}x"
    )
    seconds, own, worker = memory()
    verdict = "meets" if max(own, worker) <= RSS_TARGET_MB else "MISSES"
    print(
        f"export of {BIG_NOTES} notes with {BIG_PICTURES} 6-megapixel photos: {seconds:.1f} s; peak RSS bot process "
        f"{own:.0f} MB, worker {worker:.0f} MB; {verdict} the target of {RSS_TARGET_MB} MB"
    )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--export"]:
        print(*asyncio.run(export_big(sys.argv[2])))
    else:
        main()
