"""Carry out the engine's effects on the stalking log, idempotently: one update makes one note."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from types import MappingProxyType

from bot.engine.files import MAX_BYTES, EvidenceUnavailable
from bot.engine.model import PLAN_ACTIONS
from bot.engine.outputs import Document, Effect, Message
from bot.engine.state import ConversationState
from bot.engine.templates import TemplateLibrary
from bot.log import evidence_pack
from bot.log.csv_file import export_csv
from bot.log.evidence import identify
from bot.log.export_worker import Exporter, ExportFailed
from bot.log.notebook import Notebook
from bot.log.plan import PlanBook
from bot.log.plan_effects import apply_plan
from bot.log.plan_views import PlanWords
from bot.log.rows import by_incident_time
from bot.log.views import LogLabels, PdfWords

NOTE_SLOT = "note_id"  # the note that follow-up answers, corrections and files go to
EDITED_SLOT = "edited"  # the new words of a changed message, offered as a correction
LOG_SLOTS = ("note_id", "answered", "log_page", "edited", "note_preview")
Fetch = Callable[[str], Awaitable[bytes]]


def note_id_for(key: str, origin: str) -> str:
    """Return the id of the note a message starts: its own message, so an edit of it finds the note."""
    return effect_id(key, f"note-from:{origin}", 0)


def effect_id(key: str, update_ref: str | None, index: int) -> str:
    """Return a row id: derived from the update when there is one, so a redelivered update writes nothing new."""
    if update_ref is None:
        return uuid.uuid4().hex
    return hashlib.sha256(f"{key}\x00{update_ref}\x00{index}".encode()).hexdigest()[:32]


@dataclass
class EffectRun:
    """What carrying out one turn's effects needs, and what it gives back besides the state."""

    notebook: Notebook
    templates: TemplateLibrary
    fetch: Fetch | None = None
    exporter: Exporter | None = None
    documents: list[Document] = field(default_factory=list)
    notices: list[Message] = field(default_factory=list)
    plan: PlanBook | None = None
    plan_words: PlanWords | None = None


async def apply_effects(
    run: EffectRun,
    key: str,
    update_ref: str | None,
    effects: Sequence[Effect],
    state: ConversationState,
    origin: str | None = None,
) -> ConversationState:
    """Store what the effects ask for, each committed before this returns; return the state to save.

    ``origin`` names the message the person sent, when there is one: a note it starts takes its id from it.
    """
    for index, effect in enumerate(effects):
        row_id = effect_id(key, update_ref, index)
        if effect.action == "save_note" and origin:
            row_id = note_id_for(key, origin)
        state = await _apply(run, key, row_id, effect, state)
    return state


async def _apply(run: EffectRun, key: str, row_id: str, effect: Effect, state: ConversationState) -> ConversationState:
    book, note = run.notebook, state.slots.get(NOTE_SLOT, "")
    if effect.action in PLAN_ACTIONS and run.plan is not None and run.plan_words is not None:
        document = await apply_plan(run.plan, key, row_id, effect, run.plan_words, run.templates, run.exporter)
        run.documents.extend([document] if document else [])
        return state
    if effect.action == "save_note":
        saved = await book.add(key, effect.text, effect.sent_at, note_id=row_id)
        return state.with_slots({NOTE_SLOT: saved.id})
    if effect.action in ("save_answer", "correct_answer") and note:
        await book.answer(key, note, effect.variables["field"], effect.text, entry_id=row_id)
    elif effect.action == "amend_note" and note:
        await book.amend(key, note, effect.text, entry_id=row_id)
    elif effect.action == "amend_edited" and note and state.slots.get(EDITED_SLOT):
        await book.amend(key, note, state.slots[EDITED_SLOT], entry_id=row_id)
        return state.with_slots({EDITED_SLOT: ""})
    elif effect.action == "save_evidence" and note:
        data = await _download(run.fetch, effect.text)
        details = {**effect.variables, "type": identify(data)}
        await book.add_evidence(key, note, data, details, effect.sent_at, evidence_id=row_id)
    elif effect.action == "delete_note" and note:
        await book.delete(key, note)
        return state.with_slots({NOTE_SLOT: "", "answered": "", "note_preview": ""})
    elif effect.action == "forget":
        await book.forget(key)
        kept = {name: value for name, value in state.slots.items() if name not in LOG_SLOTS}
        return replace(state, slots=MappingProxyType(kept))
    elif effect.action == "export":
        made = await export(book, key, run.templates, datetime.now(UTC), run.exporter)
        run.documents.extend(made)
        if parts := sum(d.media_type == "application/zip" for d in made):
            run.notices.append(Message("log.pack", run.templates.render("log.pack", {"parts": parts})))
    return state


async def _download(fetch: Fetch | None, ref: str) -> bytes:
    if fetch is None:
        raise EvidenceUnavailable("unavailable")  # this platform cannot fetch files
    data = await fetch(ref)
    if len(data) > MAX_BYTES:
        raise EvidenceUnavailable("too_big")
    return data


async def export(
    book: Notebook, key: str, templates: TemplateLibrary, now: datetime, exporter: Exporter | None = None
) -> list[Document]:
    """Return a person's log as a PDF and a CSV, with neutral file names, and when files were kept, the
    evidence pack (ZIP parts made as they are sent). Files are read, hashed, shrunk and zipped in worker
    processes: the bot process never holds more than one part."""
    exporter = exporter or Exporter()
    notes, originals = await book.notes(key), await book.originals(key)
    numbers = {note.id: number for number, note in enumerate(by_incident_time(notes), start=1)}
    kept = await book.evidence(key)
    async with exporter.worker() as worker:
        packed = await worker.describe(originals, kept, numbers) if originals and kept else []
        files = [replace(p.item, detected=p.detected) for p in packed]  # the type from the bytes, always
        pdf = await worker.pdf(notes, files, PdfWords.render(templates, notes, len(files), now), now)
    stem = f"notes-{now:%Y-%m-%d}"
    table = export_csv(notes, LogLabels.render(templates))
    found = [Document(f"{stem}.pdf", "application/pdf", pdf), Document(f"{stem}.csv", "text/csv", table)]
    if not packed:
        return found

    async def make_part(part: Sequence[evidence_pack.Packed], first: dict[str, bytes]) -> bytes:
        originals = await book.originals(key)  # read again when sent: after "Delete everything" there is none
        if originals is None:
            raise ExportFailed("forgotten")
        async with exporter.worker() as worker:
            return await worker.part(originals, part, first)

    header = templates.render("log.manifest_header", {}).split(",")
    manifest = evidence_pack.manifest(packed, numbers, header)
    first = {f"{stem}.pdf": pdf, f"{stem}.csv": table, "manifest.csv": manifest}
    return found + evidence_pack.documents(stem, first, packed, make_part)
