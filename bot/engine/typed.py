"""Typed text on a screen: a button's label typed (or misspelt), the slots a message told, what to offer."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from difflib import SequenceMatcher
from typing import Protocol

from bot.engine.events import Command, Goto
from bot.engine.outputs import Button
from bot.engine.program import Program
from bot.engine.understanding import Reading, Understanding

LABEL_LIKENESS = 0.85  # how alike typed text and a button's label must be to press it ("Skpi" -> "Skip")


class Render(Protocol):
    """Render a template with variables (the turn's own render)."""

    def __call__(self, template: str, variables: Mapping[str, str] | None = None) -> str: ...


def label_index(understanding: Understanding, labels: Iterable[str], text: str, free_text: bool) -> int | None:
    """Return the option whose label was typed: exactly, or (where no free text is awaited) misspelt."""
    said = understanding.normalise(text)
    if not said:
        return None
    typed = " ".join(said)
    known = [" ".join(understanding.normalise_label(label)) for label in labels]
    for index, label in enumerate(known):
        if label == typed:
            return index
    if free_text:
        return None
    matcher = SequenceMatcher(b=typed)
    scored = []
    for index, label in enumerate(known):
        matcher.set_seq1(label)
        # The cheap upper bounds first, as difflib.get_close_matches does: most labels fail them.
        if matcher.real_quick_ratio() >= LABEL_LIKENESS and matcher.quick_ratio() >= LABEL_LIKENESS:
            scored.append((matcher.ratio(), index))
    best = max(scored, default=(0.0, -1))
    return best[1] if best[0] >= LABEL_LIKENESS else None


def heard(program: Program, reading: Reading) -> dict[str, str]:
    """Return the slots a message told (who is doing it), marked as heard so the flow can confirm them."""
    slots = {k: v for k, v in reading.slots.items() if k in program.slots}
    return {**slots, **{f"{k}_heard": "yes" for k in slots if f"{k}_heard" in program.slots}}


def go_on_button(program: Program, reading: Reading, render: Render) -> Button | None:
    """Return a button to what else a message about danger asked, so an over-cautious match costs one tap."""
    intent = program.content.lexicon.intents.get(reading.intent or "") if reading.by_phrase else None
    if intent is None or intent.go is None or intent.go.startswith("danger."):
        return None
    return Button(render("understand.go_on_to", {"label": render(intent.label)}), goto_event(intent.go))


def guess_buttons(program: Program, reading: Reading, render: Render) -> list[Button]:
    """Return a button for each guess at what a message meant that leads somewhere."""
    intents = program.content.lexicon.intents
    guesses = [intents[name] for name in reading.guesses if intents[name].go]
    return [Button(render(i.label), goto_event(i.go or "")) for i in guesses]


def goto_event(target: str) -> Goto | Command:
    """Return the event a typed intent's target stands for: a node, or a command such as /clear."""
    return Command(target[1:]) if target.startswith("/") else Goto(target)
