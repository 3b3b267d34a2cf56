"""One turn for one person: load their state, run the engine, save, and hand back the outputs."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
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
    async def open(cls, settings: Settings) -> ChatService:
        """Load and check the flows, then open the store; raises InvalidFlows on bad flows."""
        program = load_program(settings.flows_dir, settings.content_dir)
        secret = load_or_create_secret(settings.data_dir)
        store = await Store.open(settings.data_dir)
        return cls(program, store, Pseudonymiser(secret))

    async def close(self) -> None:
        """Close the store."""
        await self.store.close()

    async def has_state(self, platform: str, user_id: str | int) -> bool:
        """Tell whether this person has talked to the bot before."""
        return await self.store.load_state(self.pseudonymiser.key(platform, user_id)) is not None

    async def handle(self, platform: str, user_id: str | int, event: Event) -> Sequence[Output]:
        """Run one event for one person, one at a time per person; state is saved before returning."""
        key = self.pseudonymiser.key(platform, user_id)
        lock = self._locks.setdefault(key, asyncio.Lock())
        async with lock:
            state = await self.store.load_state(key) or ConversationState()
            new_state, outputs = engine.step(self.program, state, event)
            await self.store.save_state(key, new_state)
        log.debug("turn done: %s -> %s", type(event).__name__, new_state.node)
        return outputs
