"""The webhook server, on aiohttp.web: small bodies only, the secret compared in constant time, a bound on
requests in hand and on connections (bot/platforms/http_server.py), and GET /healthz.

python-telegram-bot's Tornado server read a whole body before checking the secret (eight 50 MB bodies held
583 MB), compared the secret with ``==``, and spun on running out of file descriptors. Here the secret and
the declared length are checked before a byte of the body is read, and the update is handled before
Telegram gets its 200, so an update is acknowledged only once it has taken effect (a crash means Telegram
sends it again, and the store's record of update ids makes that change nothing).
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging

from aiohttp import web
from telegram.ext import Application

from bot.platforms.http_server import BoundedServer
from bot.platforms.telegram.poller import parse_update
from bot.settings import Settings

log = logging.getLogger(__name__)
MAX_BODY = 256 * 1024  # Telegram's updates are a few kilobytes; the longest message is 4,096 characters
MAX_IN_HAND = 40  # requests handled at once; Telegram's own default max_connections is 40
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class WebhookServer:
    """Receive updates over HTTP and hand each to the Application, answering once it is handled."""

    def __init__(self, app: Application, settings: Settings, path: str) -> None:  # type: ignore[type-arg]
        self.app = app
        self.settings = settings
        self.path = "/" + path.strip("/")
        self._secret = (settings.webhook_secret or "").encode()
        self._in_hand = asyncio.Semaphore(MAX_IN_HAND)
        self._server: BoundedServer | None = None
        self.unparseable = 0

    async def start(self) -> None:
        """Listen (raises OSError if the port is taken), then tell Telegram where to send updates."""
        server = web.Application(client_max_size=MAX_BODY)
        server.router.add_post(self.path, self._receive)
        server.router.add_get("/healthz", _healthz)
        self._server = BoundedServer(server, self.settings)
        try:
            await self._server.start(self.settings.webhook_listen, self.settings.webhook_port)
        except BaseException:
            self._server = None
            raise

    async def stop(self) -> None:
        """Stop listening; requests in hand are finished first."""
        if self._server is not None:
            server, self._server = self._server, None
            await server.stop()

    async def _receive(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, self._secret):
            return _closing(403)
        if request.content_length is not None and request.content_length > MAX_BODY:
            return _closing(413)
        if self._in_hand.locked():
            return _closing(503)  # Telegram retries later
        async with self._in_hand:
            try:
                raw = json.loads(await request.read())  # over MAX_BODY when chunked: aiohttp answers 413
            except ValueError:
                return _closing(400)
            update = parse_update(raw, self.app.bot) if isinstance(raw, dict) else None
            if update is None:
                self.unparseable += 1
                return web.Response()  # acknowledged, so it cannot come back again and again
            processor = self.app.update_processor
            await processor.process_update(update, self.app.process_update(update))
        return web.Response()


async def _healthz(request: web.Request) -> web.Response:
    return web.Response(text="ok\n")


def _closing(status: int) -> web.Response:
    """Answer without reading the body, and close the connection so the body is not read later either."""
    response = web.Response(status=status)
    response.force_close()
    return response
