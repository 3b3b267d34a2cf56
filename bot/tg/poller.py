"""Long polling that acknowledges a batch of updates only after every update in it has been handled.

python-telegram-bot's own polling asks for the next offset (which tells Telegram the batch arrived) while
the handlers are still queued, so a crash at that moment loses those updates. Here the offset moves only
once the batch is handled; a crash means the batch comes again, and the store's record of handled update
ids makes the second delivery change nothing.

The price: the next batch is fetched when the slowest update of this one is done, so one slow update (a
send retried over a bad network) delays the next batch for everyone. Fetching ahead while handling, with
a window of unacknowledged updates, would remove that; its window fills when one chat floods, so floods
would first have to be filtered before dispatch.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from telegram.error import Conflict, InvalidToken, NetworkError, RetryAfter
from telegram.ext import Application

log = logging.getLogger(__name__)
MAX_BACKOFF = 30.0


class AcknowledgingPoller:
    """Fetch updates with getUpdates and hand them to the Application, one batch at a time."""

    def __init__(self, app: Application, allowed_updates: list[str], timeout: int = 10) -> None:  # type: ignore[type-arg]
        self.app = app
        self.allowed_updates = allowed_updates
        self.timeout = timeout
        self.offset = 0
        self._task: asyncio.Task[None] | None = None
        self._fetching = False
        self._stopping = asyncio.Event()

    async def start(self) -> None:
        """Make sure no webhook is set (getUpdates refuses otherwise), then start polling."""
        await self.app.bot.delete_webhook()
        self._task = asyncio.create_task(self._run(), name="acknowledging-poller")

    async def stop(self) -> None:
        """Stop: a long poll in progress is abandoned; a batch being handled is finished first."""
        self._stopping.set()
        if self._task is None:
            return
        if self._fetching:
            self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task

    async def _run(self) -> None:
        backoff = 0.5
        while not self._stopping.is_set():
            try:
                self._fetching = True
                updates = await self.app.bot.get_updates(
                    offset=self.offset, timeout=self.timeout, allowed_updates=self.allowed_updates
                )
            except (InvalidToken, Conflict):
                log.error("Telegram refused to give updates; polling stopped")
                raise
            except RetryAfter as error:
                await asyncio.sleep(float(error.retry_after if isinstance(error.retry_after, int | float) else 1))
                continue
            except NetworkError as error:
                log.warning("network error while polling: %s; retrying in %.1f s", type(error).__name__, backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF)
                continue
            finally:
                self._fetching = False
            backoff = 0.5
            if updates:
                processor = self.app.update_processor
                handled = (processor.process_update(u, self.app.process_update(u)) for u in updates)
                for result in await asyncio.gather(*handled, return_exceptions=True):
                    if isinstance(result, Exception):
                        log.error("an update could not be handled: %s", type(result).__name__)
                self.offset = updates[-1].update_id + 1
