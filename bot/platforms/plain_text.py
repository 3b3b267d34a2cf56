"""Render outputs as plain text: the shared form for terminals and chat apps without markup."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.engine import words
from bot.engine.events import Event, parse_text
from bot.engine.outputs import Button, Buttons, HelplineCard, Message, Output


def card_text(card: HelplineCard) -> str:
    """Write a helpline card so that the number stands on its own line (chat apps make it tappable)."""
    lines = [card.name, f"Call {card.number}", card.for_whom]
    if card.hours:
        lines.append(card.hours)
    return "\n".join(lines)


def body_text(outputs: Sequence[Output]) -> str:
    """Join the messages and helpline cards of one reply, in order."""
    parts = []
    for output in outputs:
        if isinstance(output, Message):
            parts.append(output.text)
        elif isinstance(output, HelplineCard):
            parts.append(card_text(output))
    return "\n\n".join(p for p in parts if p)


def buttons_of(outputs: Sequence[Output]) -> tuple[Button, ...]:
    """Return the buttons offered at the end of a reply."""
    offered = [o for o in outputs if isinstance(o, Buttons)]
    return offered[-1].buttons if offered else ()


def numbered(buttons: Sequence[Button]) -> str:
    """Write buttons as a numbered list, one per line."""
    return "\n".join(f"{i}. {b.label}" for i, b in enumerate(buttons, start=1))


def typed_event(text: str, buttons: Sequence[Button], sent_at: datetime | None = None) -> Event:
    """Turn typed text into an event: a button's label (in any case or spacing) picks it; else it is text."""
    said = words.words(text)
    for button in buttons:
        if said and words.words(button.label) == said:
            return button.event
    return parse_text(text, sent_at)
