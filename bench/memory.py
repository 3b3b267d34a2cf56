"""Resident memory: idle (measured in bench.startup), and its growth per 10,000 people with saved state."""

from __future__ import annotations

import asyncio
import gc
import tempfile
from pathlib import Path

from bot.engine.events import Choose, Command
from bot.service import ChatService
from bot.settings import Settings

PEOPLE = 10_000


def rss_mb() -> float:
    """Return this process's resident set size in MB (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def growth(people: int = PEOPLE) -> tuple[float, float]:
    """Return RSS before and after ``people`` people each start and make a choice (state saved)."""
    with tempfile.TemporaryDirectory() as directory:
        service = await ChatService.open(Settings.from_env({"BOT_DATA_DIR": directory}))
        try:
            await service.handle("terminal", "warm-up", Command("start"))
            gc.collect()
            before = rss_mb()
            for person in range(people):
                await service.handle("terminal", person, Command("start"))
                await service.handle("terminal", person, Choose("menu.main", 2))
            gc.collect()
            return before, rss_mb()
        finally:
            await service.close()


def main() -> None:
    """Print the memory growth figure."""
    before, after = asyncio.run(growth())
    print(
        f"memory: {before:.1f} MB -> {after:.1f} MB after {PEOPLE:,} people with saved state (+{after - before:.1f} MB)"
    )


if __name__ == "__main__":
    main()
