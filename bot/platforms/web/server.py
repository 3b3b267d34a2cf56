"""Run the web chat until SIGINT or SIGTERM; with a Telegram webhook configured, serve that in the same process."""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging
import signal

from bot.engine.program import Program
from bot.fatal import Exit, Fatal
from bot.platforms.http_server import BoundedServer
from bot.platforms.web.app import WebChat
from bot.service import ChatService
from bot.settings import Settings

log = logging.getLogger(__name__)


async def serve_web(settings: Settings, program: Program) -> None:
    """Serve the web chat on BOT_WEB_LISTEN:BOT_WEB_PORT (and Telegram by webhook, when it is set up)."""
    service = await ChatService.open(settings, program)
    server = BoundedServer(WebChat(settings, service).build(), settings)
    try:
        try:
            await server.start(settings.web_listen, settings.web_port)
        except OSError as error:
            reason = "in use" if error.errno == errno.EADDRINUSE else "not available"
            raise Fatal(Exit.PORT, f"the web chat's port {settings.web_port} is {reason}") from None
        log.info("serving the web chat on port %s", settings.web_port)
        if settings.telegram_token and settings.webhook_url:
            await _with_telegram(settings, program)
        else:
            await _until_stopped()
    finally:
        await server.stop()
        await service.close()


async def _until_stopped() -> None:
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stopping.set)
    await stopping.wait()


async def _with_telegram(settings: Settings, program: Program) -> None:
    from bot.platforms.telegram.app import TelegramBot
    from bot.platforms.telegram.runner import serve

    log.info("serving Telegram by webhook in the same process")
    await serve(TelegramBot(settings, program).build(), settings)
