"""The log's storage: encrypted, never overwritten, and gone after forgetting."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.engine.state import ConversationState
from bot.log.notebook import Notebook
from bot.store.crypto import Vault, load_master_key
from bot.store.notes import NoteStore
from bot.store.sqlite import DATABASE_FILE, Store

CANARY = "canary-7f3a-purple-giraffe"


@pytest.fixture
async def book(tmp_path: Path) -> AsyncIterator[Notebook]:
    store = await Store.open(tmp_path)
    yield Notebook(NoteStore(store), Vault(load_master_key(tmp_path)))
    await store.close()


def database_bytes(directory: Path) -> bytes:
    return b"".join(p.read_bytes() for p in directory.glob(f"{DATABASE_FILE}*"))


async def test_a_note_keeps_its_text_and_both_times(book: Notebook) -> None:
    sent = datetime(2026, 11, 20, 17, 30, tzinfo=UTC)
    saved = await book.add("alice", "He was outside the gym.", sent_at=sent)
    [note] = await book.notes("alice")
    assert note == saved
    assert (note.text, note.sent_at) == ("He was outside the gym.", sent)
    assert await book.notes("bob") == []


async def test_notes_are_listed_newest_first(book: Notebook) -> None:
    now = datetime.now(UTC)
    for days in (3, 1, 2):
        await book.add("alice", f"{days} days ago", now=now - timedelta(days=days))
    assert [n.text for n in await book.notes("alice")] == ["1 days ago", "2 days ago", "3 days ago"]


async def test_answers_fill_the_columns_and_a_second_answer_is_an_amendment(book: Notebook) -> None:
    note = await book.add("alice", "Flowers left on the doorstep.")
    assert await book.answer("alice", note.id, "where", "Home")
    assert await book.answer("alice", note.id, "where", "Home, front door")
    assert await book.amend("alice", note.id, "It was Tuesday, not Monday.")
    [stored] = await book.notes("alice")
    assert stored.text == "Flowers left on the doorstep."
    assert stored.answers["where"].text == "Home"
    assert [(a.field, a.text) for a in stored.amendments] == [
        ("where", "Home, front door"),
        ("text", "It was Tuesday, not Monday."),
    ]


async def test_nobody_can_answer_someone_elses_note(book: Notebook) -> None:
    note = await book.add("alice", "x")
    await book.add("bob", "y")
    assert not await book.answer("bob", note.id, "where", "z")
    assert not await book.amend("carol", note.id, "z")
    with pytest.raises(ValueError):
        await book.answer("alice", note.id, "favourite_colour", "z")


async def test_no_note_text_is_stored_in_plain(book: Notebook, tmp_path: Path) -> None:
    note = await book.add("alice", f"note {CANARY}")
    await book.answer("alice", note.id, "impact", f"answer {CANARY}")
    await book.store.store.checkpoint()
    assert CANARY.encode() not in database_bytes(tmp_path)
    assert len((await book.notes("alice"))[0].text) > 0


async def test_a_ciphertext_moved_to_another_row_does_not_open(book: Notebook, tmp_path: Path) -> None:
    first = await book.add("alice", "first")
    second = await book.add("alice", "second")
    with sqlite3.connect(tmp_path / DATABASE_FILE) as db:
        body = db.execute("SELECT body FROM notes WHERE id = ?", (first.id,)).fetchone()[0]
        db.execute("UPDATE notes SET body = ? WHERE id = ?", (body, second.id))
    with pytest.raises(ValueError, match="cannot decrypt"):
        await book.notes("alice")


async def test_deleting_a_note_removes_it_and_its_answers(book: Notebook) -> None:
    keep = await book.add("alice", "keep")
    gone = await book.add("alice", "gone")
    await book.answer("alice", gone.id, "where", "somewhere")
    assert await book.delete("alice", gone.id)
    assert not await book.delete("bob", keep.id)
    assert [n.id for n in await book.notes("alice")] == [keep.id]


async def test_forget_leaves_nothing_in_the_db_wal_or_shm(book: Notebook, tmp_path: Path) -> None:
    store = book.store.store
    await store.save_state("alice", ConversationState(node="menu.main").with_slots({"who": CANARY}))
    note = await book.add("alice", f"note {CANARY}")
    await book.answer("alice", note.id, "where", CANARY)
    await book.add_evidence("alice", note.id, f"photo bytes {CANARY}".encode(), {"kind": "photo", "caption": CANARY})
    await book.add("bob", "bob's note")
    assert CANARY.encode() in database_bytes(tmp_path)  # this store seals no states, so the slot is plain
    await book.forget("alice")
    assert CANARY.encode() not in database_bytes(tmp_path)
    assert await book.notes("alice") == [] and await book.evidence("alice") == []
    assert await store.load_state("alice") is None
    assert [n.text for n in await book.notes("bob")] == ["bob's note"]
    with sqlite3.connect(tmp_path / DATABASE_FILE) as db:
        assert db.execute("SELECT count(*) FROM data_keys WHERE key = 'alice'").fetchone()[0] == 0
        assert db.execute("SELECT count(*) FROM evidence").fetchone()[0] == 0
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
