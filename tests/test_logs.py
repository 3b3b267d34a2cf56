"""Logs hold no personal data or secrets: not in our records, not in python-telegram-bot's or aiohttp's."""

from __future__ import annotations

import asyncio
import io
import logging
import signal
from pathlib import Path

from bot.logs import QUIET_LIBRARIES, setup_logging
from tests.fake_telegram import FakeTelegram
from tests.telegram_harness import ALICE
from tests.test_failures import WAIT, bot_env, start_bot

CANARY_NAME, CANARY_USER, CANARY_TEXT = "Zebedee-canary", "zebedee_canary_user", "canary-text-walrus"


def unparseable(fake: FakeTelegram) -> dict[str, object]:
    """Return a message python-telegram-bot cannot parse (its sender has no is_bot), full of canaries."""
    update = fake.message(ALICE, f"{CANARY_TEXT} he followed me to work")
    update["message"]["from"] = {"id": ALICE, "first_name": CANARY_NAME, "username": CANARY_USER}
    return update


async def test_python_m_bot_at_debug_logs_no_canary(fake: FakeTelegram, tmp_path: Path) -> None:
    process = await start_bot(bot_env(fake, tmp_path, BOT_LOG_LEVEL="DEBUG"))
    try:
        bad_id = await fake.push(unparseable(fake))
        await fake.push(fake.message(ALICE, "/start"))
        await fake.wait_for(lambda: len(fake.sent(ALICE)) == 1, WAIT)
        page = f"<html>Sign in, {CANARY_NAME}</html>".encode()  # a portal page python-telegram-bot logs
        fake.fail_next("getUpdates", times=2, status=200, retry_after=None, body=page)
        await fake.push(fake.message(ALICE, f"/note {CANARY_TEXT} again"))
        await fake.wait_for(lambda: len(fake.sent(ALICE)) == 2, WAIT)
    finally:
        process.send_signal(signal.SIGTERM)
        _, raw = await asyncio.wait_for(process.communicate(), WAIT)
    stderr = raw.decode(errors="replace")
    assert process.returncode == 0, stderr
    assert f"update {bad_id} (message) could not be parsed (TypeError)" in stderr
    assert "Can not load invalid JSON data" in stderr  # python-telegram-bot's record is kept, its data is not
    for secret in (CANARY_NAME, CANARY_USER, CANARY_TEXT, str(ALICE), fake.token):
        assert secret not in stderr


def test_library_records_keep_their_template_and_lose_their_data() -> None:
    saved = {name: logging.getLogger(name).level for name in ("", *QUIET_LIBRARIES)}
    handler = setup_logging("DEBUG", ["123:token-part"])
    stream = io.StringIO()
    handler.setStream(stream)  # type: ignore[attr-defined]
    try:
        try:
            raise ValueError(f"bad {CANARY_NAME}")
        except ValueError:
            logging.getLogger("aiohttp.server").error("Error handling request %s", CANARY_TEXT, exc_info=True)
            logging.getLogger("telegram.ext.Updater").critical("Received data was %r", {"name": CANARY_NAME})
        poller = logging.getLogger("bot.platforms.telegram.poller")
        poller.warning("polling failed (%s) with 123:token-part", "NetworkError")
    finally:
        logging.getLogger().removeHandler(handler)
        for name, level in saved.items():
            logging.getLogger(name).setLevel(level)
    text = stream.getvalue()
    assert CANARY_NAME not in text and CANARY_TEXT not in text and "Traceback" not in text
    assert "Error handling request %s [data withheld] (ValueError)" in text
    assert "Received data was %r [data withheld]" in text
    assert "polling failed (NetworkError) with ***" in text
