"""Storage faults (disk full, a read-only database, a locked database): never a false confirmation; recovery."""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable, Callable

import pytest

from bot.platforms.telegram.app import PLATFORM
from bot.store.sqlite import DATABASE_FILE
from tests.telegram_harness import ALICE, Running, say

NOT_SAVED = "Sorry, that could not be saved just now, so nothing was recorded."


async def pragma(running: Running, statement: str) -> None:
    async with running.bot.service.store.reading() as db:
        await db.execute(statement)


async def disk_full(running: Running) -> Callable[[], Awaitable[None]]:
    async with running.bot.service.store.reading() as db, db.execute("PRAGMA page_count") as cursor:
        row = await cursor.fetchone()
    assert row is not None
    await pragma(running, f"PRAGMA max_page_count={row[0]}")
    return lambda: pragma(running, "PRAGMA max_page_count=1073741823")


async def read_only(running: Running) -> Callable[[], Awaitable[None]]:
    await pragma(running, "PRAGMA query_only=ON")
    return lambda: pragma(running, "PRAGMA query_only=OFF")


async def locked(running: Running) -> Callable[[], Awaitable[None]]:
    other = sqlite3.connect(running.settings.data_dir / DATABASE_FILE, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")  # another process holding the write lock past the 5 s busy timeout

    async def release() -> None:
        other.execute("ROLLBACK")
        other.close()

    return release


@pytest.mark.parametrize("fault", [disk_full, read_only, locked], ids=["disk_full", "read_only", "locked"])
async def test_a_storage_fault_never_confirms_and_the_bot_recovers(
    running: Running, fault: Callable[[Running], Awaitable[Callable[[], Awaitable[None]]]]
) -> None:
    service = running.bot.service
    await say(running, ALICE, "/start")
    text = "he was outside again " + "and again " * 400  # needs new pages, so a full disk refuses it
    clear = await fault(running)
    try:
        reply = await say(running, ALICE, f"/note {text}")
    finally:
        await clear()
    assert reply.startswith(NOT_SAVED) and "Saved." not in reply
    assert not any(t.startswith("Saved.") for t in running.fake.texts(ALICE))
    key = service.pseudonymiser.key(PLATFORM, ALICE)
    assert await service.notebook.notes(key) == []
    reply = await say(running, ALICE, f"/note {text}")
    assert reply.startswith("Saved.")
    assert [n.text for n in await service.notebook.notes(key)] == [text.strip()]
    async with service.store.reading() as db, db.execute("PRAGMA integrity_check") as cursor:
        assert await cursor.fetchone() == ("ok",)
