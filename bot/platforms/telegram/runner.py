"""Start and stop the Telegram bot, by long polling or by webhook; every failure ends in Fatal, store closed."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Awaitable

from telegram.error import InvalidToken, NetworkError, TelegramError
from telegram.ext import Application

from bot.fatal import Exit, Fatal, classify
from bot.health import Heartbeat
from bot.logs import OsErrorLimiter
from bot.platforms.telegram.app import ALLOWED_UPDATES, webhook_path
from bot.platforms.telegram.poller import FIRST_BACKOFF, AcknowledgingPoller
from bot.platforms.telegram.webhook import MAX_IN_HAND, WebhookServer
from bot.settings import Settings

POLLER = "acknowledging_poller"  # where the poller is kept in app.bot_data, so stop() can find it
WEBHOOK = "webhook_server"  # and the webhook server
log = logging.getLogger(__name__)


async def start(
    app: Application,  # type: ignore[type-arg]
    settings: Settings,
    poll_timeout: int = 10,
    first_backoff: float = FIRST_BACKOFF,
) -> None:
    """Initialise, open the store (post_init), start receiving updates and handling them; raise Fatal if not."""
    try:
        await app.initialize()
    except InvalidToken:
        raise Fatal(Exit.TOKEN, "Telegram refused the token (check TELEGRAM_BOT_TOKEN)") from None
    except NetworkError as error:
        raise Fatal(Exit.UNREACHABLE, f"cannot reach the Telegram Bot API ({type(error).__name__})") from None
    if app.post_init is not None:
        await app.post_init(app)
    try:
        await _receive(app, settings, poll_timeout, first_backoff)
    except TelegramError as error:
        what = "setWebhook" if settings.webhook_url else "deleteWebhook"
        raise Fatal(Exit.REFUSED, f"Telegram refused {what} ({type(error).__name__}: {error})") from None


async def _receive(app: Application, settings: Settings, poll_timeout: int, first_backoff: float) -> None:  # type: ignore[type-arg]
    if settings.webhook_url:
        server = WebhookServer(app, settings, webhook_path(settings))
        app.bot_data[WEBHOOK] = server
        await server.start()
        await app.start()
        await app.bot.set_webhook(
            settings.webhook_url,
            secret_token=settings.webhook_secret,
            allowed_updates=ALLOWED_UPDATES,
            max_connections=MAX_IN_HAND,
        )
        return
    await app.start()
    poller = AcknowledgingPoller(
        app,
        ALLOWED_UPDATES,
        poll_timeout,
        conflict_limit=settings.conflict_limit,
        first_backoff=first_backoff,
        heartbeat=Heartbeat(settings.data_dir),
    )
    app.bot_data[POLLER] = poller
    await poller.start()


async def stop(app: Application) -> None:  # type: ignore[type-arg]
    """Stop receiving, finish what is in hand, and close the store (post_shutdown), whatever fails on the way."""
    poller, server = app.bot_data.pop(POLLER, None), app.bot_data.pop(WEBHOOK, None)
    steps: list[Awaitable[None]] = []
    if isinstance(poller, AcknowledgingPoller):
        steps.append(poller.stop())
    if isinstance(server, WebhookServer):
        steps.append(server.stop())
    if app.running:
        steps.append(app.stop())
    steps.append(app.shutdown())
    for step in steps:
        try:
            await step
        except Exception as error:  # keep going: the store must be closed
            log.warning("while stopping: %s", type(error).__name__)
    if app.post_shutdown is not None:
        await app.post_shutdown(app)


async def serve(app: Application, settings: Settings) -> None:  # type: ignore[type-arg]
    """Run until SIGINT or SIGTERM (one is enough), or until receiving fails for good (raises Fatal)."""
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.set_exception_handler(OsErrorLimiter())
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stopping.set)
    try:
        starting = asyncio.ensure_future(start(app, settings))
        if await _first(starting, stopping):
            starting.result()
            poller = app.bot_data.get(POLLER)
            running = poller.task if isinstance(poller, AcknowledgingPoller) else None
            if running is not None and await _first(running, stopping):
                running.result()
                raise Fatal(Exit.INTERNAL, "polling ended without a reason")
            await stopping.wait()
        else:
            starting.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await starting
    except Exception as error:
        raise classify(error) from error
    finally:
        await stop(app)


async def _first(task: asyncio.Future[None], stopping: asyncio.Event) -> bool:
    """Wait for the task to end or for stopping; True if the task ended first."""
    waiter: asyncio.Future[None] = asyncio.ensure_future(_wait(stopping))
    try:
        await asyncio.wait([task, waiter], return_when=asyncio.FIRST_COMPLETED)
    finally:
        waiter.cancel()
    return task.done() and not stopping.is_set()


async def _wait(event: asyncio.Event) -> None:
    await event.wait()
