"""Typed messages over Telegram (the fake Bot API): danger from anywhere, "Did you mean" buttons, notes kept."""

from __future__ import annotations

from bot.platforms.telegram.app import PLATFORM
from tests.telegram_harness import ALICE, Running, press, say


async def test_danger_typed_in_a_note_saves_the_note_first(running: Running) -> None:
    await say(running, ALICE, "/menu")
    await press(running, ALICE, "Note an incident")
    reply = await say(running, ALICE, "hes outside my flat right now")
    assert "call 999" in reply
    key = running.bot.service.pseudonymiser.key(PLATFORM, ALICE)
    [note] = await running.bot.service.notebook.notes(key)
    assert note.text == "hes outside my flat right now"
    labels = [label for label, _ in running.fake.buttons(running.fake.sent(ALICE)[-1])]
    assert "Back to where I was" in labels


async def test_cannot_speak_typed_goes_straight_to_the_silent_solution(running: Running) -> None:
    await say(running, ALICE, "/menu")
    reply = await say(running, ALICE, "cant talk hes in the next room")
    assert "55" in reply


async def test_a_did_you_mean_button_goes_where_it_says(running: Running) -> None:
    await say(running, ALICE, "/menu")
    reply = await say(running, ALICE, "any advice")
    assert reply.startswith("I'm not sure I understood.")
    labels = [label for label, _ in running.fake.buttons(running.fake.sent(ALICE)[-1])]
    assert labels[-2:] == ["Main menu", "🆘 In danger now"] and len(labels) >= 3
    reply = await press(running, ALICE, "Staying safe day to day")
    assert reply.startswith("Here are some things that can help keep you safer.")


async def test_danger_with_a_question_offers_the_question_too(running: Running) -> None:
    await say(running, ALICE, "/menu")
    reply = await say(running, ALICE, "someone is banging on my door who can i call")
    assert "call 999" in reply
    labels = [label for label, _ in running.fake.buttons(running.fake.sent(ALICE)[-1])]
    assert labels[0] == "Go on to: Who can help me"
    reply = await press(running, ALICE, "Go on to: Who can help me")
    assert reply.startswith("Let's find the right people to talk to.")


async def test_a_forged_go_to_button_is_refused(running: Running) -> None:
    await say(running, ALICE, "/menu")
    before = len(running.fake.sent(ALICE))
    await running.fake.push(running.fake.press(ALICE, "1:g:notasignature"))
    await running.fake.wait_for(lambda: len(running.fake.sent(ALICE)) > before)
    assert str(running.fake.sent(ALICE)[-1].params["text"]).startswith("That button is from an older message.")
