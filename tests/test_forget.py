"""Delete everything means everything: notes, files, the place in the guide, and the terminal's exports."""

from __future__ import annotations

import sqlite3

from bot.platforms.terminal.chat import EXPORTS_DIR
from bot.service import ChatService
from tests.telegram_harness import ALICE, Running, press, say
from tests.transcript import replay


def conversations(path: object) -> int:
    with sqlite3.connect(str(path)) as db:
        return int(db.execute("SELECT COUNT(*) FROM conversations").fetchone()[0])


async def test_forget_in_the_terminal_deletes_exports_and_keeps_no_place(service: ChatService) -> None:
    exports = service.store.path.parent / EXPORTS_DIR
    replies = await replay(service, ["/note canary-otter he was at the gate", "/log", "Export (PDF and CSV)"])
    assert "Saved a file: " in replies[-1] and len(list(exports.iterdir())) == 2
    replies = await replay(service, ["/forget", "Yes, delete everything", "Clear this chat"])
    assert replies[-2].startswith("Done. Everything kept for you has been deleted")
    assert f"The 2 exported files in {exports} were deleted too." in replies[-2]
    assert list(exports.iterdir()) == []
    assert await service.notebook.notes(service.pseudonymiser.key("terminal", "local")) == []
    assert conversations(service.store.path) == 0  # nor did a button of the forget screen make a new place


async def test_forget_on_telegram_keeps_no_place_even_after_clearing(running: Running) -> None:
    service = running.bot.service
    await say(running, ALICE, "/note canary-wren he waited outside")
    await say(running, ALICE, "/forget")
    reply = await press(running, ALICE, "Yes, delete everything")
    assert reply.startswith("Done. Everything kept for you has been deleted") and "What remains:" in reply
    assert conversations(service.store.path) == 0
    before = len(running.fake.sent(ALICE))
    await press(running, ALICE, "Clear this chat")
    assert conversations(service.store.path) == 0
    tracked = await service.store.tracked_messages(service.pseudonymiser.key("telegram", ALICE))
    assert len(tracked) == len(running.fake.sent(ALICE)) - before  # only the reply to clearing itself


async def test_forget_deletes_the_plan_and_its_printed_copy(service: ChatService) -> None:
    exports = service.store.path.parent / EXPORTS_DIR
    await replay(service, ["/plan", "Go through it step by step", "canary-stoat my buddy is Jo", "Back to my plan"])
    await replay(service, ["See my plan", "Print it (PDF)"])
    assert [p.name.startswith("my-plan-") for p in exports.iterdir()] == [True]
    key = service.pseudonymiser.key("terminal", "local")
    assert (await service.plan.plan(key))["buddy"].text == "canary-stoat my buddy is Jo"
    replies = await replay(service, ["/forget", "Yes, delete everything"])
    assert f"The 1 exported file in {exports} was deleted too." in replies[-1]
    assert list(exports.iterdir()) == []
    assert await service.plan.plan(key) == {}
    data = b"".join(p.read_bytes() for p in service.store.path.parent.glob("bot.db*"))
    assert b"canary-stoat" not in data
