"""The stalking log: notes kept as evidence, encrypted, never overwritten; corrections are amendments."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from bot.store.crypto import Vault, seal, unseal
from bot.store.notes import EntryRow, EvidenceReader, EvidenceRow, NoteRow, NoteStore

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
class Evidence:
    """A file kept for a note: what kind it is, when it came, and (when asked for) its bytes."""

    id: str
    note_id: str
    saved_at: datetime
    sent_at: datetime | None
    kind: str
    mime: str
    name: str
    caption: str
    size: int
    data: bytes = b""
    detected: str = ""  # the type its bytes show (evidence.identify), never the name or the declared type


@dataclass(frozen=True)
class Note:
    """One incident as first written, its first answer to each question, and every later amendment."""

    id: str
    noted_at: datetime
    sent_at: datetime | None
    text: str
    answers: dict[str, Entry] = field(default_factory=dict)
    amendments: tuple[Entry, ...] = ()
    evidence: tuple[Evidence, ...] = ()

    def latest(self, field_name: str) -> Entry | None:
        """Return the newest word on a question: its last amendment, else its answer."""
        amended = [a for a in self.amendments if a.field == field_name]
        return amended[-1] if amended else self.answers.get(field_name)


@dataclass(frozen=True)
class Originals:
    """Where a person's files are and the keys to read them, for a worker process that reads them itself."""

    database: Path
    key: str
    data_key: bytes = field(repr=False)


@contextmanager
def reading(originals: Originals) -> Iterator[Callable[[Evidence], bytes]]:
    """Give a function that reads and decrypts one file at a time (in this process, from the database)."""
    reader = EvidenceReader(originals.database)

    def read(item: Evidence) -> bytes:
        sealed = reader.body(originals.key, item.id)
        if sealed is None:
            raise LookupError("a file is no longer kept")
        place = _evidence_place(originals.key, item.note_id, item.id, item.saved_at.isoformat(), _iso(item.sent_at))
        return unseal(originals.data_key, sealed, place)

    try:
        yield read
    finally:
        reader.close()


class Notebook:
    """Keep each person's notes sealed with their own data key."""

    def __init__(self, store: NoteStore, vault: Vault) -> None:
        self.store = store
        self.vault = vault

    async def data_key(self, key: str, create: bool) -> bytes | None:
        """Return a person's data key, made and stored first when asked to create it."""
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
        data_key = await self.data_key(key, create=True)
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
        answered = any(field_name in n.answers for n in await self.notes(key, note_id))
        kind = AMENDMENT if answered else "answer"
        return await self._add_entry(key, note_id, kind, field_name, text, now, entry_id)

    async def amend(
        self, key: str, note_id: str, text: str, now: datetime | None = None, entry_id: str | None = None
    ) -> bool:
        """Add an amendment to a note, kept with its own time; the original is never changed."""
        return await self._add_entry(key, note_id, AMENDMENT, "text", text, now, entry_id)

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
        data_key = await self.data_key(key, create=False)
        if data_key is None:
            return False
        entry_id = entry_id or uuid.uuid4().hex
        saved_at = (now or datetime.now(UTC)).astimezone(UTC).isoformat()
        value = seal(data_key, text.encode(), _entry_place(key, note_id, entry_id, kind, field_name, saved_at))
        return await self.store.add_entry(key, EntryRow(entry_id, note_id, kind, field_name, saved_at, value))

    async def add_evidence(
        self,
        key: str,
        note_id: str,
        data: bytes,
        details: dict[str, str],
        sent_at: datetime | None = None,
        evidence_id: str | None = None,
    ) -> bool:
        """Keep a file for a note, sealed with what kind it is; False if the note is not theirs."""
        data_key = await self.data_key(key, create=False)
        if data_key is None:
            return False
        evidence_id = evidence_id or uuid.uuid4().hex
        saved_at = datetime.now(UTC).isoformat()
        sent = sent_at.astimezone(UTC).isoformat() if sent_at else None
        meta = json.dumps({**details, "size": len(data)}).encode()
        place = _evidence_place(key, note_id, evidence_id, saved_at, sent)
        row = EvidenceRow(
            evidence_id, note_id, saved_at, sent, seal(data_key, meta, place + ":meta"), seal(data_key, data, place)
        )
        return await self.store.add_evidence(key, row)

    async def notes(self, key: str, note_id: str | None = None) -> list[Note]:
        """Return a person's notes (or just one), newest first, decrypted, with what files each has."""
        data_key = await self.data_key(key, create=False)
        if data_key is None:
            return []
        entries: dict[str, list[EntryRow]] = {}
        for row in await self.store.entries(key, note_id):
            entries.setdefault(row.note_id, []).append(row)
        files: dict[str, list[Evidence]] = {}
        for item in await self.evidence(key):
            files.setdefault(item.note_id, []).append(item)
        return [
            self._open_note(key, data_key, row, entries.get(row.id, []), files.get(row.id, []))
            for row in await self.store.notes(key, note_id)
        ]

    async def evidence(self, key: str, with_data: bool = False) -> list[Evidence]:
        """Return the files kept for a person's notes, oldest first; their bytes only when asked for."""
        data_key = await self.data_key(key, create=False)
        if data_key is None:
            return []
        found = []
        for row in await self.store.evidence(key, with_data):
            place = _evidence_place(key, row.note_id, row.id, row.saved_at, row.sent_at)
            meta = json.loads(unseal(data_key, row.meta, place + ":meta"))
            data = unseal(data_key, row.body, place) if with_data else b""
            found.append(
                Evidence(
                    row.id,
                    row.note_id,
                    datetime.fromisoformat(row.saved_at),
                    _time(row.sent_at),
                    **{k: str(meta.get(k, "")) for k in ("kind", "mime", "name", "caption")},
                    size=int(meta.get("size", 0)),
                    data=data,
                    detected=str(meta.get("type", "")),
                )
            )
        return found

    async def originals(self, key: str) -> Originals | None:
        """Return what an export's worker process needs to read this person's files itself, if they have any."""
        data_key = await self.data_key(key, create=False)
        return None if data_key is None else Originals(self.store.store.path, key, data_key)

    def _open_note(self, key: str, data_key: bytes, row: NoteRow, rows: list[EntryRow], files: list[Evidence]) -> Note:
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
        noted_at = datetime.fromisoformat(row.noted_at)
        return Note(row.id, noted_at, _time(row.sent_at), text, answers, tuple(amendments), tuple(files))

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


def _evidence_place(key: str, note_id: str, evidence_id: str, saved_at: str, sent_at: str | None) -> str:
    return f"evidence:{key}:{note_id}:{evidence_id}:{saved_at}:{sent_at or ''}"


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None
