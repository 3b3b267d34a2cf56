"""A flood from one person is throttled politely; others are answered as usual; emergency words get through."""

from __future__ import annotations

import statistics
import time

from tests.faults.scale import count
from tests.telegram_harness import ALICE, BOB, Running, say

FLOOD = count(1000, 1000)


async def timed_say(running: Running, user: int, text: str) -> float:
    started = time.monotonic()
    await say(running, user, text)
    return time.monotonic() - started


async def test_a_thousand_messages_in_a_second_are_throttled_and_others_are_not_delayed(running: Running) -> None:
    fake = running.fake
    await say(running, BOB, "/start")
    usual = [await timed_say(running, BOB, "/menu") for _ in range(5)]
    await say(running, ALICE, "/start")
    for number in range(FLOOD):
        # The last is typed while far over the limit: emergency words still get through.
        await fake.push(fake.message(ALICE, "he's here" if number == FLOOD - 1 else f"message {number}"))
        if number == FLOOD // 2:
            flooded = time.monotonic()
            await fake.push(fake.message(BOB, "/menu"))
    await fake.wait_for(lambda: len(fake.sent(BOB)) == 7)
    during = time.monotonic() - flooded
    # Not queued behind the flood: the other person is answered while the flood is still being worked
    # through, before the reply to its last message. (The time is printed, and kept in docs/reliability.md;
    # a bound in seconds failed on a busy machine while the bot behaved exactly the same.)
    emergency = "Here is what to do now, one step at a time."
    assert not any(t.startswith(emergency) for t in fake.texts(ALICE)), "the flood was done before Bob's reply"
    await fake.drained()
    texts = fake.texts(ALICE)
    assert sum(t.startswith("You are sending messages very quickly") for t in texts) == 1
    assert len(texts) < 40  # the burst allowance and one warning, not a thousand replies
    usual_ms = statistics.median(usual) * 1000
    print(f"flood: {FLOOD} messages; another person's reply {during * 1000:.0f} ms (usual {usual_ms:.0f} ms)")
    await fake.wait_for(lambda: any(t.startswith(emergency) for t in fake.texts(ALICE)))
