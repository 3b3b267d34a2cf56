"""The plan's storage: sealed with the person's data key, one current version a part, ticks, clearing, forgetting."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.log.notebook import Notebook
from bot.log.plan import PlanBook, is_ticked
from bot.store.crypto import Vault, load_master_key
from bot.store.notes import NoteStore
from bot.store.plan import PlanStore
from bot.store.sqlite import DATABASE_FILE, Store

CANARY = "canary-plan-5e1d-otter"


@pytest.fixture
async def book(tmp_path: Path) -> AsyncIterator[PlanBook]:
    store = await Store.open(tmp_path)
    yield PlanBook(Notebook(NoteStore(store), Vault(load_master_key(tmp_path))), PlanStore(store))
    await store.close()


def database_bytes(directory: Path) -> bytes:
    return b"".join(p.read_bytes() for p in directory.glob(f"{DATABASE_FILE}*"))


async def test_a_part_is_kept_and_a_new_answer_replaces_it(book: PlanBook, tmp_path: Path) -> None:
    await book.put("alice", "buddy", "Sam, my sister")
    await book.put("alice", "buddy", "Jo, next door")
    plan = await book.plan("alice")
    assert plan["buddy"].text == "Jo, next door"
    with sqlite3.connect(tmp_path / DATABASE_FILE) as db:
        assert db.execute("SELECT COUNT(*) FROM plan_items").fetchone()[0] == 1  # only the current version
    assert await book.plan("bob") == {}


async def test_unknown_parts_are_refused(book: PlanBook) -> None:
    with pytest.raises(ValueError):
        await book.put("alice", "nonsense", "x")
    with pytest.raises(ValueError):
        await book.tick("alice", "buddy", "press-1")


async def test_a_tick_turns_over_once_per_press(book: PlanBook) -> None:
    assert await book.tick("alice", "privacy", "press-1") is True
    assert await book.tick("alice", "privacy", "press-1") is True  # the same press delivered again
    assert is_ticked(await book.plan("alice"), "privacy")
    assert await book.tick("alice", "privacy", "press-2") is False
    assert not is_ticked(await book.plan("alice"), "privacy")


async def test_clearing_a_section_deletes_only_its_parts(book: PlanBook) -> None:
    await book.put("alice", "buddy", "Sam")
    await book.put("alice", "told", "work")
    await book.put("alice", "places", "the Co-op")
    await book.clear("alice", "people")
    assert set(await book.plan("alice")) == {"places"}


async def test_the_persons_words_never_reach_the_database_file(book: PlanBook, tmp_path: Path) -> None:
    await book.put("alice", "go_to", f"{CANARY} the petrol station")
    await book.store.store.checkpoint()
    assert CANARY.encode() not in database_bytes(tmp_path)
    assert (await book.plan("alice"))["go_to"].text == f"{CANARY} the petrol station"


async def test_forgetting_a_person_deletes_their_plan_and_its_key(book: PlanBook, tmp_path: Path) -> None:
    await book.put("alice", "routine", CANARY)
    await book.put("bob", "routine", "bob's own")
    await book.notebook.forget("alice")
    assert await book.plan("alice") == {}
    assert (await book.plan("bob"))["routine"].text == "bob's own"
    with sqlite3.connect(tmp_path / DATABASE_FILE) as db:
        assert db.execute("SELECT COUNT(*) FROM plan_items WHERE key = 'alice'").fetchone()[0] == 0
