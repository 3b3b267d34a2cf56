"""python -m bot web: one process serving the web chat and, when set up, Telegram's webhook; a clear stop."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
from pathlib import Path

import aiohttp
import pytest

from bot.engine.program import Program
from bot.fatal import Exit, Fatal
from bot.platforms.telegram.webhook import SECRET_HEADER
from bot.platforms.web.server import serve_web
from bot.settings import Settings
from tests.fake_telegram import FakeTelegram
from tests.telegram_harness import ALICE, make_settings

SECRET = "s3cret-token"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def answered(url: str) -> None:
    for _ in range(200):
        try:
            async with aiohttp.ClientSession() as http, http.get(url) as response:
                if response.status < 500:
                    return
        except aiohttp.ClientConnectionError:
            await asyncio.sleep(0.05)
    raise AssertionError(f"{url} never answered")


def web_and_webhook(tmp_path: Path, fake: FakeTelegram, **extra: str) -> tuple[Settings, int, int]:
    """Return settings serving the web chat and Telegram's webhook on two free ports, and those ports."""
    web_port, hook_port = free_port(), free_port()
    settings = make_settings(
        tmp_path,
        fake,
        BOT_WEB_PORT=str(web_port),
        TELEGRAM_WEBHOOK_URL="https://bot.example.org/hook",
        TELEGRAM_WEBHOOK_SECRET=SECRET,
        TELEGRAM_WEBHOOK_PORT=str(hook_port),
        **extra,
    )
    return settings, web_port, hook_port


async def test_one_process_serves_the_web_chat_and_telegrams_webhook(
    fake: FakeTelegram, program: Program, tmp_path: Path
) -> None:
    settings, web_port, hook_port = web_and_webhook(tmp_path, fake)
    serving = asyncio.create_task(serve_web(settings, program))
    await answered(f"http://127.0.0.1:{web_port}/healthz")
    await answered(f"http://127.0.0.1:{hook_port}/healthz")
    async with aiohttp.ClientSession() as http:
        async with http.get(f"http://127.0.0.1:{web_port}/?fresh") as page:
            assert "Exit this page" in await page.text()
        update = {"update_id": 900, **fake.message(ALICE, "/start")}
        async with http.post(
            f"http://127.0.0.1:{hook_port}/hook", json=update, headers={SECRET_HEADER: SECRET}
        ) as hook:
            assert hook.status == 200
    assert len(fake.sent(ALICE)) == 1
    os.kill(os.getpid(), signal.SIGTERM)  # one is enough: both stop, the store is closed
    await asyncio.wait_for(serving, 30)


async def test_a_port_in_use_is_one_clear_reason(program: Program, tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        settings = Settings.from_env({"BOT_DATA_DIR": str(tmp_path / "data"), "BOT_WEB_PORT": str(port)})
        with pytest.raises(Fatal) as failed:
            await serve_web(settings, program)
    assert failed.value.code == Exit.PORT and str(port) in failed.value.reason
