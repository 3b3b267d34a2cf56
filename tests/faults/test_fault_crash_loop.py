"""People write notes and walk flows while the bot process is killed with SIGKILL at random moments.

After each kill: every note confirmed is stored, none twice, the database is sound, and everyone who was
answered has a place to resume from.
"""

from __future__ import annotations

import asyncio
import os
import random
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

from bot.service import ChatService
from bot.settings import PROJECT_ROOT, Settings
from bot.store.sqlite import DATABASE_FILE
from tests.fake_telegram import FakeTelegram
from tests.faults.scale import count

KILLS = count(5, 50)
WRITERS = [7300001, 7300002]
WALKERS = [7300003, 7300004]
WALK = ["/start", "Is this stalking?", "/menu", "Staying safe day to day", "/menu", "Who can help me"]
REPLY_WAIT = 1.5  # a person waits this long for an answer, then carries on (as they would tap again)
TYPING = 0.6  # and takes this long to write the next message; faster than 2 a second is refused as a flood


class People:
    """Simulated people: writers note incidents; walkers go through flows. Each waits for a reply."""

    def __init__(self, fake: FakeTelegram) -> None:
        self.fake = fake
        self.notes: dict[int, list[str]] = {p: [] for p in WRITERS}
        self.running = True

    async def wait_reply(self, person: int, before: int) -> None:
        for _ in range(int(REPLY_WAIT / 0.05)):
            if len(self.fake.texts(person)) > before:
                return
            await asyncio.sleep(0.05)

    async def say(self, person: int, text: str) -> None:
        before = len(self.fake.texts(person))
        await self.fake.push(self.fake.message(person, text))
        await self.wait_reply(person, before)
        await asyncio.sleep(TYPING)

    async def write(self, person: int) -> None:
        number = 0
        while self.running:
            number += 1
            text = f"crash-{person}-{number} he was outside again"
            self.notes[person].append(text)
            await self.say(person, f"/note {text}")
            await self.say(person, "Stop here")

    async def walk(self, person: int) -> None:
        step = 0
        while self.running:
            await self.say(person, WALK[step % len(WALK)])
            step += 1


async def check(settings: Settings, people: People, fake: FakeTelegram) -> int:
    """Look at the database while the bot is down: confirmed notes stored once, sound, places kept.

    Return how many notes are stored.
    """
    total = 0
    if not (settings.data_dir / DATABASE_FILE).exists():  # killed before it opened the store: nobody answered
        assert not any(fake.texts(person) for person in WRITERS + WALKERS)
        return 0
    with sqlite3.connect(settings.data_dir / DATABASE_FILE) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    service = await ChatService.open(settings)
    try:
        for person in WRITERS:
            stored = [n.text for n in await service.notebook.notes(service.pseudonymiser.key("telegram", person))]
            confirmed = sum(t.startswith("Saved.") for t in fake.texts(person))
            assert len(stored) == len(set(stored)), "a note was stored twice"
            assert set(stored) <= set(people.notes[person])
            assert confirmed <= len(stored), f"{confirmed} confirmations but {len(stored)} notes"
            total += len(stored)
        for person in WALKERS + WRITERS:
            if fake.texts(person):
                assert await service.has_state("telegram", person)
    finally:
        await service.close()
    return total


def start_bot(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "bot", "telegram"], cwd=PROJECT_ROOT, env=env, stdout=out, stderr=out
        )


async def test_a_crash_loop_loses_no_confirmed_note(tmp_path: Path) -> None:
    fake = FakeTelegram()
    await fake.start()
    env = {
        **os.environ,
        "BOT_DATA_DIR": str(tmp_path / "data"),
        "TELEGRAM_BOT_TOKEN": fake.token,
        "TELEGRAM_API_BASE_URL": fake.base_url,
    }
    settings = Settings.from_env(env)
    people = People(fake)
    tasks = [asyncio.create_task(people.write(p)) for p in WRITERS]
    tasks += [asyncio.create_task(people.walk(p)) for p in WALKERS]
    chance = random.Random(1121)
    log = tmp_path / "bot.log"
    try:
        for _ in range(KILLS):
            process = start_bot(env, log)
            await asyncio.sleep(chance.uniform(0.3, 2.5))
            process.send_signal(signal.SIGKILL)
            await asyncio.to_thread(process.wait, 10)
            await check(settings, people, fake)
        people.running = False
        process = start_bot(env, log)
        await asyncio.wait_for(asyncio.gather(*tasks), 30)
        for person in WRITERS + WALKERS:
            before = len(fake.texts(person))
            await fake.push(fake.message(person, "/menu"))
            await fake.wait_for(lambda person=person, before=before: len(fake.texts(person)) > before, 30)  # type: ignore[misc]
        process.send_signal(signal.SIGTERM)
        assert await asyncio.to_thread(process.wait, 30) == 0
        stored = await check(settings, people, fake)
    finally:
        people.running = False
        for task in tasks:
            task.cancel()
        await fake.stop()
    notes = sum(len(n) for n in people.notes.values())
    saved = sum(t.startswith("Saved.") for p in WRITERS for t in fake.texts(p))
    assert "Traceback" not in log.read_text(errors="replace")
    floods = sum(t.startswith("You are sending messages very quickly") for p in WRITERS for t in fake.texts(p))
    assert (stored, floods) == (notes, 0)  # updates are acknowledged once handled: every note sent arrives
    print(f"crash loop: {KILLS} SIGKILLs; {notes} notes sent, {stored} stored (each once), {saved} confirmed")
