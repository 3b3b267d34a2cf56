"""The poller survives what Telegram and proxies send, against the fake Bot API, and says when it cannot."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest

from bot.engine.program import Program
from bot.fatal import Exit, Fatal
from bot.platforms.telegram.app import TelegramBot
from bot.platforms.telegram.poller import AcknowledgingPoller
from bot.platforms.telegram.runner import POLLER, start, stop
from tests.fake_telegram import FakeTelegram
from tests.telegram_harness import ALICE, Running, make_settings, say

CANARY_NAME, CANARY_TEXT = "Zebedee-canary", "canary-text-walrus"


def poller_of(running: Running) -> AcknowledgingPoller:
    poller = running.app.bot_data[POLLER]
    assert isinstance(poller, AcknowledgingPoller)
    return poller


def records(caplog: pytest.LogCaptureFixture, text: str) -> list[logging.LogRecord]:
    return [r for r in caplog.records if text in r.getMessage()]


async def fail_then_answer(running: Running, status: int, body: bytes | None, times: int = 2) -> None:
    fake = running.fake
    before = len(fake.calls_of("getUpdates"))
    fake.fail_next("getUpdates", times=times, status=status, retry_after=None, body=body)
    await fake.wait_for(lambda: len(fake.calls_of("getUpdates")) > before + times)
    assert (await say(running, ALICE, "/start")).startswith("Hello")


async def test_a_409_once_is_logged_once_and_polling_carries_on(
    running: Running, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, "bot")
    await fail_then_answer(running, 409, None, times=3)
    assert len(records(caplog, "409 Conflict")) == 1
    assert len(records(caplog, "polling works again")) == 1


async def test_a_lasting_409_ends_polling_with_a_fatal_error(
    fake: FakeTelegram, program: Program, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = make_settings(tmp_path, fake, BOT_CONFLICT_EXIT_AFTER="0.3")
    app = TelegramBot(settings, program).build()
    fake.fail_next("getUpdates", times=10**6, status=409, retry_after=None)
    await start(app, settings, poll_timeout=1, first_backoff=0.01)
    try:
        task = app.bot_data[POLLER].task
        with pytest.raises(Fatal) as raised:
            await asyncio.wait_for(task, 30)
    finally:
        await stop(app)
    assert raised.value.code == Exit.CONFLICT
    assert len(records(caplog, "409 Conflict")) == 1
    assert len(fake.calls_of("getUpdates")) > 2  # it kept trying before giving up


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (502, None),
        (500, b"<html><body>Internal Server Error</body></html>"),
        (200, b"<html><body>Welcome to the hotel wifi. Please sign in.</body></html>"),
        (200, b'{"ok": true, "result": [{"update_id": '),
        (200, b'{"ok": true, "result": {"not": "a list"}}'),
    ],
    ids=["502", "500-html", "200-html", "200-invalid-json", "200-not-a-list"],
)
async def test_bad_answers_are_retried_and_logged_once(
    running: Running, caplog: pytest.LogCaptureFixture, status: int, body: bytes | None
) -> None:
    caplog.set_level(logging.INFO, "bot")
    await fail_then_answer(running, status, body, times=3)
    assert len(records(caplog, "polling failed")) == 1
    assert len(records(caplog, "polling works again")) == 1


async def test_an_unparseable_update_is_logged_by_id_and_kind_acknowledged_and_counted(
    running: Running, caplog: pytest.LogCaptureFixture
) -> None:
    fake = running.fake
    caplog.set_level(logging.INFO)  # at DEBUG, the logs themselves are tested in test_logs.py
    bad = fake.message(ALICE, CANARY_TEXT)
    bad["message"]["from"] = {"id": ALICE, "first_name": CANARY_NAME, "username": CANARY_NAME}  # no is_bot
    update_id = await fake.push(bad)
    assert (await say(running, ALICE, "/start")).startswith("Hello")
    await fake.drained()
    assert poller_of(running).unparseable == 1
    [record] = records(caplog, "could not be parsed")
    assert f"update {update_id} (message)" in record.getMessage()
    assert CANARY_NAME not in caplog.text and CANARY_TEXT not in caplog.text and str(ALICE) not in caplog.text
    assert all(CANARY_TEXT not in c.params.get("text", "") for c in fake.sent(ALICE))


async def test_a_refused_token_ends_polling_with_a_fatal_error(running: Running) -> None:
    running.fake.fail_next("getUpdates", times=10**6, status=401, retry_after=None)
    with pytest.raises(Fatal) as raised:
        await asyncio.wait_for(poller_of(running).task, 30)  # type: ignore[arg-type]
    assert raised.value.code == Exit.TOKEN
