"""Per-turn latency with 100,000 people and 1,000,000 notes in the database, as a ratio to an empty one."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

from bot.engine.events import Choose, Command
from bot.engine.state import ConversationState
from bot.service import ChatService
from bot.settings import Settings
from bot.store.sqlite import DATABASE_FILE

PEOPLE = 100_000
NOTES = 1_000_000
TURNS = 1_000
TARGET = 1.2


async def populate(data_dir: Path, people: int, notes: int) -> None:
    """Fill a database with people (saved states) and notes (sealed-sized random bodies), in bulk."""
    service = await ChatService.open(Settings.from_env({"BOT_DATA_DIR": str(data_dir)}))  # schema and keys
    await service.close()
    state = ConversationState(node="menu.main").to_json()
    with sqlite3.connect(data_dir / DATABASE_FILE) as db:
        db.executemany(
            "INSERT INTO conversations (key, state, updated_at) VALUES (?, ?, '2026-11-21T00:00:00+00:00')",
            ((f"{n:064x}", state) for n in range(people)),
        )
        db.executemany(
            "INSERT INTO notes (id, key, noted_at, sent_at, body) VALUES (?, ?, ?, NULL, ?)",
            (
                (f"{n:032x}", f"{n % people:064x}", f"2026-{1 + n % 12:02d}-01T00:00:{n % 60:02d}", os.urandom(200))
                for n in range(notes)
            ),
        )


async def turn_latency(data_dir: Path, turns: int) -> float:
    """Return the median milliseconds of one turn (load state, engine, save state) for returning people."""
    service = await ChatService.open(Settings.from_env({"BOT_DATA_DIR": str(data_dir)}))
    try:
        people = [f"bench-{n}" for n in range(50)]
        for person in people:
            await service.handle("terminal", person, Command("start"))
        timings = []
        for turn in range(turns):
            started = time.perf_counter()
            await service.handle("terminal", people[turn % len(people)], Choose("menu.main", 1 + turn % 3))
            timings.append(time.perf_counter() - started)
        return statistics.median(timings) * 1000
    finally:
        await service.close()


async def measure(people: int = PEOPLE, notes: int = NOTES, turns: int = TURNS) -> tuple[float, float]:
    """Return the median turn in ms for an empty database and for a full one."""
    with tempfile.TemporaryDirectory() as empty, tempfile.TemporaryDirectory() as full:
        await populate(Path(full), people, notes)
        return await turn_latency(Path(empty), turns), await turn_latency(Path(full), turns)


def main() -> None:
    """Print the store-scale figure."""
    empty, full = asyncio.run(measure())
    ratio = full / empty
    print(
        f"store scale: a turn takes {empty:.2f} ms empty, {full:.2f} ms with {PEOPLE:,} people and "
        f"{NOTES:,} notes: ratio {ratio:.2f} ({'meets' if ratio < TARGET else 'MISSES'} the target of {TARGET})"
    )


if __name__ == "__main__":
    main()
