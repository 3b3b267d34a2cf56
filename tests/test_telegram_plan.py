"""My plan on Telegram: a golden transcript through the real Application and the fake Bot API, the PDF as a
document, neutral previews on every message, nothing readable at rest, and "Delete everything".

To record the journey again: UPDATE_TRANSCRIPTS=1 pytest tests/test_telegram_plan.py; then read every reply.
"""

from __future__ import annotations

import io
import os
import re
from datetime import UTC, datetime

from pypdf import PdfReader

from bot.engine.when import LONDON
from bot.platforms.telegram.app import PLATFORM
from bot.store.sqlite import DATABASE_FILE
from tests.telegram_harness import ALICE, Running, press, say
from tests.transcript import DIRECTORY

GOLDEN = DIRECTORY / "telegram" / "my_plan.txt"
UPDATE = os.environ.get("UPDATE_TRANSCRIPTS") == "1"
CANARY = "canary-heron"
NEXT_MESSAGE = "-- next message --"
REVEALING = re.compile(r"safety|stalk|police|danger|abuse|harass|evidence|helpline|crime|incident", re.IGNORECASE)
JOURNEY = [
    "/plan",
    "[Go through it step by step]",
    f"{CANARY} Sam, my sister. I text her when I leave work.",
    "[Skip]",
    "The Co-op on Mansfield Road",
    "[Skip]",
    "[Privacy settings checked]",
    "[Next]",
    "[Skip]",
    "[Skip]",
    "[Victim CARE]",
    "[Skip]",
    "[I won't block them]",
    "[Next]",
    "[See my plan]",
    "[Print it (PDF)]",
    "[Change a part]",
    "[My places]",
    "[Clear this part]",
    "[Back to my plan]",
    "[See my plan]",
]


def database_bytes(running: Running) -> bytes:
    return b"".join(p.read_bytes() for p in running.settings.data_dir.glob(f"{DATABASE_FILE}*"))


async def act(running: Running, line: str) -> str:
    """Type or press (``[Label]``) and return the whole reply: each message, its buttons, any file sent."""
    fake = running.fake
    before, files = len(fake.sent(ALICE)), len(fake.documents(ALICE))
    if line.startswith("[") and line.endswith("]"):
        data = dict(fake.buttons(fake.sent(ALICE)[-1]))[line[1:-1]]
        await fake.push(fake.press(ALICE, data))
    else:
        await fake.push(fake.message(ALICE, line))
    await fake.wait_for(
        lambda: len(fake.sent(ALICE)) > before and bool(fake.sent(ALICE)[-1].params.get("reply_markup"))
    )
    await fake.drained()
    sent = fake.sent(ALICE)[before:]
    parts = [f"\n{NEXT_MESSAGE}\n".join(str(call.params["text"]) for call in sent)]
    parts.append("[buttons: " + " | ".join(label for label, _ in fake.buttons(sent[-1])) + "]")
    parts += [f"[document: {d['filename']}]" for d in fake.documents(ALICE)[files:]]
    return "\n".join(parts)


def render(replies: list[tuple[str, str]]) -> str:
    today = datetime.now(UTC).astimezone(LONDON).strftime("%Y-%m-%d")
    body = "\n\n".join(f"> {line}\n{reply}" for line, reply in replies)
    return "# My plan on Telegram: built, seen, printed, one part cleared.\n\n" + body.replace(today, "<today>") + "\n"


async def test_the_plan_journey_on_telegram(running: Running) -> None:
    replies = [(line, await act(running, line)) for line in JOURNEY]
    if UPDATE:
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(render(replies), encoding="utf-8")
    assert render(replies) == GOLDEN.read_text(encoding="utf-8")

    for call in running.fake.sent(ALICE):  # what a lock screen shows of each message
        first = " ".join(str(call.params["text"]).split())[:60]
        assert not REVEALING.search(first) and CANARY not in first, first
    plan_messages = [
        str(c.params["text"]) for c in running.fake.sent(ALICE) if c.params["text"].startswith("My plan, ")
    ]
    assert plan_messages and all(len(text) <= 700 for text in plan_messages)

    [document] = running.fake.documents(ALICE)
    reader = PdfReader(io.BytesIO(document["data"]))
    text = " ".join(reader.pages[0].extract_text().split())
    assert len(reader.pages) == 1 and reader.metadata is not None and reader.metadata.title == "My plan"
    assert f"{CANARY} Sam, my sister." in text and "The Co-op on Mansfield Road" in text
    assert document["filename"].startswith("my-plan-") and "safety" not in document["filename"]
    protected = [c.params.get("protect_content") for c in running.fake.calls if c.method == "sendDocument"]
    assert protected == [None] or protected == [False]  # a file to keep and pass on, like the log's


async def test_the_plan_is_unreadable_at_rest_and_deleted_with_everything(running: Running) -> None:
    service = running.bot.service
    await say(running, ALICE, "/plan")
    await press(running, ALICE, "Go through it step by step")
    await say(running, ALICE, f"{CANARY} my buddy is Jo")
    await service.store.checkpoint()
    assert CANARY.encode() not in database_bytes(running)
    key = service.pseudonymiser.key(PLATFORM, ALICE)
    assert (await service.plan.plan(key))["buddy"].text == f"{CANARY} my buddy is Jo"

    await say(running, ALICE, "/forget")
    reply = await press(running, ALICE, "Yes, delete everything")
    assert reply.startswith("Done. Everything kept for you has been deleted")
    assert await service.plan.plan(key) == {}
    assert b"plan_items" in database_bytes(running)  # the table is still there, with nothing of theirs
    reply = await say(running, ALICE, "/plan")
    assert reply.startswith("My plan: a page you build here")
    await press(running, ALICE, "See my plan")
    assert CANARY not in "\n".join(running.fake.texts(ALICE)[-3:])
