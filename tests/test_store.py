import sqlite3
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.engine.state import ConversationState
from bot.store.schema import MIGRATIONS
from bot.store.sqlite import DATABASE_FILE, StorageError, Store


async def test_state_is_saved_and_survives_reopening(tmp_path: Path) -> None:
    store = await Store.open(tmp_path)
    state = ConversationState(node="menu.main", turns=2).with_slots({"who": "ex"})
    await store.save_state("k1", state)
    await store.close()
    reopened = await Store.open(tmp_path)
    assert await reopened.load_state("k1") == state
    assert await reopened.load_state("other") is None
    await reopened.close()


async def test_schema_is_migrated_to_the_latest_version_in_wal_mode(tmp_path: Path) -> None:
    store = await Store.open(tmp_path)
    assert await store.schema_version() == len(MIGRATIONS)
    await store.close()
    with sqlite3.connect(tmp_path / DATABASE_FILE) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)


async def test_database_from_newer_code_is_refused(tmp_path: Path) -> None:
    await (await Store.open(tmp_path)).close()
    with sqlite3.connect(tmp_path / DATABASE_FILE) as db:
        db.execute(f"PRAGMA user_version={len(MIGRATIONS) + 1}")
    with pytest.raises(RuntimeError, match="newer"):
        await Store.open(tmp_path)


async def test_database_file_is_private(tmp_path: Path) -> None:
    store = await Store.open(tmp_path / "data")
    await store.close()
    assert stat.S_IMODE((tmp_path / "data" / DATABASE_FILE).stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "data").stat().st_mode) == 0o700


async def test_a_turn_with_the_same_update_takes_effect_once(tmp_path: Path) -> None:
    store = await Store.open(tmp_path)
    first, second = ConversationState(node="menu.main", turns=1), ConversationState(node="menu.main", turns=2)
    assert await store.commit_turn("k", "telegram:1", first) is True
    assert await store.commit_turn("k", "telegram:1", second) is False
    assert await store.load_state("k") == first
    assert await store.commit_turn("k", "telegram:2", second) is True
    assert await store.commit_turn("k", None, ConversationState(turns=3)) is True
    assert (await store.load_state("k") or ConversationState()).turns == 3
    await store.close()


async def test_a_turn_loads_whether_it_was_handled_with_the_state(tmp_path: Path) -> None:
    store = await Store.open(tmp_path)
    assert await store.load_turn("k", "telegram:1") == (False, None)
    state = ConversationState(node="menu.main", turns=1)
    await store.commit_turn("k", "telegram:1", state)
    assert await store.load_turn("k", "telegram:1") == (True, state)
    assert await store.load_turn("k", "telegram:2") == (False, state)
    assert await store.load_turn("k", None) == (False, state)
    await store.close()


async def test_a_turn_keeps_the_message_it_came_in_once(tmp_path: Path) -> None:
    store = await Store.open(tmp_path)
    now = datetime.now(UTC).replace(microsecond=0)
    assert await store.commit_turn("k", "telegram:1", ConversationState(), [(4, now)]) is True
    assert await store.commit_turn("k", "telegram:1", ConversationState(), [(5, now)]) is False
    assert await store.tracked_messages("k") == [(4, now)]
    await store.close()


async def test_a_turn_that_cannot_be_saved_records_nothing(tmp_path: Path) -> None:
    store = await Store.open(tmp_path)
    async with store.reading() as db:
        await db.execute("PRAGMA query_only=ON")
    with pytest.raises(StorageError) as raised:
        await store.commit_turn("k", "telegram:9", ConversationState(turns=1), [(1, datetime.now(UTC))])
    assert isinstance(raised.value.__cause__, sqlite3.OperationalError)
    async with store.reading() as db:
        await db.execute("PRAGMA query_only=OFF")
    assert await store.load_state("k") is None
    assert await store.was_handled("telegram:9") is False
    assert await store.tracked_messages("k") == []
    assert await store.commit_turn("k", "telegram:9", ConversationState(turns=1)) is True
    await store.close()


async def test_one_or_many_message_ids_are_tracked(tmp_path: Path) -> None:
    store = await Store.open(tmp_path)
    now = datetime.now(UTC).replace(microsecond=0)
    await store.track_messages("k", [(5, now)])
    await store.track_messages("k", [(5, now)])
    await store.track_messages("k", [(7, now), (6, now)])
    assert await store.tracked_messages("k") == [(5, now), (6, now), (7, now)]
    await store.close()


async def test_old_update_ids_are_forgotten(tmp_path: Path) -> None:
    store = await Store.open(tmp_path)
    await store.commit_turn("k", "telegram:1", ConversationState())
    assert await store.forget_old_updates(datetime.now(UTC) + timedelta(days=8)) == 1
    assert await store.forget_old_updates() == 0
    await store.close()


async def test_message_ids_are_tracked_and_forgotten(tmp_path: Path) -> None:
    store = await Store.open(tmp_path)
    now = datetime.now(UTC)
    await store.track_messages("k", [(3, now), (1, now), (3, now)])
    assert [m for m, _ in await store.tracked_messages("k")] == [1, 3]
    await store.untrack_messages("k", [1])
    assert [m for m, _ in await store.tracked_messages("k")] == [3]
    assert await store.tracked_messages("other") == []
    await store.close()
