"""The log through the chat service: paging, picking only your own notes, and sealed conversation state."""

from __future__ import annotations

import csv
import io
import sqlite3
from datetime import UTC, datetime

from pypdf import PdfReader

from bot.engine.events import NEWER, OLDER, Choose, Command, Pick, Text
from bot.engine.outputs import Buttons, Message, Output
from bot.log.effects import export
from bot.service import ChatService
from bot.store.sqlite import DATABASE_FILE


def texts(outputs: object) -> str:
    assert isinstance(outputs, list)
    return "\n".join(o.text for o in outputs if isinstance(o, Message))


def picks(outputs: list[Output] | None) -> list[Pick]:
    assert outputs is not None
    buttons = [b for o in outputs if isinstance(o, Buttons) for b in o.buttons]
    return [b.event for b in buttons if isinstance(b.event, Pick)]


async def write_notes(service: ChatService, user: str, count: int) -> None:
    for number in range(count):
        await service.handle("terminal", user, Command("note", f"note number {number}"))


async def test_the_list_is_paged_newest_first(service: ChatService) -> None:
    await write_notes(service, "alice", 12)
    first = await service.handle("terminal", "alice", Command("log"))
    assert "Your notes: 12 (page 1 of 3), latest first." in texts(first)
    items = picks(first)
    assert [p.item for p in items][-1] == OLDER and len(items) == 6
    second = await service.handle("terminal", "alice", items[-1])
    assert "(page 2 of 3)" in texts(second) and "note number 6" in texts(second)
    assert {p.item for p in picks(second)} >= {OLDER, NEWER}
    third = await service.handle("terminal", "alice", picks(second)[-2])  # older again
    assert "(page 3 of 3)" in texts(third) and "note number 0" in texts(third)
    assert [p.item for p in picks(third)][-1] == NEWER


async def test_only_your_own_notes_can_be_picked(service: ChatService) -> None:
    await write_notes(service, "alice", 1)
    [alices] = [p for p in picks(await service.handle("terminal", "alice", Command("log"))) if len(p.item) == 32]
    await service.handle("terminal", "mallory", Command("log"))
    stolen = await service.handle("terminal", "mallory", alices)
    assert texts(stolen).startswith("That button is from an older message.")
    assert "note number 0" not in texts(stolen)
    forged = await service.handle("terminal", "alice", Pick(alices.node, "f" * 32))
    assert texts(forged).startswith("That button is from an older message.")
    mine = await service.handle("terminal", "alice", alices)
    assert texts(mine).startswith("Here is this note in full") and "note number 0" in texts(mine)


async def test_the_conversation_state_is_sealed(service: ChatService) -> None:
    await service.handle("terminal", "alice", Command("start"))
    await service.handle("terminal", "alice", Choose("menu.main", 2))  # who can help: the routing flow
    await service.store.checkpoint()
    with sqlite3.connect(service.store.path) as db:
        [(state,)] = db.execute("SELECT state FROM conversations").fetchall()
    assert isinstance(state, bytes) and b"routing" not in state and b"node" not in state
    reopened = await service.store.load_state(service.pseudonymiser.key("terminal", "alice"))
    assert reopened is not None and reopened.node is not None and reopened.node.startswith("routing.")
    assert DATABASE_FILE in service.store.path.name


async def test_follow_ups_fill_the_columns_of_the_export(service: ChatService) -> None:
    now = datetime.now(UTC)
    answers = [
        "yesterday 6pm",
        "Carlton Road",
        "Screenshots",
        "Called 101, they gave a reference",
        "Could not sleep",
        "Changed my route",
        "My son was with me",
        "Sam, a neighbour",
    ]
    await service.handle("terminal", "alice", Command("note", "he followed me home", now))
    await service.handle("terminal", "alice", Choose("note.saved", 0))
    for answer in answers:
        await service.handle("terminal", "alice", Text(answer, now))
    key = service.pseudonymiser.key("terminal", "alice")
    pdf, table = await export(service.notebook, key, service.program.content.templates, now)
    [header, row] = list(csv.reader(io.StringIO(table.data.decode("utf-8-sig"))))
    assert header[1:10] == [
        "Date and time",
        "Location",
        "What happened",
        "Evidence",
        "Police contact, what they did, reference",
        "Impact of this incident",
        "Changes as a result",
        "Impact on children or others",
        "Witnesses",
    ]
    assert row[1].endswith(", 18:00 (yesterday 6pm)") and row[3] == "he followed me home"
    assert [row[2], *row[4:10]] == answers[1:]
    assert "he followed me home" in PdfReader(io.BytesIO(pdf.data)).pages[0].extract_text()
