"""Views of the plan: short messages with neutral previews, whatever the person wrote; every plan screen's preview."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from bot.engine.events import Resume
from bot.engine.outputs import Message, PlanView
from bot.engine.program import Program
from bot.engine.state import ConversationState
from bot.engine.step import step
from bot.flows.plan_parts import SECTIONS, TICKS
from bot.log.plan import PlanItem
from bot.log.plan_views import MAX_PLAN_MESSAGE, PlanWords, expand, whole_plan

PREVIEW = 60
REVEALING = re.compile(r"safety|stalk|police|danger|abuse|harass|evidence|helpline|crime|incident|999", re.IGNORECASE)
NOW = datetime(2026, 11, 22, 7, 0, tzinfo=UTC)


def preview(text: str) -> str:
    """Return what a lock screen shows: the first 60 characters, lines run together."""
    return " ".join(text.split())[:PREVIEW]


def words(program: Program) -> PlanWords:
    helplines = {h.id: (h.name, h.number) for h in program.content.helplines.values()}
    return PlanWords.render(program.content.templates, helplines)


def written(text: str) -> dict[str, PlanItem]:
    """Return a plan with every written part saying ``text``, every point ticked and a helpline chosen."""
    parts = {i: PlanItem(i, NOW, text) for items in SECTIONS.values() for i in items if i not in TICKS}
    parts |= {i: PlanItem(i, NOW, "yes:press") for i in TICKS}
    parts["helpline"] = PlanItem("helpline", NOW, "victim_care")
    return parts


def test_the_whole_plan_is_a_few_short_messages_with_neutral_previews(program: Program) -> None:
    long_words = "police danger stalking evidence 999 " * 40  # the person's own words, as long as a message allows
    for text in ("Sam", long_words):
        messages = whole_plan(written(text), words(program), program.content.templates)
        assert 1 < len(messages) <= 20
        for message in messages:
            assert message.alone and len(message.text) <= MAX_PLAN_MESSAGE
            assert message.text.startswith("My plan, ")
            assert not REVEALING.search(preview(message.text)), preview(message.text)
            assert text.split()[0] not in preview(message.text)
        if text == long_words:  # nothing the person wrote is left out, though it runs over several messages
            assert "\n".join(m.text for m in messages).count("evidence") == 40 * 6


def test_an_empty_plan_shows_every_section_waiting(program: Program) -> None:
    messages = whole_plan({}, words(program), program.content.templates)
    together = "\n".join(m.text for m in messages)
    assert together.count("(not filled in yet)") == 7 and together.count("☐") == len(TICKS)


def test_a_section_shows_its_ticks_and_the_chosen_line(program: Program) -> None:
    plan = written("x")
    [shown] = expand([PlanView("plan_section", "support")], plan, words(program), program.content.templates)
    assert isinstance(shown, Message)
    assert "My helpline: Nottinghamshire Victim CARE, 0800 304 7575" in shown.text
    [shown] = expand([PlanView("plan_section", "wont")], plan, words(program), program.content.templates)
    assert isinstance(shown, Message) and shown.text.count("✓") == 3


def test_every_plan_screen_has_a_neutral_preview(program: Program) -> None:
    """Each screen starts with the bot's own words (never the person's), and says nothing revealing first."""
    for node in program.flows.flows["plan"].nodes.values():
        if node.say is None:
            continue  # "See my plan": its messages are checked above
        state = ConversationState(node=node.id, history=("menu.main",), slots={"plan_walk": "yes"})
        _, outputs = step(program, state, Resume())
        texts = [o for o in outputs if isinstance(o, Message) and o.template != "system.resume"]
        assert texts and texts[0].template.startswith("plan."), node.id
        first = texts[0].text
        if node.show is not None:  # the person's words come after the screen's own first 60 characters
            assert len(" ".join(first.split())) >= PREVIEW, (node.id, first)
        assert not REVEALING.search(preview(first)), (node.id, preview(first))
        assert len(first) <= 900


def test_every_fact_in_the_plan_has_a_source(program: Program) -> None:
    sources = program.content.templates.sources
    stating = ("start", "people", "told", "places", "routine", "phone", "evidence", "danger", "support", "wont")
    for name in stating:
        assert sources[f"plan.{name}"].facts, name
