"""What a notification shows at a glance: the first 60 characters of every message say nothing revealing.

Walks every message template with sample variables, every screen on each platform, and the log's views
and a note's questions with real notes, whose words must never be in a preview either.
"""

from __future__ import annotations

import pytest

from bot.engine.events import Choose, Command, Pick, Text
from bot.engine.outputs import Buttons, Output
from bot.engine.program import Program
from bot.engine.step import screen
from bot.flows.content import LOG_TEMPLATES, SYSTEM_TEMPLATES
from bot.flows.plan_parts import PLAN_TEMPLATES
from bot.flows.screen_checks import LOG_MESSAGES, NOT_MESSAGES, SAMPLE_SLOTS, ScreenRules, load_rules
from bot.flows.template_files import PLATFORMS
from bot.platforms import declared
from bot.platforms.plain_text import body_text
from bot.service import ChatService
from tests.conftest import CONTENT

CANARY = "Zebracake"  # the person's own words: a note's text, its answers, its corrections


@pytest.fixture(scope="module")
def rules() -> ScreenRules:
    found, problems = load_rules(CONTENT / "screens.yaml")
    assert not problems
    return found


def glance(text: str) -> str:
    return " ".join(text.split())[:60]


def assert_discreet(rules: ScreenRules, text: str, what: str) -> None:
    assert not rules.revealing(text), f"{what}: {glance(text)!r} says {rules.revealing(text)}"
    assert CANARY.casefold() not in glance(text).casefold(), f"{what}: {glance(text)!r} shows the person's words"


def test_the_rules_catch_what_they_should(rules: ScreenRules) -> None:
    assert rules.revealing("Here is the helpline for you.") == ["helpline"]
    assert rules.revealing("About this guide. It walks you through police") == ["police"]
    assert rules.revealing("Your notes over time 0 incidents") == ["incident"]
    assert not rules.revealing("Here is what to do now, one step at a time. If you are in danger")
    assert rules.platform_words("Tap a button in the messaging app") == ["button", "tap", "messaging app"]
    assert not rules.platform_words("Answer by tapping your phone")


def test_every_message_template_is_checked_or_is_a_label(program: Program) -> None:
    labels = {o.label for n in program.flows.nodes.values() for o in n.options}
    said = {n.say for n in program.flows.nodes.values() if n.say}
    own = {k for platform in declared() for k in platform.templates}  # each platform's own messages
    # The plan's views have their own test of every preview (tests/test_plan_views.py).
    walked = said | set(SYSTEM_TEMPLATES) | set(LOG_MESSAGES) | own | set(PLAN_TEMPLATES) | {"log.exported"}
    for template_id in program.content.templates.sources:
        base = template_id.split("@")[0]
        assert (
            base in walked
            or base in labels
            or NOT_MESSAGES.match(base)
            or base in LOG_TEMPLATES
            or base in {"understand.national", "understand.complete"}
        ), f"{template_id} is never walked for its preview"


@pytest.mark.parametrize("platform", PLATFORMS)
def test_every_screen_and_message_is_discreet(program: Program, rules: ScreenRules, platform: str) -> None:
    shown = program.for_platform(platform)
    slots = {**SAMPLE_SLOTS, "note_preview": f"{CANARY} outside"}
    for node in shown.flows.nodes.values():
        if node.say is not None:
            assert_discreet(rules, body_text(screen(shown, node.id, slots, "menu.main")), node.id)
    templates = shown.content.templates
    own = {k: v for p in declared() if p.name == platform for k, v in p.templates.items()}
    for template_id, variables in {**SYSTEM_TEMPLATES, **own}.items():
        if not NOT_MESSAGES.match(template_id):
            assert_discreet(rules, templates.render(template_id, {"slots": slots, **variables}), template_id)


def button(outputs: list[Output], label: str) -> Choose | Pick:
    found = [b.event for o in outputs if isinstance(o, Buttons) for b in o.buttons if b.label.startswith(label)]
    assert found and isinstance(found[0], Choose | Pick), label
    return found[0]


@pytest.mark.parametrize("platform", PLATFORMS)
async def test_the_log_and_a_note_never_show_the_persons_words(
    service: ChatService, rules: ScreenRules, platform: str
) -> None:
    replies: list[tuple[str, str]] = []

    async def send(event: Command | Text | Choose | Pick, what: str) -> list[Output]:
        outputs = await service.handle(platform, "alice", event)
        assert outputs is not None
        replies.append((what, body_text(outputs)))
        return list(outputs)

    saved = await send(Command("note", f"{CANARY} was outside my work with a police car"), "saved")
    await send(button(saved, "Add details"), "add details")
    for answer in ("yesterday 6pm", *[f"{CANARY} answer {i}" for i in range(8)]):  # every question of the note
        await send(Text(answer), f"after {answer}")
    listed = await send(Command("log"), "the list")
    notes = [b.event for o in listed if isinstance(o, Buttons) for b in o.buttons if isinstance(b.event, Pick)]
    opened = await send(notes[0], "one note")
    await send(button(opened, "Add a correction"), "correction asked")
    await send(Text(f"{CANARY} correction"), "corrected")
    await send(button(listed, "See the pattern"), "the pattern")
    await send(button(listed, "Export"), "exported")
    assert len(replies) > 14
    for what, text in replies:
        assert_discreet(rules, text, what)
