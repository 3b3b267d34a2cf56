"""Hostile text comes back literally and never changes what the bot does."""

from __future__ import annotations

import pytest

from bot.platforms.telegram.app import PLATFORM
from tests.telegram_harness import ALICE, Running, say

HOSTILE = [
    "{{7*7}}",
    "{% for x in range(9) %}x{% endfor %}",
    "{{ number('samaritans') }} {{ slots }}",
    "<b>bold</b> <a href='tg://user?id=1'>link</a>",
    "*bold* _italic_ [link](http://example.org) `code`",
    "\u202eevil\u202c right-to-left override",
]


@pytest.mark.parametrize("text", HOSTILE)
async def test_hostile_text_is_kept_and_shown_literally(running: Running, text: str) -> None:
    fake, service = running.fake, running.bot.service
    menu = await say(running, ALICE, "/menu")
    reply = await say(running, ALICE, text)  # at the menu: read as words, never run as a template
    assert "49" not in reply and "xxxxxxxxx" not in reply and "{{" not in reply
    if reply.startswith("Sorry"):  # nothing close: the same buttons again (else "Did you mean" guesses)
        assert fake.sent(ALICE)[-1].params.get("reply_markup") == fake.sent(ALICE)[-2].params.get("reply_markup")
    assert (await say(running, ALICE, "/menu")) == menu  # nothing changed
    await say(running, ALICE, f"/note {text}")
    key = service.pseudonymiser.key(PLATFORM, ALICE)
    [note] = await service.notebook.notes(key)
    assert note.text == text.strip()
    await say(running, ALICE, "/log")
    label = fake.buttons(fake.sent(ALICE)[-1])[0][0]
    data = dict(fake.buttons(fake.sent(ALICE)[-1]))[label]
    before = len(fake.sent(ALICE))
    await fake.push(fake.press(ALICE, data))
    await fake.wait_for(lambda: len(fake.sent(ALICE)) > before)
    view = fake.texts(ALICE)[-1]
    # Rendered, the note would read "49"; the view's own times (07:49) may hold those digits.
    assert f"\n{text.strip()}\n" in view and "\n49\n" not in view and "116 123" not in view
    assert all("parse_mode" not in call.params for call in fake.sent(ALICE))
