"""Bot API calls over aiohttp: timeouts, failures that name no URL, long polls, files, restarts."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import NetworkError, TimedOut

from bot.platforms.telegram.aiohttp_request import AiohttpRequest

TOKEN = "123456:SECRET-token"


@pytest.fixture
async def slow_api() -> AsyncIterator[str]:
    """A Bot API that answers getMe at once, holds getUpdates for 0.6 s, and never answers messages to chat 1."""

    async def handle(request: web.Request) -> web.Response:
        method = request.match_info["method"]
        if method == "sendMessage":
            params = await request.json()  # sent as JSON, objects nested
            if params["chat_id"] == 1:
                await asyncio.sleep(30)
            text = json.dumps(params["reply_markup"])
            message = {"message_id": 1, "date": 0, "chat": {"id": 2, "type": "private"}, "text": text}
            return web.json_response({"ok": True, "result": message})
        if method == "getUpdates":
            await asyncio.sleep(0.6)
            return web.json_response({"ok": True, "result": []})
        if method == "sendDocument":
            form = await request.post()
            upload = form["document"]
            assert isinstance(upload, web.FileField)
            size = len(upload.file.read())
            text = {"message_id": 1, "date": 0, "chat": {"id": 1, "type": "private"}, "text": f"{size}"}
            return web.json_response({"ok": True, "result": text})
        user = {"id": 1, "is_bot": True, "first_name": "Guide", "username": "guide_bot"}
        return web.json_response({"ok": True, "result": user})

    app = web.Application()
    app.router.add_post("/bot{token}/{method}", handle)
    runner = web.AppRunner(app, handle_signals=False, shutdown_timeout=0.1)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    yield f"http://127.0.0.1:{runner.addresses[0][1]}/bot"
    await runner.cleanup()


def bot_on(base_url: str, read_timeout: float = 0.3) -> Bot:
    return Bot(
        TOKEN,
        base_url=base_url,
        request=AiohttpRequest(read_timeout=read_timeout),
        get_updates_request=AiohttpRequest(pool_size=1, read_timeout=read_timeout),
    )


async def test_a_reply_that_never_comes_times_out(slow_api: str) -> None:
    async with bot_on(slow_api) as bot:
        with pytest.raises(TimedOut):
            await bot.send_message(1, "hello")


async def test_parameters_are_sent_as_json(slow_api: str) -> None:
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Main menu", callback_data="c:menu")]])
    async with bot_on(slow_api) as bot:
        message = await bot.send_message(2, "hello", reply_markup=markup)
    assert json.loads(message.text or "") == {"inline_keyboard": [[{"text": "Main menu", "callback_data": "c:menu"}]]}


async def test_a_long_poll_may_take_longer_than_the_read_timeout(slow_api: str) -> None:
    async with bot_on(slow_api) as bot:
        assert await bot.get_updates(timeout=1) == ()


async def test_a_failure_names_neither_the_address_nor_the_token() -> None:
    with socket.socket() as spare:
        spare.bind(("127.0.0.1", 0))
        closed_port = spare.getsockname()[1]
    request = AiohttpRequest()
    await request.initialize()
    try:
        with pytest.raises(NetworkError) as raised:
            await request.post(f"http://127.0.0.1:{closed_port}/bot{TOKEN}/getMe")
    finally:
        await request.shutdown()
    assert "SECRET" not in str(raised.value) and str(closed_port) not in str(raised.value)


async def test_files_are_sent_as_multipart(slow_api: str) -> None:
    async with bot_on(slow_api) as bot:
        message = await bot.send_document(1, b"x" * 5000, filename="notes.pdf")
    assert message.text == "5000"


async def test_it_can_be_started_again_after_shutting_down(slow_api: str) -> None:
    request = AiohttpRequest()
    bot = Bot(TOKEN, base_url=slow_api, request=request)
    async with bot:
        await bot.get_me()
    async with bot:
        assert (await bot.get_me()).username == "guide_bot"


async def test_using_it_before_starting_is_an_error() -> None:
    with pytest.raises(NetworkError, match="not initialized"):
        await AiohttpRequest().post("http://127.0.0.1:9/bot1:x/getMe")


async def test_a_proxy_in_the_environment_is_used(slow_api: str, monkeypatch: pytest.MonkeyPatch) -> None:
    proxy = slow_api.removesuffix("/bot")  # the fake API answers whatever host the request names
    monkeypatch.setenv("HTTP_PROXY", proxy)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    async with bot_on("http://api.telegram.invalid/bot") as bot:
        assert (await bot.get_me()).username == "guide_bot"


async def test_proxy_settings_are_read_once_at_start(slow_api: str, monkeypatch: pytest.MonkeyPatch) -> None:
    proxy = slow_api.removesuffix("/bot")
    get_me = f"http://api.telegram.invalid/bot{TOKEN}/getMe"  # reachable only through the proxy
    for name in ("HTTP_PROXY", "http_proxy", "NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    request = AiohttpRequest()
    await request.initialize()
    monkeypatch.setenv("HTTP_PROXY", proxy)  # too late: read at start
    with pytest.raises(NetworkError):
        await request.post(get_me)
    await request.shutdown()
    await request.initialize()  # read again when started again
    assert (await request.post(get_me))["username"] == "guide_bot"  # type: ignore[index]
    await request.shutdown()
    monkeypatch.setenv("NO_PROXY", "api.telegram.invalid")
    await request.initialize()
    with pytest.raises(NetworkError):  # bypassed: the proxy is not used for this host
        await request.post(get_me)
    await request.shutdown()
    monkeypatch.setenv("HTTP_PROXY", proxy.replace("http://", "http://user:pass@"))
    monkeypatch.delenv("NO_PROXY")
    async with bot_on("http://api.telegram.invalid/bot") as bot:  # a proxy URL with credentials still works
        assert (await bot.get_me()).username == "guide_bot"
