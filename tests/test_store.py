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
