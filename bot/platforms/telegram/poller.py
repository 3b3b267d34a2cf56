"""Long polling that acknowledges a batch of updates only after every update in it has been handled.

python-telegram-bot's own polling asks for the next offset (which tells Telegram the batch arrived) while
the handlers are still queued, so a crash at that moment loses those updates. Here the offset moves only
once the batch is handled; a crash means the batch comes again, and the store's record of handled update
ids makes the second delivery change nothing.

It never stops silently. A bad answer (5xx, an HTML page, invalid JSON, a network error) or any other
exception is logged by kind and retried with backoff. An update python-telegram-bot cannot parse is logged
by update_id and kind only, counted, and acknowledged, so it cannot block the queue. A 409 Conflict
(another instance polling with the token) is logged once and retried; if it lasts ``conflict_limit``
seconds, or the token is refused, polling ends with Fatal, and the process exits non-zero.

The price of acknowledging late: the next batch is fetched when the slowest update of this one is done, so
one slow update (a send retried over a bad network) delays the next batch for everyone.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import Any

from telegram import Bot, Update
from telegram.error import Conflict, InvalidToken, RetryAfter
from telegram.ext import Application

from bot.fatal import Exit, Fatal
from bot.health import Heartbeat

log = logging.getLogger(__name__)
FIRST_BACKOFF = 0.5
MAX_BACKOFF = 30.0
CONFLICT_LIMIT = 300.0


class AcknowledgingPoller:
    """Fetch updates with getUpdates and hand them to the Application, one batch at a time."""

    def __init__(
        self,
        app: Application,  # type: ignore[type-arg]
        allowed_updates: list[str],
        timeout: int = 10,
        conflict_limit: float = CONFLICT_LIMIT,
        first_backoff: float = FIRST_BACKOFF,
        heartbeat: Heartbeat | None = None,
    ) -> None:
        self.app = app
        self.allowed_updates = allowed_updates
        self.timeout = timeout
        self.conflict_limit = conflict_limit
        self.first_backoff = first_backoff
        self.heartbeat = heartbeat
        self.offset = 0
        self.unparseable = 0  # updates acknowledged without being handled
        self.task: asyncio.Task[None] | None = None
        self._fetching = False
        self._stopping = asyncio.Event()
        self._backoff = first_backoff
        self._failing: str | None = None  # the kind of the failure being retried, logged once
        self._conflict_since: float | None = None

    async def start(self) -> None:
        """Make sure no webhook is set (getUpdates refuses otherwise), then start polling."""
        await self.app.bot.delete_webhook()
        self.task = asyncio.create_task(self._run(), name="acknowledging-poller")

    async def stop(self) -> None:
        """Stop: a long poll in progress is abandoned; a batch being handled is finished first."""
        self._stopping.set()
        if self.heartbeat is not None:
            with contextlib.suppress(OSError):
                self.heartbeat.stop()
        if self.task is None:
            return
        if self._fetching:
            self.task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Fatal):
            await self.task

    async def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                batch = await self._fetch()
                self._recovered()
                await self._handle(batch)
            except Fatal:
                raise
            except RetryAfter as error:
                await self._sleep(float(error.retry_after if isinstance(error.retry_after, int | float) else 1))
            except Conflict:
                await self._conflict()
            except Exception as error:  # 5xx, HTML, invalid JSON, network errors, anything unforeseen
                await self._retry_after_failure(type(error).__name__)

    async def _fetch(self) -> list[dict[str, Any]]:
        """Ask for the next batch, raw: each update is parsed on its own, so one bad update spoils none."""
        self._fetching = True
        try:
            # Bot.get_updates parses the batch as a whole and logs it all at CRITICAL when one update fails.
            result = await self.app.bot._post(
                "getUpdates",
                {"offset": self.offset, "timeout": self.timeout, "allowed_updates": self.allowed_updates},
                read_timeout=(self.app.bot.request.read_timeout or 0) + self.timeout,
            )
        except InvalidToken:
            raise Fatal(Exit.TOKEN, "Telegram refused the token (check TELEGRAM_BOT_TOKEN)") from None
        finally:
            self._fetching = False
        if not isinstance(result, list) or not all(isinstance(u, dict) for u in result):
            raise TypeError("getUpdates did not answer with a list of updates")
        return result

    async def _handle(self, batch: list[dict[str, Any]]) -> None:
        """Hand every update that parses to the Application; acknowledge the whole batch when done."""
        updates = [u for u in (self._parse(raw) for raw in batch) if u is not None]
        processor = self.app.update_processor
        handled = (processor.process_update(u, self.app.process_update(u)) for u in updates)
        for result in await asyncio.gather(*handled, return_exceptions=True):
            if isinstance(result, Exception):
                log.error("an update could not be handled: %s", type(result).__name__)
        ids = [u["update_id"] for u in batch if isinstance(u.get("update_id"), int)]
        if ids:
            self.offset = max(ids) + 1

    def _parse(self, raw: dict[str, Any]) -> Update | None:
        update = parse_update(raw, self.app.bot)
        if update is None:
            self.unparseable += 1
        return update

    async def _conflict(self) -> None:
        """Another instance polls with this token: wait for it to stop, for at most conflict_limit seconds."""
        now = time.monotonic()
        if self._conflict_since is None:
            self._conflict_since = now
            log.warning("409 Conflict: another instance is polling with this token; retrying")
        elif now - self._conflict_since >= self.conflict_limit:
            raise Fatal(
                Exit.CONFLICT, f"another instance kept polling with this token for {self.conflict_limit:.0f} s (409)"
            )
        await self._retry_after_failure("Conflict", logged=True)

    async def _retry_after_failure(self, kind: str, logged: bool = False) -> None:
        if self._failing != kind and not logged:
            log.warning("polling failed (%s); retrying with backoff", kind)
        self._failing = kind
        await self._sleep(self._backoff)
        self._backoff = min(self._backoff * 2, MAX_BACKOFF)

    def _recovered(self) -> None:
        if self._failing is not None:
            log.info("polling works again (after %s)", self._failing)
        self._failing, self._conflict_since, self._backoff = None, None, self.first_backoff
        if self.heartbeat is not None:
            try:
                self.heartbeat.beat()
            except OSError as error:  # the health check will say so; polling itself works
                log.warning("cannot write the heartbeat: %s", error.strerror)

    async def _sleep(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), seconds)


def parse_update(raw: dict[str, Any], bot: Bot) -> Update | None:
    """Return the update, or None (logging only its update_id and kind) if python-telegram-bot cannot parse it."""
    try:
        return Update.de_json(raw, bot)
    except Exception as error:
        update_id = raw.get("update_id")
        kind = next((k for k in raw if k != "update_id"), "none")
        log.error(
            "update %s (%s) could not be parsed (%s); acknowledged without handling it",
            update_id if isinstance(update_id, int) else "?",
            kind if kind.isidentifier() and len(kind) <= 40 else "unknown",
            type(error).__name__,
        )
        return None
