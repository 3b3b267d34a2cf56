"""One turn for one person: load their state, run the engine, save, and hand back the outputs."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple
from weakref import WeakValueDictionary

from bot.engine import step as engine
from bot.engine.events import NEWER, OLDER, STALE, Choose, Edited, Event, Pick
from bot.engine.files import EvidenceUnavailable
from bot.engine.model import PLAN_ACTIONS
from bot.engine.outputs import Button, Buttons, Effect, LogView, Output, PlanView, PlatformAction
from bot.engine.program import Program
from bot.engine.screen import NEW_NOTE, NOTE_SLOT
from bot.engine.state import ConversationState
from bot.engine.templates import TemplateLibrary
from bot.flows.program import load_program
from bot.flows.template_files import PLATFORMS
from bot.log import plan_views
from bot.log import views as log_views
from bot.log.effects import EffectRun, Fetch, apply_effects, note_id_for
from bot.log.export_worker import Exporter, ExportFailed
from bot.log.notebook import Note, Notebook
from bot.log.plan import PlanBook
from bot.log.plan_views import PlanWords
from bot.settings import Settings
from bot.store.crypto import RowSealer, Vault
from bot.store.identity import Pseudonymiser
from bot.store.keys import STATE_PURPOSE, learned_cache, open_keys
from bot.store.notes import NoteStore
from bot.store.plan import PlanStore
from bot.store.return_codes import ReturnCodeStore
from bot.store.sqlite import StorageError, Store

log = logging.getLogger(__name__)
PREVIEW_CHARS = 200  # of a note's text, handed to the engine to quote (it shortens it further)
FORGOTTEN = "forgotten"  # said to the adapter after "Delete everything", so it deletes what it keeps too


class ChatService:
    """The platform-neutral bot: adapters turn what people do into events and render the outputs."""

    def __init__(
        self,
        program: Program,
        store: Store,
        pseudonymiser: Pseudonymiser,
        notebook: Notebook,
        exporter: Exporter | None = None,
    ) -> None:
        self.program = program
        self._programs = {platform: program.for_platform(platform) for platform in PLATFORMS}
        self.exporter = exporter or Exporter()
        self.store = store
        self.pseudonymiser = pseudonymiser
        self.notebook = notebook
        self.plan = PlanBook(notebook, PlanStore(store))
        self.return_codes = ReturnCodeStore(store)
        self._plan_words: PlanWords | None = None
        self._locks: WeakValueDictionary[str, asyncio.Lock] = WeakValueDictionary()

    @classmethod
    async def open(cls, settings: Settings, program: Program | None = None) -> ChatService:
        """Load and check the flows (unless given), then open the store; raises InvalidFlows on bad flows."""
        program = program or load_program(settings.flows_dir, settings.content_dir, cache=learned_cache(settings))
        store = await Store.open(settings.data_dir)
        try:
            keys = await open_keys(settings, store)
        except BaseException:
            await store.close()
            raise
        store.sealer = RowSealer(keys.master, STATE_PURPOSE)
        return cls(program, store, Pseudonymiser(keys.identity), Notebook(NoteStore(store), Vault(keys.master)))

    async def close(self) -> None:
        """Close the store."""
        await self.store.close()

    @property
    def templates(self) -> TemplateLibrary:
        """Return the templates, for what an adapter says of its own (a platform's templates)."""
        return self.program.content.templates

    @property
    def data_dir(self) -> Path:
        """Return the folder the bot's data is kept in (the terminal writes exports into a folder in it)."""
        return self.store.path.parent

    def pseudonym(self, platform: str, user_id: str | int) -> str:
        """Return the pseudonymous key for a person (what a platform may keep in memory, never their id)."""
        return self.pseudonymiser.key(platform, user_id)

    async def seen(self, update_ref: str) -> bool:
        """Tell whether an update was handled before: a redelivery neither counts nor gets a reply."""
        return await self.store.was_handled(update_ref)

    async def forget_old_updates(self) -> int:
        """Forget updates handled long ago (no platform redelivers them); return how many."""
        return await self.store.forget_old_updates()

    async def has_state(self, platform: str, user_id: str | int) -> bool:
        """Tell whether this person has talked to the bot before."""
        return await self.store.load_state(self.pseudonymiser.key(platform, user_id)) is not None

    async def handle(
        self,
        platform: str,
        user_id: str | int,
        event: Event,
        update_ref: str | None = None,
        fetch: Fetch | None = None,
        origin: str | None = None,
        message: tuple[int, datetime] | None = None,
    ) -> Sequence[Output] | None:
        """Run one event for one person, one at a time per person; state is saved before returning.

        With an update reference, an update seen before changes nothing and returns None. ``fetch``
        downloads a file the person sent, for keeping as evidence. ``origin`` names the message the person
        sent (a note it starts takes its id from it, so an edit of that message finds the note).
        ``message`` is that message's id and time, kept with the turn's commit so it can be cleared.
        """
        key = self.pseudonymiser.key(platform, user_id)
        program = self._programs.get(platform, self.program)  # with the platform's own words
        started = time.perf_counter()
        received = [message] if message else []
        async with self._lock_for(key):
            handled, stored = await self.store.load_turn(key, update_ref)
            if handled:
                log.info("update already handled; skipped")
                return None
            state = stored or ConversationState()
            try:
                event = await self._with_facts(key, event)
                refs = _Refs(update_ref, origin, stored is None, received)
                outputs = await self._turn(program, key, refs, state, event, fetch)
            except (EvidenceUnavailable, ExportFailed, StorageError, OSError) as problem:
                await self.remember_messages(platform, user_id, received)  # not saved with a turn
                return self._failed(program, state, problem)
        # Never log text, ids or where the person is: only what kind of event it was and how long it took.
        log.debug("handled %s in %.1f ms", type(event).__name__, (time.perf_counter() - started) * 1000)
        return outputs

    @staticmethod
    def _failed(program: Program, state: ConversationState, problem: Exception) -> Sequence[Output]:
        """Say what went wrong, and leave the person where they were: never a false confirmation."""
        if isinstance(problem, EvidenceUnavailable):
            log.warning("a file could not be kept: %s", problem.reason)
            return engine.failed(program, state, f"system.evidence_{problem.reason}")[1]
        if isinstance(problem, ExportFailed):
            log.error("an export could not be made: %s", problem)
            return engine.failed(program, state, "system.export_failed")[1]
        log.error("could not save a turn: %s", type(problem).__name__)
        return engine.failed(program, state, "system.not_saved")[1]

    async def _turn(
        self,
        program: Program,
        key: str,
        refs: _Refs,
        state: ConversationState,
        event: Event,
        fetch: Fetch | None,
    ) -> list[Output] | None:
        update_ref, origin, fresh = refs.update, refs.origin, refs.fresh
        new_state, outputs = engine.step(program, state, event)
        templates = program.content.templates  # with the platform's own words
        effects = [o for o in outputs if isinstance(o, Effect)]
        words = self.plan_words if any(e.action in PLAN_ACTIONS for e in effects) else None
        run = EffectRun(self.notebook, templates, fetch, self.exporter, plan=self.plan, plan_words=words)
        new_state = await apply_effects(run, key, update_ref, effects, new_state, origin)
        outputs = _with_new_note(outputs, new_state.slots.get(NOTE_SLOT, ""))
        outputs = await self._views(key, outputs, templates)
        forgotten = any(e.action == "forget" for e in effects)
        # After "Delete everything", nothing keeps a place for them: not that screen, nor a button pressed on it.
        keep = not forgotten and not (fresh and isinstance(event, Choose) and self._forgets(event.node))
        if not await self.store.commit_turn(key, update_ref, new_state if keep else None, refs.messages):
            return None
        said = [PlatformAction(FORGOTTEN)] if forgotten else []  # the adapter deletes what it keeps, and says so
        return [*(o for o in outputs if not isinstance(o, Effect)), *said, *run.notices, *run.documents]

    async def _views(self, key: str, outputs: list[Output], templates: TemplateLibrary) -> list[Output]:
        """Fill in the log's and the plan's views from what is kept; an empty log offers no pattern or export."""
        views = [o for o in outputs if isinstance(o, LogView)]
        if views:
            # One note on screen needs only that note decrypted; the list and the pattern need them all.
            one = {v.note for v in views} if all(v.view == "note" for v in views) else set()
            notes = await self.notebook.notes(key, one.pop() if len(one) == 1 else None)
            outputs = log_views.expand(outputs, notes, templates, datetime.now(UTC))
            if not notes:
                outputs = log_views.without_empty_options(outputs, self.program.flows.nodes)
        if any(isinstance(o, PlanView) for o in outputs):
            plan = await self.plan.plan(key)
            outputs = plan_views.expand(outputs, plan, self.plan_words, templates)
        return outputs

    @property
    def plan_words(self) -> PlanWords:
        """Return the words the plan is shown with, rendered the first time they are needed."""
        if self._plan_words is None:
            lines = {h.id: (h.name, h.number) for h in self.program.content.helplines.values()}
            self._plan_words = PlanWords.render(self.program.content.templates, lines)
        return self._plan_words

    def _forgets(self, node_id: str) -> bool:
        node = self.program.flows.nodes.get(node_id)
        return node is not None and node.do == "forget"

    async def _with_facts(self, key: str, event: Event) -> Event:
        """Tell the engine about the note a person picked, or pressed a button of: whether it is theirs, what it has."""
        if isinstance(event, Edited):
            found = await self._note(key, note_id_for(key, event.origin))
            return replace(event, note=found.id, **_facts(found)) if found else event
        if isinstance(event, Choose) and event.note:
            found = await self._note(key, event.note)
            return replace(event, **_facts(found)) if found else STALE
        if not isinstance(event, Pick) or event.item in (OLDER, NEWER):
            return event
        found = await self._note(key, event.item) if event.item else None
        return replace(event, item=found.id, **_facts(found)) if found else replace(event, item="")

    async def _note(self, key: str, note_id: str) -> Note | None:
        found = await self.notebook.notes(key, note_id[:64])
        return found[0] if found else None

    def _lock_for(self, key: str) -> asyncio.Lock:
        lock = self._locks.get(key)
        if lock is None:
            lock = self._locks[key] = asyncio.Lock()
        return lock

    async def forget_person(self, platform: str, user_id: str | int) -> None:
        """Delete everything kept for one person, as "Delete everything" does."""
        key = self.pseudonymiser.key(platform, user_id)
        async with self._lock_for(key):
            await self.notebook.forget(key)

    def secret(self, purpose: str) -> bytes:
        """Return a secret of this server's for one purpose (derived from the identity key, never stored)."""
        return self.pseudonymiser.secret(purpose)

    async def keep_return_code(self, platform: str, user_id: str | int, digest: bytes, sealed: bytes) -> None:
        """Keep a return code's hash and the sealed id it reopens, replacing the person's earlier code."""
        await self.return_codes.keep(self.pseudonymiser.key(platform, user_id), digest, sealed)

    async def return_code(self, digest: bytes) -> bytes | None:
        """Return the sealed id a return code's hash names, or None."""
        return await self.return_codes.sealed(digest)

    async def remember_messages(
        self, platform: str, user_id: str | int, messages: Iterable[tuple[int, datetime]]
    ) -> None:
        """Keep the ids of messages in a person's chat (never their content) so they can be cleared.

        A storage fault here must not stop the person being answered: the ids are only for clearing later.
        """
        try:
            await self.store.track_messages(self.pseudonymiser.key(platform, user_id), messages)
        except (StorageError, OSError) as error:
            log.warning("could not keep message ids for clearing: %s", type(error).__name__)

    async def remembered_messages(self, platform: str, user_id: str | int) -> list[tuple[int, datetime]]:
        """Return the message ids kept for a person's chat, with when each was sent."""
        return await self.store.tracked_messages(self.pseudonymiser.key(platform, user_id))

    async def forget_messages(self, platform: str, user_id: str | int, message_ids: Iterable[int]) -> None:
        """Stop keeping message ids that were deleted or can no longer be."""
        await self.store.untrack_messages(self.pseudonymiser.key(platform, user_id), message_ids)


class _Refs(NamedTuple):
    """What a turn knows of the update: its reference, the message it came in, and whether the person is new."""

    update: str | None
    origin: str | None
    fresh: bool
    messages: list[tuple[int, datetime]]


def _facts(note: Note) -> dict[str, Any]:
    """Return what the engine is told about a note: the questions it has answered, and how it starts."""
    return {"answered": tuple(note.answers), "preview": note.text[:PREVIEW_CHARS]}


def _with_new_note(outputs: list[Output], note_id: str) -> list[Output]:
    """Put the id of the note this turn saved on the buttons that were made for it."""
    return [Buttons(tuple(_bound(b, note_id) for b in o.buttons)) if isinstance(o, Buttons) else o for o in outputs]


def _bound(button: Button, note_id: str) -> Button:
    event = button.event
    if isinstance(event, Choose) and event.note == NEW_NOTE:
        return replace(button, event=replace(event, note=note_id))
    return button
