"""Serve an aiohttp application with bounded connections: how many are open, how long one may idle, and how
long a request may take to arrive.

aiohttp accepts every connection, keeps an idle one for an hour (its keep-alive default is 3,630 s) and
waits for a slow body as long as the client likes; its maintainers leave connection limits to a reverse
proxy (aio-libs/aiohttp#675). The bot may run behind none, so the bounds are here:

- at most ``BOT_HTTP_MAX_CONNECTIONS`` open: one more is answered 503 and closed (Telegram retries);
- aiohttp's keep-alive timer (``BOT_HTTP_IDLE_SECONDS``) closes a connection idle that long, and it runs
  from the moment a connection opens or a response is sent until a request's headers are complete, so it
  is also the deadline for headers (a slowloris trickling them a byte a second is closed). Before the
  first request it runs only in recent aiohttp (aio-libs/aiohttp#13681; 3.14.5, as locked, has it): hence
  the lower bound in pyproject.toml;
- a request whose body has not fully arrived ``BOT_HTTP_REQUEST_SECONDS`` after its headers is cut off.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable

from aiohttp import web

from bot.settings import Settings

log = logging.getLogger(__name__)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
LINGER_SECONDS = 2.0  # a body left unread by an early answer is drained this long (aiohttp: 10 s, also at stop)
REFUSAL_SECONDS = 1.0  # a refused client has this long to read the 503 (closing at once could reset it unread)
REFUSAL = b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"


class Tally:
    """Count an event and log it at most once an interval, with how many happened since the last line."""

    def __init__(self, message: str, interval: float = 60.0) -> None:
        self.message = message
        self.interval = interval
        self.total = 0
        self._unlogged = 0
        self._logged_at: float | None = None

    def add(self) -> None:
        """Count one; log if no line was written in the last interval."""
        self.total += 1
        self._unlogged += 1
        now = time.monotonic()
        if self._logged_at is None or now - self._logged_at >= self.interval:
            log.warning("%s: %d since the last such line", self.message, self._unlogged)
            self._unlogged, self._logged_at = 0, now


class BoundedServer:
    """Listen on a host and port with the bounds above; stop() finishes the requests in hand."""

    def __init__(self, app: web.Application, settings: Settings) -> None:
        self.max_connections = settings.http_max_connections
        self.request_seconds = settings.http_request_seconds
        self.open = 0
        self.refused = Tally("connections refused (BOT_HTTP_MAX_CONNECTIONS reached)")
        self.cut_off = Tally("requests cut off (body not received within BOT_HTTP_REQUEST_SECONDS)")
        app.middlewares.append(self._deadline)  # innermost, so it sees the handler's own errors first
        self.runner = web.AppRunner(
            app,
            handle_signals=False,
            access_log=None,  # it would hold paths
            keepalive_timeout=settings.http_idle_seconds,
            lingering_time=LINGER_SECONDS,
        )
        self._listening: asyncio.Server | None = None
        self._set_up = False
        self._arriving: dict[int, tuple[web.Request, list[bool]]] = {}  # by id: bodies arriving, and if cut off

    async def start(self, host: str, port: int) -> None:
        """Listen (raises OSError if the port cannot be had; then nothing is left open)."""
        await self.runner.setup()
        self._set_up = True
        try:
            self._listening = await asyncio.get_running_loop().create_server(
                self._connection, host, port, reuse_address=True
            )
        except BaseException:
            await self.stop()
            raise

    async def stop(self) -> None:
        """Stop listening, finish the requests in hand, close every connection; again, nothing."""
        listening, self._listening = self._listening, None
        if listening is not None:
            listening.close()
        for request, expired in list(self._arriving.values()):  # a body still arriving would hold up the stop
            _expire(request, expired)
        if self._set_up:
            self._set_up = False
            await self.runner.cleanup()
        if listening is not None:
            await listening.wait_closed()

    def _connection(self) -> asyncio.Protocol:
        handler = self.runner.server
        assert handler is not None, "start() sets the server up before listening"
        return _Gate(self, handler())

    @web.middleware
    async def _deadline(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        """Cut the connection if the body has not all arrived in time; the handler's read then fails."""
        if request.content.is_eof():  # no body, or all of it here already
            return await handler(request)
        expired: list[bool] = []
        timer = asyncio.get_running_loop().call_later(self.request_seconds, _expire, request, expired)
        self._arriving[id(request)] = (request, expired)
        try:
            return await handler(request)
        except ConnectionError:
            if not expired:
                raise
            self.cut_off.add()
            return web.Response(status=408)  # never sent: the connection is gone; aiohttp drops it quietly
        finally:
            timer.cancel()
            self._arriving.pop(id(request), None)


def _expire(request: web.Request, expired: list[bool]) -> None:
    if not request.content.is_eof() and request.transport is not None:
        expired.append(True)
        request.transport.close()


class _Gate(asyncio.Protocol):
    """aiohttp's protocol for one connection, counted; past the limit, a 503 and the connection closed."""

    def __init__(self, server: BoundedServer, inner: asyncio.Protocol) -> None:
        self.server = server
        self.inner: asyncio.Protocol | None = inner
        self._closing: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        if self.server.open < self.server.max_connections:
            self.server.open += 1
            assert self.inner is not None
            self.inner.connection_made(transport)
            return
        self.inner = None
        self.server.refused.add()
        assert isinstance(transport, asyncio.WriteTransport)
        transport.write(REFUSAL)
        transport.write_eof()  # closed when the client closes, or in a second; what it sent is dropped unread
        self._closing = asyncio.get_running_loop().call_later(REFUSAL_SECONDS, transport.close)

    def connection_lost(self, exc: Exception | None) -> None:
        if self._closing is not None:
            self._closing.cancel()
        if self.inner is not None:
            self.server.open -= 1
            self.inner.connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self.inner is not None:
            self.inner.data_received(data)

    def eof_received(self) -> bool | None:
        return self.inner.eof_received() if self.inner is not None else None

    def pause_writing(self) -> None:
        if self.inner is not None:
            self.inner.pause_writing()

    def resume_writing(self) -> None:
        if self.inner is not None:
            self.inner.resume_writing()
