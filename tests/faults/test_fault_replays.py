"""Every update delivered two or three times, shuffled: state, notes and sent messages are as if delivered once."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

from bot.engine.program import Program
from bot.platforms.telegram.app import PLATFORM
from tests.fake_telegram import FakeTelegram
from tests.faults.scale import count
from tests.telegram_harness import Running, bot_on
from tests.transcript import normalise

JOURNEYS = [
    ["/note replay-canary he was at the door", "Add details", "yesterday 6pm", "Home", "Skip", "Stop here", "/log"],
    ["/start", "Is this stalking?", "he's here", "/back", "/menu", "Staying safe day to day", "/menu"],
    ["/note another note", "Stop here", "complete my last note", "20/11 17:30", "Stop here", "/log", "See the pattern"],
]
PEOPLE = count(3, 30)
FIRST_ID = 9100


async def run(fake: FakeTelegram, data_dir: Path, program: Program, copies: random.Random | None) -> dict[str, Any]:
    """Play every journey in rounds (one message per person a round); with ``copies``, replay each update."""
    people = {FIRST_ID + n: JOURNEYS[n % len(JOURNEYS)] for n in range(PEOPLE)}
    update_id, delivered = 0, 0
    async with bot_on(fake, data_dir, program) as running:
        for step in range(len(JOURNEYS[0])):
            updates = []
            for person, journey in people.items():
                update_id += 1
                updates.append((update_id, fake.message(person, journey[step])))
            batch = [u for u in updates for _ in range(copies.choice((2, 3)) if copies else 1)]
            if copies:
                copies.shuffle(batch)  # one update per person a round, so each chat's order holds
            expected = len(fake.calls_of("sendMessage")) + len(updates)
            for number, update in batch:
                await fake.push(update, update_id=number)
            delivered += len(batch)
            try:
                await fake.wait_for(lambda expected=expected: len(fake.calls_of("sendMessage")) >= expected)  # type: ignore[misc]
            except AssertionError:
                raise AssertionError(f"step {step}: {[(p, fake.texts(p)) for p in people]}") from None
            await fake.drained()
        return {
            "texts": {p: [normalise(t) for t in fake.texts(p)] for p in people},
            "notes": {p: await notes_of(running, p) for p in people},
            "delivered": delivered,
        }


async def notes_of(running: Running, person: int) -> list[str]:
    service = running.bot.service
    return [n.text for n in await service.notebook.notes(service.pseudonymiser.key(PLATFORM, person))]


async def test_replayed_updates_take_effect_once(program: Program, tmp_path: Path) -> None:
    once, replayed = FakeTelegram(), FakeTelegram()
    await once.start()
    await replayed.start()
    try:
        expected = await run(once, tmp_path / "once", program, None)
        actual = await run(replayed, tmp_path / "replayed", program, random.Random(7))
    finally:
        await once.stop()
        await replayed.stop()
    assert actual["texts"] == expected["texts"]
    assert actual["notes"] == expected["notes"]
    assert all(len(texts) == len(JOURNEYS[0]) for texts in actual["texts"].values())
    print(f"replays: {actual['delivered']} deliveries of {expected['delivered']} updates, all taken once")
