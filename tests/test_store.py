import sqlite3
import stat
from pathlib import Path

import pytest

from bot.state import ConversationState
from bot.store import DATABASE_FILE, MIGRATIONS, Store


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

    def advance(state: ConversationState | None) -> tuple[ConversationState, str]:
        turns = (state or ConversationState()).turns + 1
        return ConversationState(node="menu.main", turns=turns), f"turn {turns}"

    assert await store.apply_turn("k", "telegram:1", advance) == (True, "turn 1")
    assert await store.apply_turn("k", "telegram:1", advance) == (False, None)
    assert await store.apply_turn("k", "telegram:2", advance) == (True, "turn 2")
    assert await store.apply_turn("k", None, advance) == (True, "turn 3")
    assert (await store.load_state("k") or ConversationState()).turns == 3
    await store.close()


async def test_a_failed_turn_saves_nothing(tmp_path: Path) -> None:
    store = await Store.open(tmp_path)

    def broken(state: ConversationState | None) -> tuple[ConversationState, str]:
        raise ValueError("boom")

    with pytest.raises(ValueError):
        await store.apply_turn("k", "telegram:9", broken)
    assert await store.load_state("k") is None
    assert await store.apply_turn("k", "telegram:9", lambda s: (ConversationState(), "ok")) == (True, "ok")
    await store.close()


async def test_old_update_ids_are_forgotten(tmp_path: Path) -> None:
    from datetime import UTC, datetime, timedelta

    store = await Store.open(tmp_path)
    await store.apply_turn("k", "telegram:1", lambda s: (ConversationState(), None))
    assert await store.forget_old_updates(datetime.now(UTC) + timedelta(days=8)) == 1
    assert await store.forget_old_updates() == 0
    await store.close()


async def test_message_ids_are_tracked_and_forgotten(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    store = await Store.open(tmp_path)
    now = datetime.now(UTC)
    await store.track_messages("k", [(3, now), (1, now), (3, now)])
    assert [m for m, _ in await store.tracked_messages("k")] == [1, 3]
    await store.untrack_messages("k", [1])
    assert [m for m, _ in await store.tracked_messages("k")] == [3]
    assert await store.tracked_messages("other") == []
    await store.close()
