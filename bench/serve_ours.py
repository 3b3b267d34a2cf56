"""Run the bot on Telegram as ``python -m bot`` does, for the end-to-end benchmark.

Two settings differ, and say so in BENCHMARKS.md: the overall limit of 30 messages a second is off (it models
Telegram's limit, which would cap both bots alike; the echo bot has none), and the per-person flood limit is
set so high that a simulated person answering at machine speed is not taken for a flood (it is still checked).
With BENCH_PROFILE=FILE the run is profiled with pyinstrument and the report written to FILE.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from bot.flows.program import load_program
from bot.logs import setup_logging
from bot.platforms.flood import FloodGuard
from bot.platforms.telegram.app import TelegramBot
from bot.platforms.telegram.runner import serve
from bot.settings import Settings

UNLIMITED = 1e9


async def main() -> None:
    """Serve until SIGTERM."""
    settings = Settings.from_env()
    setup_logging(settings.log_level, [settings.telegram_token or ""])
    program = load_program(settings.flows_dir, settings.content_dir)
    bot = TelegramBot(settings, program, flood=FloodGuard(UNLIMITED, UNLIMITED), overall_max_rate=0)
    await serve(bot.build(), settings)


def profiled(report: Path) -> None:
    """Run under pyinstrument and write its text report."""
    from pyinstrument import Profiler

    with Profiler(async_mode="disabled") as profiler:
        asyncio.run(main())
    report.write_text(
        profiler.output_text(unicode=True, show_all=False) + profiler.output_text(unicode=True, flat=True)
    )


if __name__ == "__main__":
    if target := os.environ.get("BENCH_PROFILE"):
        profiled(Path(target))
    else:
        asyncio.run(main())
