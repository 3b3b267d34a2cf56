"""SQL for the stalking log: notes, their answers and amendments, and per-person wrapped keys (and forgetting
all of a person, their plan too).

Values arrive here already sealed; this module stores bytes and never sees plain text.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

import aiosqlite

from bot.store.sqlite import Store


@dataclass(frozen=True)
class NoteRow:
    """A stored note: its original text, sealed."""

    id: str
    noted_at: str
    sent_at: str | None
    body: bytes


@dataclass(frozen=True)
class EntryRow:
    """A stored answer or amendment to a note, sealed."""

    id: str
    note_id: str
    kind: str
    field: str
    saved_at: str
    value: bytes


@dataclass(frozen=True)
class EvidenceRow:
    """A stored file kept as evidence for a note: what it is (sealed) and its bytes (sealed)."""

    id: str
    note_id: str
    saved_at: str
    sent_at: str | None
    meta: bytes
    body: bytes


class NoteStore:
    """The log's tables, on the bot's one database connection."""

    def __init__(self, store: Store) -> None:
        self.store = store

    async def wrapped_key(self, key: str) -> bytes | None:
        """Return a person's wrapped data key, if they have one."""
        async with self.store.reading() as db:
            rows = list(await db.execute_fetchall("SELECT wrapped FROM data_keys WHERE key = ?", (key,)))
        return bytes(rows[0][0]) if rows else None

    async def add_wrapped_key(self, key: str, wrapped: bytes) -> bytes:
        """Store a wrapped data key unless one exists; return the one that is stored."""
        async with self.store.transaction() as db:
            await db.execute("INSERT OR IGNORE INTO data_keys (key, wrapped) VALUES (?, ?)", (key, wrapped))
            rows = list(await db.execute_fetchall("SELECT wrapped FROM data_keys WHERE key = ?", (key,)))
        return bytes(rows[0][0])

    async def add_note(self, key: str, note: NoteRow) -> None:
        """Store a new note (a second with the same id is ignored); committed before this returns."""
        async with self.store.transaction() as db:
            await db.execute(
                "INSERT OR IGNORE INTO notes (id, key, noted_at, sent_at, body) VALUES (?, ?, ?, ?, ?)",
                (note.id, key, note.noted_at, note.sent_at, note.body),
            )

    async def add_entry(self, key: str, entry: EntryRow) -> bool:
        """Store an answer or amendment to one of this person's notes; False if the note is not theirs."""
        async with self.store.transaction() as db:
            if not await _owns(db, key, entry.note_id):
                return False
            await db.execute(
                "INSERT OR IGNORE INTO note_entries (id, note_id, kind, field, saved_at, value) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (entry.id, entry.note_id, entry.kind, entry.field, entry.saved_at, entry.value),
            )
        return True

    async def add_evidence(self, key: str, evidence: EvidenceRow) -> bool:
        """Store a file for one of this person's notes (once per id); False if the note is not theirs."""
        async with self.store.transaction() as db:
            if not await _owns(db, key, evidence.note_id):
                return False
            await db.execute(
                "INSERT OR IGNORE INTO evidence (id, note_id, saved_at, sent_at, meta, body) VALUES (?, ?, ?, ?, ?, ?)",
                (evidence.id, evidence.note_id, evidence.saved_at, evidence.sent_at, evidence.meta, evidence.body),
            )
        return True

    async def notes(self, key: str, note_id: str | None = None) -> list[NoteRow]:
        """Return a person's notes (or just one of them), newest first."""
        sql = "SELECT id, noted_at, sent_at, body FROM notes WHERE key = ?"
        args: tuple[str, ...] = (key,)
        if note_id is not None:
            sql, args = sql + " AND id = ?", (key, note_id)
        async with self.store.reading() as db:
            rows = await db.execute_fetchall(sql + " ORDER BY noted_at DESC, id", args)
        return [NoteRow(r[0], r[1], r[2], bytes(r[3])) for r in rows]

    async def entries(self, key: str, note_id: str | None = None) -> list[EntryRow]:
        """Return every answer and amendment of a person's notes (or of one note), oldest first."""
        sql = (
            "SELECT e.id, e.note_id, e.kind, e.field, e.saved_at, e.value FROM note_entries e "
            "JOIN notes n ON n.id = e.note_id WHERE n.key = ?"
        )
        args: tuple[str, ...] = (key,)
        if note_id is not None:
            sql, args = sql + " AND n.id = ?", (key, note_id)
        async with self.store.reading() as db:
            rows = await db.execute_fetchall(sql + " ORDER BY e.saved_at, e.id", args)
        return [EntryRow(r[0], r[1], r[2], r[3], r[4], bytes(r[5])) for r in rows]

    async def evidence(self, key: str, with_bodies: bool = False) -> list[EvidenceRow]:
        """Return the files kept for a person's notes, oldest first (their bytes only when asked for)."""
        body = "e.body" if with_bodies else "x''"
        sql = (
            f"SELECT e.id, e.note_id, e.saved_at, e.sent_at, e.meta, {body} FROM evidence e "
            "JOIN notes n ON n.id = e.note_id WHERE n.key = ? ORDER BY e.saved_at, e.id"
        )
        async with self.store.reading() as db:
            rows = await db.execute_fetchall(sql, (key,))
        return [EvidenceRow(r[0], r[1], r[2], r[3], bytes(r[4]), bytes(r[5])) for r in rows]

    async def delete_note(self, key: str, note_id: str) -> bool:
        """Delete one of this person's notes and everything attached to it."""
        async with self.store.transaction() as db:
            cursor = await db.execute("DELETE FROM notes WHERE id = ? AND key = ?", (note_id, key))
            deleted = cursor.rowcount > 0
        await self.store.checkpoint()
        return deleted

    async def forget(self, key: str) -> None:
        """Delete everything of one person, their data key first, and flush it out of the WAL."""
        async with self.store.transaction() as db:
            await db.execute("DELETE FROM data_keys WHERE key = ?", (key,))
            await db.execute("DELETE FROM notes WHERE key = ?", (key,))
            await db.execute("DELETE FROM plan_items WHERE key = ?", (key,))
            await db.execute("DELETE FROM conversations WHERE key = ?", (key,))
            await db.execute("DELETE FROM return_codes WHERE key = ?", (key,))
        # The ids of messages in their chat are kept (never their text) so that /clear can still delete them.
        await self.store.checkpoint()


async def _owns(db: aiosqlite.Connection, key: str, note_id: str) -> bool:
    return bool(await db.execute_fetchall("SELECT 1 FROM notes WHERE id = ? AND key = ?", (note_id, key)))


class EvidenceReader:
    """Read a person's sealed files from another process (an export's worker): read-only, one file at a time."""

    def __init__(self, path: Path) -> None:
        self._db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        self._db.execute("PRAGMA busy_timeout=5000")

    def body(self, key: str, evidence_id: str) -> bytes | None:
        """Return the sealed bytes of one of a person's files, or None if there is no such file of theirs."""
        sql = "SELECT e.body FROM evidence e JOIN notes n ON n.id = e.note_id WHERE n.key = ? AND e.id = ?"
        row = self._db.execute(sql, (key, evidence_id)).fetchone()
        return bytes(row[0]) if row else None

    def close(self) -> None:
        """Close the connection."""
        self._db.close()
