"""The webhook server: the secret and the size checked before the body is read, handled before the 200."""

from __future__ import annotations

import asyncio
import errno
import logging
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from bot.engine.program import Program
from bot.fatal import Exit
from bot.logs import OsErrorLimiter
from bot.platforms.telegram.app import TelegramBot
from bot.platforms.telegram.runner import WEBHOOK, start, stop
from bot.platforms.telegram.webhook import MAX_BODY, MAX_IN_HAND, SECRET_HEADER, WebhookServer
from tests.fake_telegram import FakeTelegram
from tests.telegram_harness import ALICE, Running, make_settings
from tests.test_health import health

SECRET = "s3cret-token"


@pytest.fixture
async def hooked(fake: FakeTelegram, program: Program, tmp_path: Path, unused_tcp_port: int) -> AsyncIterator[Running]:
    settings = make_settings(
        tmp_path,
        fake,
        TELEGRAM_WEBHOOK_URL="https://bot.example.org/hook",
        TELEGRAM_WEBHOOK_SECRET=SECRET,
        TELEGRAM_WEBHOOK_PORT=str(unused_tcp_port),
    )
    bot = TelegramBot(settings, program)
    app = bot.build()
    await start(app, settings)
    yield Running(fake, bot, app, settings)
    await stop(app)


async def raw_request(port: int, head: str, body: bytes = b"") -> str:
    """Send a request by hand (so a 50 MB body can be promised without being sent); return the status line."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(head.replace("\n", "\r\n").encode() + b"\r\n" + body)
    await writer.drain()
    status = (await asyncio.wait_for(reader.readline(), 30)).decode().strip()
    writer.close()
    return status


def post_head(length: int, secret: str | None) -> str:
    secret_line = f"{SECRET_HEADER}: {secret}\n" if secret else ""
    return f"POST /hook HTTP/1.1\nHost: x\nContent-Type: application/json\nContent-Length: {length}\n{secret_line}"


async def test_a_huge_body_is_refused_before_it_is_read(hooked: Running) -> None:
    port = hooked.settings.webhook_port
    assert await raw_request(port, post_head(50_000_000, None)) == "HTTP/1.1 403 Forbidden"
    assert await raw_request(port, post_head(50_000_000, "x" * len(SECRET))) == "HTTP/1.1 403 Forbidden"
    assert await raw_request(port, post_head(50_000_000, SECRET)) == "HTTP/1.1 413 Request Entity Too Large"
    chunked = f"POST /hook HTTP/1.1\nHost: x\nTransfer-Encoding: chunked\n{SECRET_HEADER}: {SECRET}\n"
    chunk = b"x" * (MAX_BODY + 1)
    body = f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n0\r\n\r\n"
    assert (await raw_request(port, chunked, body)).startswith("HTTP/1.1 413")
    assert hooked.fake.sent(ALICE) == []


async def test_an_update_is_handled_before_telegram_gets_its_200(hooked: Running) -> None:
    url = f"http://127.0.0.1:{hooked.settings.webhook_port}/hook"
    update = {"update_id": 900, **hooked.fake.message(ALICE, "/start")}
    bad = {"update_id": 901, "message": {"message_id": 5, "date": 1, "from": {"id": ALICE}}}
    async with aiohttp.ClientSession(headers={SECRET_HEADER: SECRET}) as session:
        async with session.post(url, json=update) as response:
            assert response.status == 200
            assert len(hooked.fake.sent(ALICE)) == 1  # the reply went out before the answer
        async with session.post(url, json=bad) as response:
            assert response.status == 200  # acknowledged, so Telegram does not send it again and again
        async with session.post(url, data=b"{not json", headers={"Content-Type": "application/json"}) as response:
            assert response.status == 400
    server = hooked.app.bot_data[WEBHOOK]
    assert isinstance(server, WebhookServer) and server.unparseable == 1
    [call] = hooked.fake.calls_of("setWebhook")
    assert call.params["secret_token"] == SECRET and call.params["url"] == "https://bot.example.org/hook"


async def test_at_most_40_requests_are_in_hand(hooked: Running) -> None:
    fake, url = hooked.fake, f"http://127.0.0.1:{hooked.settings.webhook_port}/hook"
    fake.hold = asyncio.Event()
    async with aiohttp.ClientSession(headers={SECRET_HEADER: SECRET}) as session:

        async def post(chat: int) -> int:
            update = {"update_id": 1000 + chat, **fake.message(ALICE + chat, "/start")}
            async with session.post(url, json=update) as response:
                return response.status

        held = [asyncio.create_task(post(chat)) for chat in range(MAX_IN_HAND)]
        await fake.wait_for(lambda: len(fake.calls_of("sendMessage")) == MAX_IN_HAND)  # each waits for its send
        assert await asyncio.wait_for(post(MAX_IN_HAND), 30) == 503  # one more: Telegram is told to come back later
        fake.hold.set()
        assert await asyncio.gather(*held) == [200] * MAX_IN_HAND
        assert await post(MAX_IN_HAND) == 200


async def test_healthz_and_python_m_bot_health(hooked: Running) -> None:
    port = hooked.settings.webhook_port
    async with aiohttp.ClientSession() as session, session.get(f"http://127.0.0.1:{port}/healthz") as response:
        assert response.status == 200
    env = {
        "BOT_DATA_DIR": str(hooked.settings.data_dir),
        "TELEGRAM_BOT_TOKEN": hooked.fake.token,
        "TELEGRAM_WEBHOOK_URL": "https://bot.example.org/hook",
        "TELEGRAM_WEBHOOK_SECRET": SECRET,
        "TELEGRAM_WEBHOOK_PORT": str(port),
    }
    result: subprocess.CompletedProcess[str] = await asyncio.to_thread(health, env)
    assert result.returncode == Exit.OK, result.stderr
    await stop(hooked.app)
    result = await asyncio.to_thread(health, env)
    assert result.returncode == Exit.UNHEALTHY and result.stderr.startswith("unhealthy: the webhook server")


def test_repeated_os_errors_in_the_loop_are_logged_once_a_minute(caplog: pytest.LogCaptureFixture) -> None:
    loop = asyncio.new_event_loop()
    limiter = OsErrorLimiter()
    try:
        for _ in range(1000):  # what running out of file descriptors makes asyncio's accept loop report
            error = OSError(errno.EMFILE, "Too many open files")
            limiter(loop, {"message": "socket.accept() out of system resource", "exception": error})
    finally:
        loop.close()
    lines = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(lines) == 1 and "Too many open files" in lines[0].getMessage()
    assert limiter.unlogged == 999
