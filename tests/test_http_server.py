"""Bounded connections, over real sockets on loopback: a limit on open ones, idle and slow clients cut off."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web

from bot.engine.program import Program
from bot.platforms.http_server import BoundedServer
from bot.platforms.telegram.webhook import SECRET_HEADER
from bot.platforms.web.server import serve_web
from bot.settings import Settings
from tests.fake_telegram import FakeTelegram
from tests.telegram_harness import ALICE
from tests.test_web_server import SECRET, answered, free_port, web_and_webhook

Stream = tuple[asyncio.StreamReader, asyncio.StreamWriter]


@dataclass
class Served:
    server: BoundedServer
    port: int
    bodies: list[bytes]


@pytest.fixture
async def serve() -> AsyncIterator[Callable[..., Awaitable[Served]]]:
    """Start a BoundedServer with one page and one POST that reads its body, with these settings."""
    started: list[BoundedServer] = []

    async def start(**env: str) -> Served:
        bodies: list[bytes] = []

        async def page(request: web.Request) -> web.Response:
            return web.Response(text="ok")

        async def post(request: web.Request) -> web.Response:
            bodies.append(await request.read())
            return web.Response(text="read")

        app = web.Application()
        app.router.add_get("/", page)
        app.router.add_post("/", post)
        server, port = BoundedServer(app, Settings.from_env({"BOT_DATA_DIR": "unused", **env})), free_port()
        await server.start("127.0.0.1", port)
        started.append(server)
        return Served(server, port, bodies)

    yield start
    for server in started:
        await server.stop()


async def connect(port: int) -> Stream:
    return await asyncio.open_connection("127.0.0.1", port)


async def until_closed(stream: Stream, seconds: float = 20) -> bytes:
    """Everything the server sends until it closes the connection (fails if it does not within seconds)."""
    reader, _ = stream
    received = b""
    with contextlib.suppress(ConnectionResetError):
        while chunk := await asyncio.wait_for(reader.read(65536), seconds):
            received += chunk
    return received


async def trickle(stream: Stream, data: bytes, every: float = 0.1) -> int:
    """Send a byte at a time until done or the server closes the connection; return how many were sent."""
    _, writer = stream
    closing = asyncio.ensure_future(until_closed(stream, 120))
    sent = 0
    try:
        for byte in data:
            if closing.done():
                break
            writer.write(bytes([byte]))
            with contextlib.suppress(ConnectionError):
                await writer.drain()
            sent += 1
            await asyncio.sleep(every)
        assert await closing == b""  # closed without an answer
    finally:
        closing.cancel()
        writer.close()
    return sent


async def get(port: int, path: str = "/") -> bytes:
    stream = await connect(port)
    stream[1].write(f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
    return await until_closed(stream)


async def test_one_connection_past_the_limit_is_answered_503_and_closed(
    serve: Callable[..., Awaitable[Served]], caplog: pytest.LogCaptureFixture
) -> None:
    served = await serve(BOT_HTTP_MAX_CONNECTIONS="4", BOT_HTTP_IDLE_SECONDS="60")
    idle = [await connect(served.port) for _ in range(4)]
    await until(lambda: served.server.open == 4)
    with caplog.at_level(logging.WARNING, "bot.platforms.http_server"):
        assert (await get(served.port)).startswith(b"HTTP/1.1 503 Service Unavailable\r\n")
        assert (await get(served.port)).startswith(b"HTTP/1.1 503")
    assert served.server.refused.total == 2
    assert [r.getMessage() for r in caplog.records] == [
        "connections refused (BOT_HTTP_MAX_CONNECTIONS reached): 1 since the last such line"
    ]  # the second is counted, not logged
    idle.pop()[1].close()
    await until(lambda: served.server.open == 3)
    assert (await get(served.port)).startswith(b"HTTP/1.1 200 OK")
    for _, writer in idle:
        writer.close()


async def test_an_idle_connection_is_closed(serve: Callable[..., Awaitable[Served]]) -> None:
    served = await serve(BOT_HTTP_IDLE_SECONDS="1")
    stream = await connect(served.port)
    assert await until_closed(stream) == b""
    kept = await connect(served.port)  # and between requests
    kept[1].write(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    assert (await until_closed(kept)).startswith(b"HTTP/1.1 200 OK")
    await until(lambda: served.server.open == 0)


async def test_headers_sent_a_byte_at_a_time_are_cut_off(serve: Callable[..., Awaitable[Served]]) -> None:
    served = await serve(BOT_HTTP_IDLE_SECONDS="1")
    head = b"GET / HTTP/1.1\r\nHost: x\r\nUser-Agent: slowloris\r\nAccept: */*\r\n" + b"X-A: b\r\n" * 40 + b"\r\n"
    sent = await trickle(await connect(served.port), head)
    assert sent < len(head)  # the server closed it before the headers were complete
    await until(lambda: served.server.open == 0)


async def test_a_body_sent_a_byte_at_a_time_is_cut_off(
    serve: Callable[..., Awaitable[Served]], caplog: pytest.LogCaptureFixture
) -> None:
    served = await serve(BOT_HTTP_REQUEST_SECONDS="1", BOT_HTTP_IDLE_SECONDS="60")
    body = b"x" * 300
    stream = await connect(served.port)
    stream[1].write(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n" % len(body))
    with caplog.at_level(logging.WARNING, "bot.platforms.http_server"):
        sent = await trickle(stream, body)
    assert sent < len(body) and served.bodies == []
    assert served.server.cut_off.total == 1
    assert [r.getMessage() for r in caplog.records] == [
        "requests cut off (body not received within BOT_HTTP_REQUEST_SECONDS): 1 since the last such line"
    ]
    await until(lambda: served.server.open == 0)
    fast = await connect(served.port)  # a body that arrives in time is read
    fast[1].write(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc")
    assert (await until_closed(fast)).startswith(b"HTTP/1.1 200 OK")
    assert served.bodies == [b"abc"]


async def test_the_web_chat_and_the_webhook_work_while_slow_and_idle_clients_hold_connections(
    fake: FakeTelegram, program: Program, tmp_path: Path
) -> None:
    settings, web_port, hook_port = web_and_webhook(
        tmp_path,
        fake,
        BOT_HTTP_MAX_CONNECTIONS="8",
        BOT_HTTP_IDLE_SECONDS="60",
        BOT_HTTP_REQUEST_SECONDS="60",
    )
    serving = asyncio.create_task(serve_web(settings, program))
    load: list[asyncio.Future[None]] = []
    try:
        await answered(f"http://127.0.0.1:{web_port}/healthz")
        await answered(f"http://127.0.0.1:{hook_port}/healthz")
        load += [
            await holding(port, path, kind)
            for port, path in ((web_port, "/say"), (hook_port, "/hook"))
            for kind in ("idle", "headers", "body") * 2
        ]
        await asyncio.sleep(0.5)  # every held connection open and partly sent
        async with aiohttp.ClientSession() as http:
            async with http.get(f"http://127.0.0.1:{web_port}/?fresh") as page:
                assert page.status == 200 and "Exit this page" in await page.text()
            update = {"update_id": 900, **fake.message(ALICE, "/start")}
            hook = f"http://127.0.0.1:{hook_port}/hook"
            async with http.post(hook, json=update, headers={SECRET_HEADER: SECRET}) as answer:
                assert answer.status == 200
        assert len(fake.sent(ALICE)) == 1
        load += [await holding(hook_port, "/", "idle") for _ in range(2)]
        await until_refused(hook_port)  # 8 held: the limit holds
        assert not any(task.done() for task in load[6:])  # the webhook's slow clients are still sending
    finally:
        os.kill(os.getpid(), signal.SIGTERM)  # one is enough, slow bodies still arriving (they would hold it 60 s)
        await asyncio.wait_for(serving, 30)
        for task in load:
            task.cancel()


async def holding(port: int, path: str, kind: str) -> asyncio.Future[None]:
    """Open a connection and hold it open: idle, sending its headers slowly, or sending its body slowly.

    The web chat answers a form from no session without reading its body, so only the webhook reads a slow body.
    """
    reader, writer = await connect(port)
    return asyncio.ensure_future(hold(reader, writer, path, kind))


async def hold(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, path: str, kind: str) -> None:
    try:
        if kind != "idle":
            writer.write(f"POST {path} HTTP/1.1\r\nHost: x\r\n".encode())
        if kind == "body":
            writer.write(f"Content-Length: 1000\r\n{SECRET_HEADER}: {SECRET}\r\n\r\n".encode())
        while not reader.at_eof():
            await asyncio.sleep(0.2)
            if kind != "idle":
                writer.write(b"X-Slow: 1\r\n" if kind == "headers" else b"x")
    finally:
        writer.close()


async def until_refused(port: int) -> None:
    for _ in range(100):
        if (await get(port, "/healthz")).startswith(b"HTTP/1.1 503"):
            return
        await asyncio.sleep(0.05)
    raise AssertionError("never refused")


async def until(condition: Callable[[], bool], seconds: float = 20) -> None:
    """Wait until the condition holds."""
    for _ in range(int(seconds / 0.02)):
        if condition():
            return
        await asyncio.sleep(0.02)
    raise AssertionError("the condition never held")
