"""Carry out the engine's effects on the stalking log, idempotently: one update makes one note."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence

from bot.notebook import Notebook
from bot.outputs import Effect
from bot.state import ConversationState

NOTE_SLOT = "note_id"  # the note that follow-up answers go to


def effect_id(key: str, update_ref: str | None, index: int) -> str:
    """Return a row id: derived from the update when there is one, so a redelivered update writes nothing new."""
    if update_ref is None:
        return uuid.uuid4().hex
    return hashlib.sha256(f"{key}\x00{update_ref}\x00{index}".encode()).hexdigest()[:32]


async def apply_effects(
    notebook: Notebook, key: str, update_ref: str | None, effects: Sequence[Effect], state: ConversationState
) -> ConversationState:
    """Store what the effects ask for, each committed before this returns; return the state to save."""
    for index, effect in enumerate(effects):
        row_id = effect_id(key, update_ref, index)
        if effect.action == "save_note":
            note = await notebook.add(key, effect.text, effect.sent_at, note_id=row_id)
            state = state.with_slots({NOTE_SLOT: note.id})
        elif effect.action == "save_answer" and effect.note:
            await notebook.answer(key, effect.note, effect.variables["field"], effect.text, entry_id=row_id)
    return state
