"""Start and stop the Telegram bot, by long polling or by webhook, as run_polling would."""

from __future__ import annotations

import asyncio
import contextlib
import signal

from telegram.ext import Application

from bot.settings import Settings
from bot.tg.app import ALLOWED_UPDATES, webhook_path
from bot.tg.poller import AcknowledgingPoller

POLLER = "acknowledging_poller"  # where the poller is kept in app.bot_data, so stop() can find it


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
        await app.start()
        return
    await app.start()
    poller = AcknowledgingPoller(app, ALLOWED_UPDATES, poll_timeout)
    app.bot_data[POLLER] = poller
    await poller.start()


async def stop(app: Application) -> None:  # type: ignore[type-arg]
    """Stop receiving, finish what is in hand, and close the store (post_shutdown)."""
    poller = app.bot_data.pop(POLLER, None)
    if isinstance(poller, AcknowledgingPoller):
        await poller.stop()
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
