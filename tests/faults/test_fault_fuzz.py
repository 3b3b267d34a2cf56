"""Random and malformed updates through the real Application: no unhandled exception, a reply or a deliberate
silence for every private-chat update, and memory that stays bounded."""

from __future__ import annotations

import logging
import random
import shutil
import string
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from bot.engine.events import Choose, Pick
from bot.engine.program import Program
from bot.platforms.callback_data import CallbackCodec
from bot.platforms.flood import FloodGuard
from tests.fake_telegram import BOT_USER, FakeTelegram
from tests.faults.scale import count
from tests.telegram_harness import bot_on

UPDATES = count(1000, 100_000)
BATCH = 250
PEOPLE = [8800000 + n for n in range(40)]
SCRIPTS = [
    string.printable,
    "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
    "ابتثجحخدذرزسشصضطظعغفقكلمنهوي",
    "你好我在门口他一直跟着",
    "😀😱🆘❤️👀🚗🏠",
    "\u202e\u202d\u200f\u200b\ufeff",
    "".join(chr(c) for c in range(32)),
]
WORDS = [
    "help",
    "he's here",
    "is this stalking",
    "menu",
    "/note x",
    "/log",
    "/forget",
    "/zzz",
    "{{7*7}}",
    "complete my",
]
MEDIA: dict[str, dict[str, Any]] = {
    "sticker": {
        "file_id": "s",
        "file_unique_id": "s",
        "width": 1,
        "height": 1,
        "is_animated": False,
        "is_video": False,
        "type": "regular",
    },
    "voice": {"file_id": "v", "file_unique_id": "v", "duration": 1},
    "location": {"latitude": 52.95, "longitude": -1.15},
    "contact": {"phone_number": "0", "first_name": "X"},
    "document": {"file_id": "d", "file_unique_id": "d", "mime_type": "application/x-msdownload", "file_size": 9},
    "photo": [{"file_id": "p", "file_unique_id": "p", "width": 1, "height": 1, "file_size": 30_000_000}],
    "dice": {"emoji": "🎲", "value": 3},
}


class Fuzzer:
    """Make random updates of every kind from a seed."""

    def __init__(self, fake: FakeTelegram, program: Program, seed: int) -> None:
        self.fake = fake
        self.random = random.Random(seed)
        self.codec = CallbackCodec(program)
        self.options = [(n.id, i) for n in program.flows.nodes.values() for i in range(len(n.options))]
        self.lists = [n.id for n in program.flows.nodes.values() if n.pick]
        self.private = 0
        self.callbacks = 0

    def text(self) -> str:
        r = self.random
        kind = r.random()
        if kind < 0.3:
            return r.choice(WORDS) + r.choice(["", " ", "!", " " + r.choice(WORDS)])
        if kind < 0.35:
            return ""
        if kind < 0.4:
            return "".join(r.choice(SCRIPTS[0]) for _ in range(r.randint(4096, 5000)))
        alphabet = r.choice(SCRIPTS)
        return "".join(r.choice(alphabet) for _ in range(r.randint(1, 200)))

    def data(self) -> str:
        r = self.random
        kind = r.random()
        if kind < 0.5:
            return self.codec.encode(Choose(*r.choice(self.options)))
        if kind < 0.65:
            return self.codec.encode(
                Pick(r.choice(self.lists), "".join(r.choice("0123456789abcdef") for _ in range(32)))
            )
        return "".join(r.choice(string.printable) for _ in range(r.randint(0, 64)))

    def update(self) -> dict[str, Any]:
        r = self.random
        person = r.choice(PEOPLE)
        kind = r.random()
        if kind < 0.45:
            self.private += 1
            return self.fake.message(person, self.text())
        if kind < 0.65:
            self.callbacks += 1
            return self.fake.press(person, self.data())
        if kind < 0.8:
            self.private += 1
            name = r.choice(sorted(MEDIA))
            return self.fake.message(person, caption=self.text()[:100], **{name: MEDIA[name]})
        if kind < 0.87:
            edited = self.fake.message(person, self.text())["message"]
            return {"edited_message": {**edited, "edit_date": 1}}
        if kind < 0.94:
            # A new group each time: the bot leaves a group at its first message, so no group writes twice.
            return self.fake.message(person, self.text(), chat_type="group", chat_id=-r.randrange(10**6, 10**9))
        return self.malformed(person)

    def malformed(self, person: int) -> dict[str, Any]:
        r = self.random
        message = self.fake.message(person, self.text())["message"]
        choice = r.randrange(4)
        if choice == 0:
            message.pop("from")  # as in channels: no sender
            return {"message": message}
        if choice == 1:
            return {
                "callback_query": {
                    "id": "x",
                    "chat_instance": "c",
                    "from": {"id": person, "is_bot": False, "first_name": "P"},
                }
            }
        if choice == 2:
            return {"message": {**message, "text": None}}
        return {
            "my_chat_member": {
                "chat": {"id": -person, "type": "group"},
                "from": BOT_USER,
                "date": 1,
                "old_chat_member": {"status": "left", "user": BOT_USER},
                "new_chat_member": {"status": "member", "user": BOT_USER},
            }
        }


def fast_directory(tmp_path: Path) -> Path:
    """Return a data directory in memory when the machine has one: this test is about input, not disks."""
    shm = Path("/dev/shm")
    if shm.is_dir():
        return Path(tempfile.mkdtemp(dir=shm, prefix="fuzz-"))
    return tmp_path / "data"


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def test_random_and_malformed_updates(program: Program, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    fake = FakeTelegram()
    await fake.start()
    fuzzer = Fuzzer(fake, program, seed=20261121)
    unlimited = FloodGuard(capacity=10**9, per_second=10**9)  # the flood limit is tested on its own
    caplog.set_level(logging.ERROR)
    memory: list[float] = []
    calls: Counter[str] = Counter()
    data_dir = fast_directory(tmp_path)
    try:
        # No overall rate limit (it paces replies at Telegram's 30 a second) and no flood limit: each is
        # tested on its own; here every update should reach the engine as fast as it can.
        async with bot_on(fake, data_dir, program, flood=unlimited, overall_max_rate=0):
            for start in range(0, UPDATES, BATCH):
                for _ in range(min(BATCH, UPDATES - start)):
                    await fake.push(fuzzer.update())
                await fake.drained(timeout=120)
                calls.update(call.method for call in fake.calls)
                fake.calls.clear()  # the fake server's own record must not count as the bot's memory
                fake.replies.clear()
                memory.append(rss_mb())
            await fake.wait_for(
                lambda: calls["answerCallbackQuery"] + len(fake.calls_of("answerCallbackQuery")) >= fuzzer.callbacks
            )
            calls.update(call.method for call in fake.calls)
            replies = calls["sendMessage"] + calls["sendDocument"]
    finally:
        await fake.stop()
        shutil.rmtree(data_dir, ignore_errors=True)
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == [], [r.getMessage() for r in errors[:5]]
    assert calls["answerCallbackQuery"] >= fuzzer.callbacks
    assert replies >= fuzzer.private  # every private message got at least one reply
    growth = memory[-1] - memory[len(memory) // 4]
    print(
        f"fuzz: {UPDATES} updates ({fuzzer.private} private messages, {fuzzer.callbacks} button presses); "
        f"{replies} replies; RSS {memory[0]:.0f} -> {memory[-1]:.0f} MB"
    )
    assert growth < 60, memory
