"""The stalking log: notes kept as evidence, encrypted, never overwritten; corrections are amendments."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

from bot.crypto import Vault, seal, unseal
from bot.note_store import EntryRow, NoteRow, NoteStore

# The booklet's log columns after "what happened", then the police diary's extra question.
FIELDS = ("when", "where", "evidence", "police", "impact", "changes", "others", "witnesses")
AMENDMENT = "amendment"


@dataclass(frozen=True)
class Entry:
    """An answer to one of a note's questions, or an amendment, with when it was written."""

    field: str
    saved_at: datetime
    text: str


@dataclass(frozen=True)
class Note:
    """One incident as first written, its first answer to each question, and every later amendment."""

    id: str
    noted_at: datetime
    sent_at: datetime | None
    text: str
    answers: dict[str, Entry] = field(default_factory=dict)
    amendments: tuple[Entry, ...] = ()


class Notebook:
    """Keep each person's notes sealed with their own data key."""

    def __init__(self, store: NoteStore, vault: Vault) -> None:
        self.store = store
        self.vault = vault

    async def _data_key(self, key: str, create: bool) -> bytes | None:
        wrapped = await self.store.wrapped_key(key)
        if wrapped is None and create:
            _, fresh = self.vault.new_data_key(key)
            wrapped = await self.store.add_wrapped_key(key, fresh)
        return self.vault.unwrap(key, wrapped) if wrapped is not None else None

    async def add(
        self,
        key: str,
        text: str,
        sent_at: datetime | None = None,
        now: datetime | None = None,
        note_id: str | None = None,
    ) -> Note:
        """Save a new note (once per id); it is committed when this returns."""
        data_key = await self._data_key(key, create=True)
        assert data_key is not None
        note_id = note_id or uuid.uuid4().hex
        noted_at = (now or datetime.now(UTC)).astimezone(UTC).isoformat()
        sent = sent_at.astimezone(UTC).isoformat() if sent_at else None
        body = seal(data_key, text.encode(), _note_place(key, note_id, noted_at, sent))
        await self.store.add_note(key, NoteRow(note_id, noted_at, sent, body))
        return Note(note_id, datetime.fromisoformat(noted_at), _time(sent), text)

    async def answer(
        self,
        key: str,
        note_id: str,
        field_name: str,
        text: str,
        now: datetime | None = None,
        entry_id: str | None = None,
    ) -> bool:
        """Save an answer; if the question was answered before, keep this as an amendment of it."""
        if field_name not in FIELDS:
            raise ValueError(f"unknown field {field_name!r}")
        answered = any(n.id == note_id and field_name in n.answers for n in await self.notes(key))
        kind = AMENDMENT if answered else "answer"
        return await self._add_entry(key, note_id, kind, field_name, text, now, entry_id)

    async def amend(self, key: str, note_id: str, text: str, now: datetime | None = None) -> bool:
        """Add an amendment to a note, kept with its own time; the original is never changed."""
        return await self._add_entry(key, note_id, AMENDMENT, "text", text, now)

    async def _add_entry(
        self,
        key: str,
        note_id: str,
        kind: str,
        field_name: str,
        text: str,
        now: datetime | None,
        entry_id: str | None = None,
    ) -> bool:
        data_key = await self._data_key(key, create=False)
        if data_key is None:
            return False
        entry_id = entry_id or uuid.uuid4().hex
        saved_at = (now or datetime.now(UTC)).astimezone(UTC).isoformat()
        value = seal(data_key, text.encode(), _entry_place(key, note_id, entry_id, kind, field_name, saved_at))
        return await self.store.add_entry(key, EntryRow(entry_id, note_id, kind, field_name, saved_at, value))

    async def notes(self, key: str) -> list[Note]:
        """Return a person's notes, newest first, decrypted."""
        data_key = await self._data_key(key, create=False)
        if data_key is None:
            return []
        entries: dict[str, list[EntryRow]] = {}
        for row in await self.store.entries(key):
            entries.setdefault(row.note_id, []).append(row)
        return [self._open_note(key, data_key, row, entries.get(row.id, [])) for row in await self.store.notes(key)]

    def _open_note(self, key: str, data_key: bytes, row: NoteRow, rows: list[EntryRow]) -> Note:
        text = unseal(data_key, row.body, _note_place(key, row.id, row.noted_at, row.sent_at)).decode()
        answers: dict[str, Entry] = {}
        amendments: list[Entry] = []
        for e in rows:
            plain = unseal(data_key, e.value, _entry_place(key, e.note_id, e.id, e.kind, e.field, e.saved_at))
            entry = Entry(e.field, datetime.fromisoformat(e.saved_at), plain.decode())
            if e.kind == AMENDMENT:
                amendments.append(entry)
            else:
                answers.setdefault(e.field, entry)
        return Note(row.id, datetime.fromisoformat(row.noted_at), _time(row.sent_at), text, answers, tuple(amendments))

    async def delete(self, key: str, note_id: str) -> bool:
        """Delete one note and everything attached to it."""
        return await self.store.delete_note(key, note_id)

    async def forget(self, key: str) -> None:
        """Delete everything of this person, starting with the key that could read it."""
        await self.store.forget(key)


def _note_place(key: str, note_id: str, noted_at: str, sent_at: str | None) -> str:
    return f"notes:{key}:{note_id}:{noted_at}:{sent_at or ''}"


def _entry_place(key: str, note_id: str, entry_id: str, kind: str, field_name: str, saved_at: str) -> str:
    return f"note_entries:{key}:{note_id}:{entry_id}:{kind}:{field_name}:{saved_at}"


def _time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None
