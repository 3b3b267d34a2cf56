"""Keys that cannot be lost by accident: checked against the database, never silently replaced, rotatable."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from bot.engine.program import Program
from bot.engine.state import ConversationState
from bot.fatal import Exit, KeyProblem
from bot.flows.learned_cache import DIGEST, MAGIC
from bot.service import ChatService
from bot.settings import PROJECT_ROOT, Settings
from bot.store.crypto import MASTER_KEY_FILE
from bot.store.identity import SECRET_FILE
from bot.store.keys import CACHE_PURPOSE, PENDING, learned_cache
from bot.store.sqlite import DATABASE_FILE
from tests.fake_telegram import FakeTelegram
from tests.test_failures import assert_one_clean_line, bot_env, run_bot

KEY_A, KEY_B = (base64.b64encode(bytes([n]) * 32).decode() for n in (1, 2))
NOTE = "canary-note he waited by the gate"


def settings_for(tmp_path: Path, **env: str) -> Settings:
    return Settings.from_env({"BOT_DATA_DIR": str(tmp_path / "data"), **env})


async def write_data(settings: Settings) -> None:
    service = await ChatService.open(settings)
    try:
        key = service.pseudonymiser.key("telegram", 1)
        await service.notebook.add(key, NOTE)
        await service.store.save_state(key, ConversationState(node="menu.main"))
    finally:
        await service.close()


async def read_data(settings: Settings) -> tuple[list[str], str]:
    service = await ChatService.open(settings)
    try:
        key = service.pseudonymiser.key("telegram", 1)
        state = await service.store.load_state(key)
        assert state is not None
        return [n.text for n in await service.notebook.notes(key)], state.node
    finally:
        await service.close()


async def test_a_wrong_master_key_refuses_to_start(tmp_path: Path) -> None:
    await write_data(settings_for(tmp_path, BOT_MASTER_KEY=KEY_A))
    with pytest.raises(KeyProblem, match=r"not the one bot\.db was written with"):
        await ChatService.open(settings_for(tmp_path, BOT_MASTER_KEY=KEY_B))
    assert await read_data(settings_for(tmp_path, BOT_MASTER_KEY=KEY_A)) == ([NOTE], "menu.main")


async def test_a_database_from_before_key_checks_is_checked_against_its_data(tmp_path: Path) -> None:
    await write_data(settings_for(tmp_path, BOT_MASTER_KEY=KEY_A))
    with sqlite3.connect(tmp_path / "data" / DATABASE_FILE) as db:
        db.execute("DELETE FROM key_check")
    with pytest.raises(KeyProblem, match="does not open the data"):
        await ChatService.open(settings_for(tmp_path, BOT_MASTER_KEY=KEY_B))
    assert await read_data(settings_for(tmp_path, BOT_MASTER_KEY=KEY_A)) == ([NOTE], "menu.main")


@pytest.mark.parametrize("name", [MASTER_KEY_FILE, SECRET_FILE])
async def test_a_missing_key_file_with_data_refuses_and_makes_no_new_key(tmp_path: Path, name: str) -> None:
    settings = settings_for(tmp_path)
    await write_data(settings)
    (tmp_path / "data" / name).unlink()
    with pytest.raises(KeyProblem, match=r"missing but bot\.db holds data"):
        await ChatService.open(settings)
    assert not (tmp_path / "data" / name).exists()


async def test_a_wrong_identity_key_refuses_to_start(tmp_path: Path) -> None:
    settings = settings_for(tmp_path)
    await write_data(settings)
    (tmp_path / "data" / SECRET_FILE).write_bytes(os.urandom(32))
    with pytest.raises(KeyProblem, match="identity key"):
        await ChatService.open(settings)


async def test_keys_can_live_outside_the_data_directory(tmp_path: Path) -> None:
    settings = settings_for(tmp_path, BOT_KEYS_DIR=str(tmp_path / "keys"))
    await write_data(settings)
    assert sorted(p.name for p in (tmp_path / "keys").iterdir()) == [SECRET_FILE, MASTER_KEY_FILE]
    assert not any(p.name.endswith(".key") for p in (tmp_path / "data").iterdir())
    with pytest.raises(KeyProblem):  # a copy of the data directory alone opens nothing
        await ChatService.open(settings_for(tmp_path))
    assert await read_data(settings) == ([NOTE], "menu.main")


def rotate(env: dict[str, str]) -> tuple[int, str, str]:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "keys", "rotate"],
        cwd=PROJECT_ROOT, env={**os.environ, **env}, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    return result.returncode, result.stdout, result.stderr


async def test_rotation_rewraps_everything_and_the_old_key_no_longer_opens(tmp_path: Path) -> None:
    settings = settings_for(tmp_path)
    await write_data(settings)
    old = (tmp_path / "data" / MASTER_KEY_FILE).read_bytes()
    status, out, err = await asyncio.to_thread(rotate, {"BOT_DATA_DIR": str(tmp_path / "data")})
    assert status == 0, err
    assert out.startswith("rotated 1 data keys and 1 places")
    assert (tmp_path / "data" / MASTER_KEY_FILE).read_bytes() != old
    assert not (tmp_path / "data" / PENDING).exists()
    assert await read_data(settings) == ([NOTE], "menu.main")
    old_key = base64.b64encode(old).decode()
    with pytest.raises(KeyProblem):
        await ChatService.open(settings_for(tmp_path, BOT_MASTER_KEY=old_key))


async def test_rotation_with_keys_from_the_environment(tmp_path: Path) -> None:
    await write_data(settings_for(tmp_path, BOT_MASTER_KEY=KEY_A))
    env = {"BOT_DATA_DIR": str(tmp_path / "data"), "BOT_MASTER_KEY": KEY_A}
    status, _, err = await asyncio.to_thread(rotate, env)
    assert status == Exit.KEYS and err.startswith("error: BOT_MASTER_KEY is set: set BOT_NEW_MASTER_KEY")
    status, out, err = await asyncio.to_thread(rotate, {**env, "BOT_NEW_MASTER_KEY": KEY_B})
    assert status == 0, err
    assert KEY_A not in out + err and KEY_B not in out + err
    assert await read_data(settings_for(tmp_path, BOT_MASTER_KEY=KEY_B)) == ([NOTE], "menu.main")


async def test_a_rotation_that_fails_half_way_changes_nothing(tmp_path: Path) -> None:
    settings = settings_for(tmp_path, BOT_MASTER_KEY=KEY_A)
    await write_data(settings)
    service = await ChatService.open(settings)
    await service.notebook.add(service.pseudonymiser.key("telegram", 2), "second person's note")
    await service.close()
    with sqlite3.connect(tmp_path / "data" / DATABASE_FILE) as db:  # the last data key is damaged
        db.execute("UPDATE data_keys SET wrapped = zeroblob(60) WHERE key = (SELECT max(key) FROM data_keys)")
        before = db.execute("SELECT key, wrapped FROM data_keys ORDER BY key").fetchall()
    env = {"BOT_DATA_DIR": str(tmp_path / "data"), "BOT_MASTER_KEY": KEY_A, "BOT_NEW_MASTER_KEY": KEY_B}
    status, _, err = await asyncio.to_thread(rotate, env)
    assert status == Exit.KEYS and err.startswith("error: a data key in bot.db does not open"), err
    with sqlite3.connect(tmp_path / "data" / DATABASE_FILE) as db:
        assert db.execute("SELECT key, wrapped FROM data_keys ORDER BY key").fetchall() == before
        assert db.execute("SELECT count(*) FROM data_keys").fetchone() == (2,)  # the other was re-wrapped, then not
    await (await ChatService.open(settings)).close()  # the old key still fits
    with pytest.raises(KeyProblem):
        await ChatService.open(settings_for(tmp_path, BOT_MASTER_KEY=KEY_B))


async def test_an_interrupted_rotation_leaves_a_working_key(tmp_path: Path) -> None:
    settings = settings_for(tmp_path)
    await write_data(settings)
    keys = tmp_path / "data"
    old = (keys / MASTER_KEY_FILE).read_bytes()
    (keys / PENDING).write_bytes(os.urandom(32))  # stopped before its commit: the old key is still the key
    assert await read_data(settings) == ([NOTE], "menu.main")
    assert not (keys / PENDING).exists()
    status, _, err = await asyncio.to_thread(rotate, {"BOT_DATA_DIR": str(keys)})
    assert status == 0, err
    new = (keys / MASTER_KEY_FILE).read_bytes()
    (keys / PENDING).write_bytes(new)  # stopped after its commit, before the new key file replaced the old
    (keys / MASTER_KEY_FILE).write_bytes(old)
    assert await read_data(settings) == ([NOTE], "menu.main")
    assert (keys / MASTER_KEY_FILE).read_bytes() == new and not (keys / PENDING).exists()


async def test_python_m_bot_refuses_a_wrong_or_missing_key_in_one_line(fake: FakeTelegram, tmp_path: Path) -> None:
    await write_data(settings_for(tmp_path))
    status, stderr = await run_bot(bot_env(fake, tmp_path, BOT_MASTER_KEY=KEY_B))
    assert status == Exit.KEYS
    assert_one_clean_line(stderr, fake, "the master key (BOT_MASTER_KEY) is not the one")
    assert KEY_B not in stderr
    (tmp_path / "data" / MASTER_KEY_FILE).unlink()
    status, stderr = await run_bot(bot_env(fake, tmp_path))
    assert status == Exit.KEYS
    assert_one_clean_line(stderr, fake, f"{tmp_path / 'data' / MASTER_KEY_FILE} is missing but bot.db holds data")
    assert not (tmp_path / "data" / MASTER_KEY_FILE).exists()


async def test_the_understanding_cache_is_kept_under_a_secret_of_the_identity_key(
    tmp_path: Path, program: Program
) -> None:
    settings = settings_for(tmp_path)
    assert learned_cache(settings) is None  # no identity key yet: learned in memory
    service = await ChatService.open(settings, program)
    try:
        cache = learned_cache(settings)
        assert cache is not None and cache.path.parent == settings.data_dir
        cache.save(PROJECT_ROOT / "content" / "understanding", program.understanding)
        kept, start = cache.path.read_bytes(), len(MAGIC) + DIGEST
        mac = hmac.new(service.secret(CACHE_PURPOSE), kept[start:], hashlib.sha256).digest()
        assert kept[len(MAGIC) : start] == mac  # the secret the service derives for this purpose
    finally:
        await service.close()
