"""Start and stop the Telegram bot, by long polling or by webhook, as run_polling would."""

from __future__ import annotations

import asyncio
import contextlib
import signal

from telegram.ext import Application

from bot.settings import Settings
from bot.tg.app import ALLOWED_UPDATES, webhook_path


async def start(app: Application, settings: Settings, poll_timeout: int = 10) -> None:  # type: ignore[type-arg]
    """Initialise, open the store (post_init), start receiving updates and handling them."""
    await app.initialize()
    if app.post_init is not None:
        await app.post_init(app)
    assert app.updater is not None
    if settings.webhook_url:
        await app.updater.start_webhook(
            listen=settings.webhook_listen,
            port=settings.webhook_port,
            url_path=webhook_path(settings),
            webhook_url=settings.webhook_url,
            secret_token=settings.webhook_secret,
            allowed_updates=ALLOWED_UPDATES,
        )
    else:
        await app.updater.start_polling(timeout=poll_timeout, allowed_updates=ALLOWED_UPDATES)
    await app.start()


async def stop(app: Application) -> None:  # type: ignore[type-arg]
    """Stop receiving, finish what is in hand, and close the store (post_shutdown)."""
    if app.updater is not None and app.updater.running:
        await app.updater.stop()
    if app.running:
        await app.stop()
    await app.shutdown()
    if app.post_shutdown is not None:
        await app.post_shutdown(app)


async def serve(app: Application, settings: Settings) -> None:  # type: ignore[type-arg]
    """Run until SIGINT or SIGTERM."""
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stopping.set)
    await start(app, settings)
    try:
        await stopping.wait()
    finally:
        await stop(app)
