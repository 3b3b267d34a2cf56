"""Fill in views of the plan (one section, or the whole plan as a few short messages) through templates."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.engine.outputs import Message, Output, PlanView
from bot.engine.templates import TemplateLibrary
from bot.flows.plan_parts import CHOICES, NOTED, SECTIONS, TICKS
from bot.log.plan import Plan, is_ticked

MAX_PLAN_MESSAGE = 700  # characters in one message of "See my plan"
SAMPLE_NUMBER = 99  # the widest part number a header is measured with


@dataclass(frozen=True)
class PlanWords:
    """Every word the plan's views and PDF print around the person's own, rendered once from templates."""

    headings: Mapping[str, str]
    notes: Mapping[str, str]
    items: Mapping[str, str]
    helplines: Mapping[str, str]
    not_yet: str
    ticked: str
    unticked: str
    title: str

    @classmethod
    def render(cls, templates: TemplateLibrary, helplines: Mapping[str, tuple[str, str]]) -> PlanWords:
        """Render the headings, the parts' labels and each helpline as it is shown ({id: (name, number)})."""

        def text(template: str, variables: Mapping[str, object] | None = None) -> str:
            return templates.render(template, variables or {})

        return cls(
            {section: text(f"plan.heading_{section}") for section in SECTIONS},
            {section: text(f"plan.note_{section}") for section in NOTED},
            {item: text(f"plan.item_{item}") for items in SECTIONS.values() for item in items},
            {i: text("plan.helpline_line", {"name": n, "number": num}) for i, (n, num) in helplines.items()},
            text("plan.not_yet"),
            text("plan.ticked"),
            text("plan.unticked"),
            text("plan.pdf_title"),
        )


def section_lines(section: str, plan: Plan, words: PlanWords, reminder: bool = True) -> list[str]:
    """Return a section as lines: each point ticked or not, each written part, each choice, then its reminder.

    A section's own screen says the reminder at more length above it, so it is left out there.
    """
    lines = []
    for item in SECTIONS[section]:
        label, found = words.items[item], plan.get(item)
        if item in TICKS:
            lines.append(f"{words.ticked if is_ticked(plan, item) else words.unticked} {label}")
        elif item in CHOICES:
            lines.append(f"{label}: {words.helplines.get(found.text, words.not_yet) if found else words.not_yet}")
        else:
            lines.append(f"{label}: {found.text if found else words.not_yet}")
    return [*lines, *([words.notes[section]] if reminder and section in words.notes else [])]


def expand(outputs: Sequence[Output], plan: Plan, words: PlanWords, templates: TemplateLibrary) -> list[Output]:
    """Replace each PlanView with its messages."""
    expanded: list[Output] = []
    for output in outputs:
        if not isinstance(output, PlanView):
            expanded.append(output)
        elif output.view == "plan_section" and output.section in SECTIONS:
            lines = section_lines(output.section, plan, words, reminder=False)
            variables = {"heading": words.headings[output.section], "lines": lines}
            expanded.append(Message("plan.section_view", templates.render("plan.section_view", variables)))
        elif output.view == "plan":
            expanded.extend(whole_plan(plan, words, templates))
    return expanded


def whole_plan(plan: Plan, words: PlanWords, templates: TemplateLibrary) -> list[Message]:
    """Return the whole plan as a few messages, each under 700 characters and starting with a neutral header."""
    widest = templates.render("plan.view_header", {"part": SAMPLE_NUMBER, "parts": SAMPLE_NUMBER})
    room = MAX_PLAN_MESSAGE - len(widest) - 2
    paragraphs = []
    for section in SECTIONS:
        paragraphs.append("\n".join([words.headings[section], *section_lines(section, plan, words)]))
    bodies = _packed(paragraphs, room)
    return [
        Message(
            "plan.view",
            templates.render("plan.view_header", {"part": number, "parts": len(bodies)}) + "\n\n" + body,
            alone=True,
        )
        for number, body in enumerate(bodies, start=1)
    ]


def _packed(paragraphs: Sequence[str], room: int) -> list[str]:
    """Put paragraphs together into bodies of at most ``room`` characters, splitting only one that is too long."""
    pieces = [piece for p in paragraphs for piece in _split(p, room)]
    bodies: list[str] = []
    for piece in pieces:
        if bodies and len(bodies[-1]) + 2 + len(piece) <= room:
            bodies[-1] += "\n\n" + piece
        else:
            bodies.append(piece)
    return bodies


def _split(paragraph: str, room: int) -> list[str]:
    if len(paragraph) <= room:
        return [paragraph]
    lines: list[str] = []
    for line in paragraph.split("\n"):
        lines.extend(textwrap.wrap(line, room, break_long_words=True, replace_whitespace=False) or [""])
    chunks: list[str] = []
    for line in lines:
        if chunks and len(chunks[-1]) + 1 + len(line) <= room:
            chunks[-1] += "\n" + line
        else:
            chunks.append(line)
    return chunks
