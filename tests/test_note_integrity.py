"""Every button and answer lands on the note it was given for, however quickly notes follow each other."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.engine.events import Attachment, Choose, Command, Text
from bot.engine.outputs import Buttons, Message, Output
from bot.platforms.telegram.app import PLATFORM
from bot.service import ChatService
from tests.telegram_harness import ALICE, Running, say
from tests.transcript import replay


def saved_buttons(outputs: list[Output] | None) -> dict[str, Choose]:
    assert outputs is not None
    buttons = [b for o in outputs if isinstance(o, Buttons) for b in o.buttons]
    return {b.label: b.event for b in buttons if isinstance(b.event, Choose)}


async def when_of(service: ChatService, platform: str, user: str | int) -> dict[str, str]:
    notes = await service.notebook.notes(service.pseudonymiser.key(platform, user))
    return {n.text: (n.latest("when").text if n.latest("when") else "") for n in notes}  # type: ignore[union-attr]


@pytest.mark.parametrize("count", [2, 3, 6])
async def test_details_under_the_first_saved_go_to_the_first_note_on_telegram(running: Running, count: int) -> None:
    fake = running.fake
    under: list[dict[str, str]] = []
    for number in range(1, count + 1):
        assert (await say(running, ALICE, f"/note incident {number}")).startswith("Saved.")
        under.append(dict(fake.buttons(fake.sent(ALICE)[-1])))
    assert len({buttons["Add details"] for buttons in under}) == count  # each "Saved." names its own note

    before = len(fake.sent(ALICE))
    await fake.push(fake.press(ALICE, under[0]["Add details"]))
    await fake.wait_for(lambda: len(fake.sent(ALICE)) > before)
    question = str(fake.sent(ALICE)[-1].params["text"])
    assert question.startswith("When did it happen?") and question.endswith('(For your note "incident 1")')
    reply = await say(running, ALICE, "yesterday 5pm")
    assert reply.startswith("Noted: ") and ", 17:00." in reply.splitlines()[0]

    when = await when_of(running.bot.service, PLATFORM, ALICE)
    assert when["incident 1"].endswith("(yesterday 5pm)")
    assert all(when[f"incident {n}"] == "" for n in range(2, count + 1))


@pytest.mark.parametrize("count", [2, 3, 6])
async def test_buttons_kept_from_an_earlier_note_act_on_it_in_the_service(service: ChatService, count: int) -> None:
    now = datetime.now(UTC)
    kept = [
        saved_buttons(await service.handle("terminal", "ann", Command("note", f"incident {n}", now)))
        for n in range(1, count + 1)
    ]
    middle = kept[count // 2]
    await service.handle("terminal", "ann", middle["Add details"])
    reply = await service.handle("terminal", "ann", Text("20/11 09:30", now))
    assert reply is not None and any(isinstance(o, Message) and o.text.startswith("Noted: ") for o in reply)
    # "Stop here" under the first note, then a file question answered: still nothing on the others.
    await service.handle("terminal", "ann", kept[0]["Stop here"])
    when = await when_of(service, "terminal", "ann")
    assert [n for n, w in when.items() if w] == [f"incident {count // 2 + 1}"]


@pytest.mark.parametrize("count", [2, 3, 6])
async def test_quick_notes_in_the_terminal_add_details_to_the_note_on_screen(service: ChatService, count: int) -> None:
    replies = await replay(service, [*(f"/note incident {n}" for n in range(1, count + 1)), "Add details", "now"])
    assert replies[-1].startswith("Noted: ")
    when = await when_of(service, "terminal", "local")
    assert [n for n, w in when.items() if w] == [f"incident {count}"]


async def test_a_button_of_someone_elses_note_is_refused(service: ChatService) -> None:
    buttons = saved_buttons(await service.handle("terminal", "ann", Command("note", "ann's note")))
    reply = await service.handle("terminal", "mal", buttons["Add details"])
    assert reply is not None and str(reply[0].text).startswith("That button is from an older message.")  # type: ignore[union-attr]


async def test_a_wrong_time_is_corrected_by_an_amendment(service: ChatService) -> None:
    now = datetime.now(UTC)
    buttons = saved_buttons(await service.handle("terminal", "ann", Command("note", "he was outside", now)))
    await service.handle("terminal", "ann", buttons["Add details"])
    where = saved_buttons(await service.handle("terminal", "ann", Text("yesterday 5pm", now)))
    asked = await service.handle("terminal", "ann", where["Change the time"])
    assert asked is not None and str(asked[0].text).startswith("When did it happen?")  # type: ignore[union-attr]
    reply = await service.handle("terminal", "ann", Text("yesterday 4pm", now))
    assert reply is not None and str(reply[0].text).startswith("Noted: ")  # type: ignore[union-attr]
    [note] = await service.notebook.notes(service.pseudonymiser.key("terminal", "ann"))
    assert note.answers["when"].text.endswith("(yesterday 5pm)")  # the first answer is kept
    assert [a.text[-15:] for a in note.amendments] == ["(yesterday 4pm)"]
    assert note.latest("when") == note.amendments[0]


async def test_an_edited_note_message_is_offered_as_a_correction_on_telegram(running: Running) -> None:
    fake, service = running.fake, running.bot.service
    sent = fake.message(ALICE, "/note he was outside at 5")
    assert (await send_update(running, sent)).startswith("Saved.")
    await say(running, ALICE, "/note a second, unrelated note")
    changed = {**sent["message"], "text": "/note he was outside at 6", "edit_date": 1}  # type: ignore[dict-item]
    reply = await send_update(running, {"edited_message": changed})
    assert reply.startswith("You changed a message after sending it.")
    assert (await press_last(running, "Add this as a correction")).startswith("Added to your note.")
    notes = {n.text: n for n in await service.notebook.notes(service.pseudonymiser.key(PLATFORM, ALICE))}
    assert [a.text for a in notes["he was outside at 5"].amendments] == ["he was outside at 6"]
    assert notes["a second, unrelated note"].amendments == ()
    other = fake.message(ALICE, "just chatting")["message"]
    assert (await send_update(running, {"edited_message": {**other, "edit_date": 1}})).startswith("I can't see")


async def send_update(running: Running, update: dict[str, object]) -> str:
    before = len(running.fake.sent(ALICE))
    await running.fake.push(update)
    await running.fake.wait_for(lambda: len(running.fake.sent(ALICE)) > before)
    return str(running.fake.sent(ALICE)[-1].params["text"])


async def press_last(running: Running, label: str) -> str:
    data = dict(running.fake.buttons(running.fake.sent(ALICE)[-1]))[label]
    return await send_update(running, running.fake.press(ALICE, data))


async def test_a_captioned_photo_from_the_menu_starts_a_note(running: Running) -> None:
    from tests.test_telegram_log import jpeg, photo_message

    await say(running, ALICE, "/menu")
    data = jpeg()
    reply = await send_update(running, photo_message(running, running.fake.upload(data), len(data), "his car again"))
    assert reply.startswith("Saved.") and "Kept with your note, encrypted." in reply
    service = running.bot.service
    [note] = await service.notebook.notes(service.pseudonymiser.key(PLATFORM, ALICE))
    assert note.text == "his car again" and len(note.evidence) == 1


async def test_an_empty_log_offers_neither_pattern_nor_export(service: ChatService) -> None:
    labels = saved_buttons(await service.handle("terminal", "ann", Command("log")))
    assert "See the pattern" not in labels and "Export (PDF and CSV)" not in labels
    assert "Note an incident" in labels
    await service.handle("terminal", "ann", Command("note", "one"))
    labels = saved_buttons(await service.handle("terminal", "ann", Command("log")))
    assert "See the pattern" in labels and "Export (PDF and CSV)" in labels


async def test_the_list_is_ordered_by_when_it_happened_and_marks_unstated_times(service: ChatService) -> None:
    now = datetime.now(UTC)
    for text, when in (("earlier incident", "3 days ago"), ("no time given", ""), ("older incident", "5 days ago")):
        buttons = saved_buttons(await service.handle("terminal", "ann", Command("note", text, now)))
        if when:
            await service.handle("terminal", "ann", buttons["Add details"])
            await service.handle("terminal", "ann", Text(when, now))
    reply = await service.handle("terminal", "ann", Command("log"))
    listing = "\n".join(o.text for o in reply or () if isinstance(o, Message))
    lines = [line for line in listing.splitlines() if line.startswith("• ")]
    assert [line.rsplit(": ", 1)[1] for line in lines] == ["no time given", "earlier incident", "older incident"]
    assert "not stated — written at " in lines[0]


async def test_after_a_file_the_evidence_question_offers_next_not_skip(service: ChatService) -> None:
    async def fetch(ref: str) -> bytes:
        return b"%PDF-1.4 a statement"

    buttons = saved_buttons(await service.handle("terminal", "ann", Command("note", "he sent a letter")))
    where = saved_buttons(await service.handle("terminal", "ann", buttons["Add details"]))
    asked = saved_buttons(await service.handle("terminal", "ann", where["Skip"]))
    assert "Skip" in asked
    kept = await service.handle(
        "terminal", "ann", Attachment("document", "ref", 20, "application/pdf", "letter.pdf"), fetch=fetch
    )
    after = saved_buttons(kept)
    assert "Next" in after and "Skip" not in after
    assert "Skip" in saved_buttons(await service.handle("terminal", "ann", after["Next"]))  # the next question


@pytest.mark.parametrize("count", [2, 3, 6])
async def test_back_to_a_question_after_another_notes_button_answers_the_note_it_was_asked_for(
    service: ChatService, count: int
) -> None:
    now = datetime.now(UTC)
    kept = [
        saved_buttons(await service.handle("terminal", "ann", Command("note", f"incident {n}", now)))
        for n in range(1, count + 1)
    ]
    asked = await service.handle("terminal", "ann", kept[0]["Add details"])
    assert str(asked[0].text).endswith('(For your note "incident 1")')  # type: ignore[index,union-attr]
    await service.handle("terminal", "ann", kept[-1]["Stop here"])  # a button kept under the last note
    again = await service.handle("terminal", "ann", Command("back"))
    assert again is not None
    assert str(again[0].text).endswith('(For your note "incident 1")')  # type: ignore[union-attr]
    await service.handle("terminal", "ann", Text("yesterday 5pm", now))
    when = await when_of(service, "terminal", "ann")
    assert [n for n, w in when.items() if w] == ["incident 1"]


async def test_back_from_emergency_help_to_a_question_answers_its_note_on_telegram(running: Running) -> None:
    fake = running.fake
    await say(running, ALICE, "/note incident 1")
    first = dict(fake.buttons(fake.sent(ALICE)[-1]))
    await say(running, ALICE, "/note incident 2")
    second = dict(fake.buttons(fake.sent(ALICE)[-1]))
    assert (await send_update(running, fake.press(ALICE, first["Add details"]))).endswith('note "incident 1")')
    await send_update(running, fake.press(ALICE, dict(fake.buttons(fake.sent(ALICE)[-1]))["🆘 In danger now"]))
    danger_back = dict(fake.buttons(fake.sent(ALICE)[-1]))["Back to where I was"]
    await send_update(running, fake.press(ALICE, second["Stop here"]))  # under the second note's "Saved."
    await send_update(running, fake.press(ALICE, danger_back))  # back to the emergency screen
    question = await send_update(running, fake.press(ALICE, danger_back))  # and back to the question
    assert question.startswith("When did it happen?") and question.endswith('(For your note "incident 1")')
    assert (await say(running, ALICE, "yesterday 5pm")).startswith("Noted: ")
    when = await when_of(running.bot.service, PLATFORM, ALICE)
    assert when["incident 1"].endswith("(yesterday 5pm)") and when["incident 2"] == ""
