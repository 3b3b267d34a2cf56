"""Start as the bot starts (load and check flows, open the store), print 'ready' and the RSS, then stop."""

from __future__ import annotations

import asyncio
import sys

from bench.memory import rss_mb
from bot.platforms.telegram.app import TelegramBot
from bot.service import ChatService
from bot.settings import Settings


async def main() -> None:
    """Open the chat service from the environment, then report."""
    settings = Settings.from_env()
    service = await ChatService.open(settings)
    TelegramBot(settings, service.program).build()  # as on Telegram: the Application, without the network
    print(f"ready {rss_mb():.1f}", flush=True)
    sys.stdin.readline()  # stay idle until told to stop
    await service.close()


if __name__ == "__main__":
    asyncio.run(main())
