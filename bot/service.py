"""One turn for one person: load their state, run the engine, save, and hand back the outputs."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterable, Sequence
from datetime import datetime
from weakref import WeakValueDictionary

from bot import engine
from bot.events import Event
from bot.identity import Pseudonymiser, load_or_create_secret
from bot.outputs import Output
from bot.program import Program, load_program
from bot.settings import Settings
from bot.state import ConversationState
from bot.store import Store

log = logging.getLogger(__name__)


class ChatService:
    """The platform-neutral bot: adapters turn what people do into events and render the outputs."""

    def __init__(self, program: Program, store: Store, pseudonymiser: Pseudonymiser) -> None:
        self.program = program
        self.store = store
        self.pseudonymiser = pseudonymiser
        self._locks: WeakValueDictionary[str, asyncio.Lock] = WeakValueDictionary()

    @classmethod
    async def open(cls, settings: Settings, program: Program | None = None) -> ChatService:
        """Load and check the flows (unless given), then open the store; raises InvalidFlows on bad flows."""
        program = program or load_program(settings.flows_dir, settings.content_dir)
        secret = load_or_create_secret(settings.data_dir)
        store = await Store.open(settings.data_dir)
        return cls(program, store, Pseudonymiser(secret))

    async def close(self) -> None:
        """Close the store."""
        await self.store.close()

    async def has_state(self, platform: str, user_id: str | int) -> bool:
        """Tell whether this person has talked to the bot before."""
        return await self.store.load_state(self.pseudonymiser.key(platform, user_id)) is not None

    async def handle(
        self, platform: str, user_id: str | int, event: Event, update_ref: str | None = None
    ) -> Sequence[Output] | None:
        """Run one event for one person, one at a time per person; state is saved before returning.

        With an update reference, an update seen before changes nothing and returns None.
        """
        key = self.pseudonymiser.key(platform, user_id)

        def turn(state: ConversationState | None) -> tuple[ConversationState, list[Output]]:
            return engine.step(self.program, state or ConversationState(), event)

        started = time.perf_counter()
        async with self._lock_for(key):
            fresh, outputs = await self.store.apply_turn(key, update_ref, turn)
        if not fresh:
            log.info("update already handled; skipped")
            return None
        # Never log text, ids or where the person is: only what kind of event it was and how long it took.
        log.debug("handled %s in %.1f ms", type(event).__name__, (time.perf_counter() - started) * 1000)
        return outputs

    def _lock_for(self, key: str) -> asyncio.Lock:
        lock = self._locks.get(key)
        if lock is None:
            lock = self._locks[key] = asyncio.Lock()
        return lock

    async def remember_messages(
        self, platform: str, user_id: str | int, messages: Iterable[tuple[int, datetime]]
    ) -> None:
        """Keep the ids of messages in a person's chat (never their content) so they can be cleared."""
        await self.store.track_messages(self.pseudonymiser.key(platform, user_id), messages)

    async def remembered_messages(self, platform: str, user_id: str | int) -> list[tuple[int, datetime]]:
        """Return the message ids kept for a person's chat, with when each was sent."""
        return await self.store.tracked_messages(self.pseudonymiser.key(platform, user_id))

    async def forget_messages(self, platform: str, user_id: str | int, message_ids: Iterable[int]) -> None:
        """Stop keeping message ids that were deleted or can no longer be."""
        await self.store.untrack_messages(self.pseudonymiser.key(platform, user_id), message_ids)
