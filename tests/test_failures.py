"""`python -m bot` that cannot work exits with one line, its own status, no traceback and no secret.

Each fault is made for real: the fake Bot API answering errors, a port taken, a damaged database file.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from pathlib import Path

import pytest

from bot.fatal import Exit
from bot.settings import PROJECT_ROOT
from bot.store.sqlite import DATABASE_FILE
from tests.fake_telegram import FakeTelegram
from tests.telegram_harness import ALICE

WAIT = 60  # a generous bound for a process that should exit within seconds, on a busy 2-core machine


def bot_env(fake: FakeTelegram, tmp_path: Path, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "BOT_DATA_DIR": str(tmp_path / "data"),
        "TELEGRAM_BOT_TOKEN": fake.token,
        "TELEGRAM_API_BASE_URL": fake.base_url,
        "BOT_LOG_LEVEL": "WARNING",
        **extra,
    }


async def start_bot(env: dict[str, str]) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "telegram", cwd=PROJECT_ROOT, env=env,
        stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip


async def run_bot(env: dict[str, str]) -> tuple[int, str]:
    """Run the bot to its end; return its status and what it wrote to stderr."""
    process = await start_bot(env)
    _, stderr = await asyncio.wait_for(process.communicate(), WAIT)
    assert process.returncode is not None
    return process.returncode, stderr.decode(errors="replace")


def assert_one_clean_line(stderr: str, fake: FakeTelegram, starts: str) -> None:
    lines = stderr.strip().splitlines()
    assert [line for line in lines if line.startswith("error: ")] == [lines[-1]], stderr
    assert lines[-1].startswith(f"error: {starts}"), stderr
    assert "Traceback" not in stderr
    assert fake.token not in stderr and fake.token.split(":")[1] not in stderr


def store_was_closed(tmp_path: Path) -> bool:
    """SQLite removes the -wal file when the last connection closes cleanly."""
    data = tmp_path / "data"
    return (data / DATABASE_FILE).exists() and not (data / f"{DATABASE_FILE}-wal").exists()


async def test_a_wrong_token_is_one_line_without_the_token(fake: FakeTelegram, tmp_path: Path) -> None:
    wrong = "987654:WRONG-secret-part"
    status, stderr = await run_bot(bot_env(fake, tmp_path, TELEGRAM_BOT_TOKEN=wrong))
    assert status == Exit.TOKEN
    assert_one_clean_line(stderr, fake, "Telegram refused the token")
    assert "WRONG-secret-part" not in stderr


async def test_the_traceback_only_at_debug_and_still_without_the_token(fake: FakeTelegram, tmp_path: Path) -> None:
    wrong = "987654:WRONG-secret-part"
    status, stderr = await run_bot(bot_env(fake, tmp_path, TELEGRAM_BOT_TOKEN=wrong, BOT_LOG_LEVEL="DEBUG"))
    assert status == Exit.TOKEN
    assert "Traceback" in stderr and stderr.strip().splitlines()[-1].startswith("error: Telegram refused")
    assert "WRONG-secret-part" not in stderr


async def test_an_unreachable_api_server(fake: FakeTelegram, tmp_path: Path) -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    status, stderr = await run_bot(bot_env(fake, tmp_path, TELEGRAM_API_BASE_URL=f"http://127.0.0.1:{port}"))
    assert status == Exit.UNREACHABLE
    assert_one_clean_line(stderr, fake, "cannot reach the Telegram Bot API")


async def test_an_unusable_data_dir(fake: FakeTelegram, tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("not a directory")
    status, stderr = await run_bot(bot_env(fake, tmp_path, BOT_DATA_DIR=str(tmp_path / "a-file" / "data")))
    assert status == Exit.DATA_DIR
    assert_one_clean_line(stderr, fake, f"cannot use {tmp_path / 'a-file'}")


async def test_a_corrupt_database(fake: FakeTelegram, tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / DATABASE_FILE).write_bytes(b"this is not an SQLite database, whatever it was " * 100)
    status, stderr = await run_bot(bot_env(fake, tmp_path))
    assert status == Exit.DATABASE
    assert_one_clean_line(stderr, fake, "the database cannot be used")


async def test_a_malformed_master_key(fake: FakeTelegram, tmp_path: Path) -> None:
    status, stderr = await run_bot(bot_env(fake, tmp_path, BOT_MASTER_KEY="not base64 at all!"))
    assert status == Exit.KEYS
    assert_one_clean_line(stderr, fake, "BOT_MASTER_KEY must be base64")
    assert "not base64 at all" not in stderr


async def test_set_my_commands_answering_500_closes_the_store(fake: FakeTelegram, tmp_path: Path) -> None:
    fake.fail_next("setMyCommands", times=10**6, status=500, retry_after=None)
    status, stderr = await run_bot(bot_env(fake, tmp_path))
    assert status == Exit.REFUSED
    assert_one_clean_line(stderr, fake, "Telegram refused setMyCommands")
    assert store_was_closed(tmp_path)


def webhook(port: int) -> dict[str, str]:
    return {
        "TELEGRAM_WEBHOOK_URL": "http://bot.example.org/hook",
        "TELEGRAM_WEBHOOK_SECRET": "webhook-secret-value",
        "TELEGRAM_WEBHOOK_PORT": str(port),
    }


async def test_set_webhook_answering_400_closes_the_store(
    fake: FakeTelegram, tmp_path: Path, unused_tcp_port: int
) -> None:
    fake.fail_next("setWebhook", times=10**6, status=400, retry_after=None)
    status, stderr = await run_bot(bot_env(fake, tmp_path, **webhook(unused_tcp_port)))
    assert status == Exit.REFUSED
    assert_one_clean_line(stderr, fake, "Telegram refused setWebhook")
    assert "webhook-secret-value" not in stderr
    assert store_was_closed(tmp_path)


async def test_the_webhook_port_in_use_closes_the_store(fake: FakeTelegram, tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        status, stderr = await run_bot(bot_env(fake, tmp_path, **webhook(taken.getsockname()[1])))
    assert status == Exit.PORT
    assert_one_clean_line(stderr, fake, "the address is already in use")
    assert store_was_closed(tmp_path)


async def test_a_lasting_409_exits_non_zero(fake: FakeTelegram, tmp_path: Path) -> None:
    fake.fail_next("getUpdates", times=10**6, status=409, retry_after=None)
    status, stderr = await run_bot(bot_env(fake, tmp_path, BOT_CONFLICT_EXIT_AFTER="1"))
    assert status == Exit.CONFLICT
    assert_one_clean_line(stderr, fake, "another instance kept polling")
    assert stderr.count("409 Conflict") == 1
    assert store_was_closed(tmp_path)


@pytest.mark.parametrize("fault", ["502", "html"])
async def test_one_sigterm_is_enough_while_polling_fails(fake: FakeTelegram, tmp_path: Path, fault: str) -> None:
    process = await start_bot(bot_env(fake, tmp_path))
    await fake.push(fake.message(ALICE, "/start"))
    await fake.wait_for(lambda: len(fake.sent(ALICE)) == 1, WAIT)
    body = b"<html>proxy</html>" if fault == "html" else None
    fake.fail_next("getUpdates", times=10**6, status=200 if body else 502, retry_after=None, body=body)
    calls = len(fake.calls_of("getUpdates"))
    await fake.wait_for(lambda: len(fake.calls_of("getUpdates")) > calls + 2, WAIT)
    process.send_signal(signal.SIGTERM)
    _, stderr = await asyncio.wait_for(process.communicate(), WAIT)
    assert process.returncode == 0, stderr.decode()
    assert "Traceback" not in stderr.decode()
    assert store_was_closed(tmp_path)
