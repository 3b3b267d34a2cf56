"""The real python-telegram-bot Application, end to end over HTTP against a fake Bot API server."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
import pytest

from bot.engine.program import Program
from bot.logs import QUIET_LIBRARIES, setup_logging
from bot.platforms.telegram.app import PLATFORM, TelegramBot
from bot.platforms.telegram.runner import start, stop
from bot.settings import PROJECT_ROOT
from bot.store.sqlite import DATABASE_FILE
from tests.fake_telegram import FakeTelegram
from tests.telegram_harness import ALICE, BOB, Running, make_settings, press, say


async def test_start_buttons_callback_to_a_helpline(running: Running) -> None:
    reply = await say(running, ALICE, "/start")
    assert reply.startswith("Hello. This is a step-by-step guide for people in Nottinghamshire.\n")
    labels = [label for label, _ in running.fake.buttons(running.fake.sent(ALICE)[-1])]
    assert labels[:3] == ["🆘 I'm in danger now", "Is this stalking?", "Who can help me"]
    await press(running, ALICE, "Who can help me")
    await press(running, ALICE, "Yes, Nottinghamshire")
    await press(running, ALICE, "A partner or ex-partner")
    reply = await press(running, ALICE, "Women's helpline")
    assert "Call 0808 800 0340" in reply
    last = running.fake.sent(ALICE)[-1]
    assert last.params["protect_content"] is True  # helpline details are protected
    answered = [c for c in running.fake.calls if c.method == "answerCallbackQuery"]
    assert len(answered) == 4  # every callback query is answered


async def test_about_this_guide_on_telegram_says_how_to_hide_previews_and_set_a_passcode(running: Running) -> None:
    reply = await say(running, ALICE, "/help")
    assert "turn off Message Preview in Settings, Notifications and Sounds; or mute this chat" in reply
    assert "Settings, Privacy and Security, Passcode Lock" in reply
    welcome = await say(running, ALICE, "/start")
    assert "Passcode" not in welcome and '"About this guide" says how to keep it private' in welcome  # said once


async def test_commands_are_registered(running: Running) -> None:
    registered = [c for c in running.fake.calls if c.method == "setMyCommands"]
    names = [c["command"] for c in registered[0].params["commands"]]
    assert names == ["start", "menu", "help", "note", "log", "plan", "forget", "clear", "exit"]


async def test_emergency_word_in_the_middle_of_a_flow(running: Running) -> None:
    await say(running, ALICE, "/start")
    await press(running, ALICE, "Is this stalking?")
    reply = await say(running, ALICE, "he's here")
    assert "call 999" in reply and "Call 999" in reply
    labels = [label for label, _ in running.fake.buttons(running.fake.sent(ALICE)[-1])]
    assert "I can't speak" in labels and "Back to where I was" in labels


async def test_first_line_of_every_message_is_neutral(running: Running) -> None:
    await say(running, ALICE, "/start")
    await press(running, ALICE, "🆘 I'm in danger now")
    await press(running, ALICE, "Not in danger right now")
    for call in running.fake.sent(ALICE):
        first = call.params["text"].splitlines()[0].lower()
        assert not any(word in first for word in ("stalk", "police", "999", "danger", "harass")), first


async def test_same_update_delivered_twice_changes_nothing(running: Running) -> None:
    await say(running, ALICE, "/start")
    update = running.fake.press(ALICE, dict(running.fake.buttons(running.fake.sent(ALICE)[-1]))["Who can help me"])
    update_id = await running.fake.push(update)
    await running.fake.wait_for(lambda: len(running.fake.sent(ALICE)) == 2)
    await running.fake.push(update, update_id=update_id)  # redelivered with the same update_id
    await say(running, ALICE, "/menu")  # a later update, so the redelivery has surely been handled
    texts = running.fake.texts(ALICE)
    assert len(texts) == 3
    assert texts[1].startswith("Let's find the right people")
    assert texts[2].startswith("What would you like to do?")


async def test_two_chats_interleaved_keep_their_own_state(running: Running) -> None:
    await say(running, ALICE, "/start")
    await say(running, BOB, "/start")
    await press(running, ALICE, "Who can help me")
    await press(running, BOB, "Reporting and the law")
    await press(running, ALICE, "Yes, Nottinghamshire")
    reply_bob = await press(running, BOB, "Report without my name")
    reply_alice = await press(running, ALICE, "A stranger")
    assert "Call 0800 555 111" in reply_bob
    assert reply_alice.startswith("One more choice, so the right number comes first.")


async def test_stale_or_forged_button_gets_a_graceful_answer(running: Running) -> None:
    await say(running, ALICE, "/start")
    for data in ["1:o:000000000000:0", "garbage", "9:k:menu", "1:k:start"]:
        before = len(running.fake.sent(ALICE))
        await running.fake.push(running.fake.press(ALICE, data))
        await running.fake.wait_for(lambda before=before: len(running.fake.sent(ALICE)) > before)
        assert running.fake.texts(ALICE)[-1].startswith("That button is from an older message.")


async def test_clear_deletes_exactly_the_tracked_messages_younger_than_48_hours(running: Running) -> None:
    fake, service = running.fake, running.bot.service
    old = datetime.now(UTC) - timedelta(hours=49)
    await service.remember_messages(PLATFORM, ALICE, [(5, old), (6, old)])
    start_update = fake.message(ALICE, "/start")
    await fake.push(start_update)
    await fake.wait_for(lambda: len(fake.sent(ALICE)) == 1)
    clear_update = fake.message(ALICE, "/clear")
    await fake.push(clear_update)
    await fake.wait_for(lambda: len(fake.sent(ALICE)) == 2)
    welcome_id = await _reply_id(fake, 0)
    expected = {start_update["message"]["message_id"], welcome_id, clear_update["message"]["message_id"]}
    deleted = [i for c in fake.calls if c.method == "deleteMessages" for i in c.params["message_ids"]]
    assert sorted(deleted) == sorted(expected)
    reply = fake.texts(ALICE)[-1]
    assert reply.startswith("Done.\nI removed 3 messages from this chat.")
    assert "I could not remove 2 older messages" in reply
    assert "Delete" in reply and "Passcode" in reply
    reply_id, remembered = await _reply_id(fake, 1), []
    for _ in range(200):  # the reply's id is kept beside the turn, just after it is sent
        remembered = [m for m, _ in await service.remembered_messages(PLATFORM, ALICE)]
        if remembered:
            break
        await asyncio.sleep(0.02)
    assert remembered == [reply_id]


async def _reply_id(fake: FakeTelegram, index: int) -> int:
    """Return the message id the fake server gave to the bot's reply number ``index`` to Alice."""
    return fake.replies[ALICE][index]


async def test_a_429_from_the_server_is_retried(running: Running) -> None:
    running.fake.fail_next("sendMessage", times=1, status=429, retry_after=1)
    await running.fake.push(running.fake.message(ALICE, "/start"))
    await running.fake.wait_for(lambda: len(running.fake.sent(ALICE)) == 2)
    first, second = running.fake.sent(ALICE)
    assert first.params == second.params  # the same message, sent again after the 429
    assert running.fake.replies[ALICE] and len(running.fake.replies[ALICE]) == 1


async def test_the_server_going_away_and_coming_back_loses_no_update(running: Running) -> None:
    await say(running, ALICE, "/start")
    await running.fake.stop()
    await running.fake.push(running.fake.message(ALICE, "/help"))
    await running.fake.push(running.fake.message(BOB, "/start"))
    await running.fake.start()
    await running.fake.wait_for(
        lambda: len(running.fake.sent(ALICE)) == 2 and len(running.fake.sent(BOB)) == 1, timeout=30
    )
    assert running.fake.texts(ALICE)[-1].startswith("About this guide, and how to use it.")


async def test_media_edits_and_groups_get_a_reply_without_crashing(running: Running) -> None:
    await say(running, ALICE, "/start")
    sticker = {
        "file_id": "s1",
        "file_unique_id": "u1",
        "width": 1,
        "height": 1,
        "is_animated": False,
        "is_video": False,
        "type": "regular",
    }
    await running.fake.push(running.fake.message(ALICE, sticker=sticker))
    await running.fake.wait_for(lambda: len(running.fake.sent(ALICE)) == 2)
    assert running.fake.texts(ALICE)[-1].startswith("I can only read typed messages")
    edited = running.fake.message(ALICE, "changed")
    await running.fake.push({"edited_message": {**edited["message"], "edit_date": 1}})
    await running.fake.wait_for(lambda: len(running.fake.sent(ALICE)) == 3)
    assert running.fake.texts(ALICE)[-1].startswith("I can't see changes")
    await running.fake.push(running.fake.message(ALICE, "hello all", chat_type="group", chat_id=-100))
    await running.fake.wait_for(lambda: any(c.method == "leaveChat" for c in running.fake.calls))
    assert running.fake.texts(-100) == ["This bot only works in a private chat, so it is leaving this group."]
    long_text = "x" * 5000
    reply = await say(running, ALICE, long_text)
    assert reply.startswith("Sorry, I didn't understand that.")


async def test_flood_is_answered_politely_once(fake: FakeTelegram, program: Program, tmp_path: Path) -> None:
    from bot.platforms.flood import FloodGuard

    settings = make_settings(tmp_path, fake)
    bot = TelegramBot(settings, program, flood=FloodGuard(capacity=3, per_second=0.001), retry_delay=0.01)
    app = bot.build()
    await start(app, settings, poll_timeout=1)
    try:
        for i in range(10):
            await fake.push(fake.message(ALICE, f"message {i}"))
        await fake.wait_for(lambda: len(fake.sent(ALICE)) >= 4)
        await say(Running(fake, bot, app, settings), BOB, "/start")  # others are still answered
        texts = fake.texts(ALICE)
        assert len(texts) == 4
        assert texts[-1].startswith("You are sending messages very quickly")
    finally:
        await stop(app)


@pytest.fixture
def production_logging() -> Iterator[None]:
    """Configure logging as `python -m bot` does, at DEBUG, and undo it afterwards."""
    saved = {name: logging.getLogger(name).level for name in ("", *QUIET_LIBRARIES)}
    handler = setup_logging("DEBUG", [])
    yield
    logging.getLogger().removeHandler(handler)
    for name, level in saved.items():
        logging.getLogger(name).setLevel(level)


@pytest.mark.usefixtures("production_logging")
async def test_no_raw_ids_or_text_in_the_database_or_logs(running: Running, caplog: pytest.LogCaptureFixture) -> None:
    await say(running, ALICE, "/start")
    await say(running, ALICE, "canary-words-zebra")
    data = b"".join(p.read_bytes() for p in (running.settings.data_dir).glob(f"{DATABASE_FILE}*"))
    assert str(ALICE).encode() not in data
    assert b"canary-words-zebra" not in data
    assert str(ALICE) not in caplog.text and "canary-words-zebra" not in caplog.text
    assert running.fake.token not in caplog.text
    assert caplog.records  # the check above read real log output


async def test_webhook_rejects_a_wrong_or_missing_secret(
    fake: FakeTelegram, program: Program, tmp_path: Path, unused_tcp_port: int
) -> None:
    settings = make_settings(
        tmp_path,
        fake,
        TELEGRAM_WEBHOOK_URL="https://bot.example.org/hook",
        TELEGRAM_WEBHOOK_SECRET="s3cret-token",
        TELEGRAM_WEBHOOK_PORT=str(unused_tcp_port),
    )
    app = TelegramBot(settings, program).build()
    await start(app, settings)
    url = f"http://127.0.0.1:{unused_tcp_port}/hook"
    update = {"update_id": 900, **fake.message(ALICE, "/start")}
    try:
        assert any(c.method == "setWebhook" and c.params["secret_token"] == "s3cret-token" for c in fake.calls)
        async with aiohttp.ClientSession() as session:
            for headers in ({}, {"X-Telegram-Bot-Api-Secret-Token": "wrong"}):
                async with session.post(url, json=update, headers=headers) as response:
                    assert response.status == 403
            assert fake.sent(ALICE) == []
            headers = {"X-Telegram-Bot-Api-Secret-Token": "s3cret-token"}
            async with session.post(url, json=update, headers=headers) as response:
                assert response.status == 200
        await fake.wait_for(lambda: len(fake.sent(ALICE)) == 1)
    finally:
        await stop(app)


async def test_python_m_bot_runs_against_the_server_in_the_environment(fake: FakeTelegram, tmp_path: Path) -> None:
    env = {
        **os.environ,
        "BOT_DATA_DIR": str(tmp_path / "data"),
        "TELEGRAM_BOT_TOKEN": fake.token,
        "TELEGRAM_API_BASE_URL": fake.base_url,
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "telegram",
        cwd=PROJECT_ROOT,
        env=env,
        stdin=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        await fake.push(fake.message(ALICE, "/start"))
        await fake.wait_for(lambda: len(fake.sent(ALICE)) == 1, timeout=30)
        assert fake.texts(ALICE)[0].startswith("Hello.")
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), 30)
    assert process.returncode == 0, stderr.decode()
    assert fake.token not in stderr.decode()
    assert "starting on Telegram (long polling)" in stderr.decode()


async def test_network_errors_when_sending_are_retried_with_backoff(running: Running) -> None:
    running.fake.fail_next("sendMessage", times=2, status=502, retry_after=None)
    await running.fake.push(running.fake.message(ALICE, "/start"))
    await running.fake.wait_for(lambda: len(running.fake.replies.get(ALICE, [])) == 1)
    attempts = running.fake.sent(ALICE)
    assert len(attempts) == 3
    assert attempts[0].params == attempts[2].params


async def test_a_quick_note_redelivered_is_saved_once_and_never_in_plain(running: Running) -> None:
    fake, service = running.fake, running.bot.service
    update = fake.message(ALICE, "/note canary-owl-42 he was at the bus stop again")
    update_id = await fake.push(update)
    await fake.wait_for(lambda: len(fake.sent(ALICE)) == 1)
    await fake.push(update, update_id=update_id)
    await say(running, ALICE, "/menu")
    assert fake.texts(ALICE)[0].startswith("Saved.\n")
    assert fake.sent(ALICE)[0].params["protect_content"] is True
    notes = await service.notebook.notes(service.pseudonymiser.key(PLATFORM, ALICE))
    assert [n.text for n in notes] == ["canary-owl-42 he was at the bus stop again"]
    assert notes[0].sent_at is not None
    await service.store.checkpoint()
    data = b"".join(p.read_bytes() for p in running.settings.data_dir.glob(f"{DATABASE_FILE}*"))
    assert b"canary-owl-42" not in data


async def test_a_long_note_is_kept_whole(running: Running) -> None:
    service = running.bot.service
    text = "He waited outside again. " * 163  # 4,075 characters: about as long as Telegram allows
    await say(running, ALICE, f"/note {text}")
    notes = await service.notebook.notes(service.pseudonymiser.key(PLATFORM, ALICE))
    assert [n.text for n in notes] == [text.strip()]
