"""Helpers for driving the real Telegram Application against the fake Bot API server."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from telegram.ext import Application

from bot.engine.program import Program
from bot.platforms.flood import FloodGuard
from bot.platforms.telegram.app import TelegramBot
from bot.platforms.telegram.runner import start, stop
from bot.settings import Settings
from tests.fake_telegram import FakeTelegram

ALICE = 7770001234
BOB = 7770005678


@dataclass
class Running:
    fake: FakeTelegram
    bot: TelegramBot
    app: Application  # type: ignore[type-arg]
    settings: Settings


def make_settings(tmp_path: Path, fake: FakeTelegram, **extra: str) -> Settings:
    env = {
        "BOT_DATA_DIR": str(tmp_path / "data"),
        "TELEGRAM_BOT_TOKEN": fake.token,
        "TELEGRAM_API_BASE_URL": fake.base_url,
        **extra,
    }
    return Settings.from_env(env)


async def say(running: Running, user: int, text: str) -> str:
    """Send a message and return the bot's next reply text."""
    before = len(running.fake.sent(user))
    await running.fake.push(running.fake.message(user, text))
    await running.fake.wait_for(lambda: len(running.fake.sent(user)) > before)
    return str(running.fake.sent(user)[-1].params["text"])


async def press(running: Running, user: int, label: str) -> str:
    """Press the button with this label on the last message, and return the reply."""
    last = running.fake.sent(user)[-1]
    data = dict(running.fake.buttons(last))[label]
    before = len(running.fake.sent(user))
    await running.fake.push(running.fake.press(user, data))
    await running.fake.wait_for(lambda: len(running.fake.sent(user)) > before)
    return str(running.fake.sent(user)[-1].params["text"])


@asynccontextmanager
async def bot_on(
    fake: FakeTelegram,
    data_dir: Path,
    program: Program,
    flood: FloodGuard | None = None,
    overall_max_rate: float = 30,
) -> AsyncIterator[Running]:
    """Run the real Application against a fake server, with its own data directory."""
    settings = Settings.from_env(
        {"BOT_DATA_DIR": str(data_dir), "TELEGRAM_BOT_TOKEN": fake.token, "TELEGRAM_API_BASE_URL": fake.base_url}
    )
    bot = TelegramBot(settings, program, flood=flood, retry_delay=0.01, overall_max_rate=overall_max_rate)
    app = bot.build()
    await start(app, settings, poll_timeout=1, first_backoff=0.01)
    try:
        yield Running(fake, bot, app, settings)
    finally:
        await stop(app)
