"""Simulated people walking real journeys through the guide: pressing buttons and typing, notes included."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import chain, cycle
from typing import Any

from bench.bot_api import LoadServer


@dataclass(frozen=True)
class Say:
    """Type a message."""

    text: str


@dataclass(frozen=True)
class Press:
    """Press a button on the last reply: by its label, or by its position (0 is the first)."""

    button: str | int


Step = Say | Press

JOURNEYS: tuple[tuple[Step, ...], ...] = (
    (  # "Is this stalking?", then routed to a helpline
        Say("/menu"),
        Press("Is this stalking?"),
        Press("Yes"),
        Press("No"),
        Press("No"),
        Press("No"),
        Press("Who can help me"),
        Press("Yes, Nottinghamshire"),
        Press("Someone else I know"),
        Press("Women's helpline"),
    ),
    (  # note an incident from the menu and add details
        Say("/menu"),
        Press("Note an incident"),
        Say("He was waiting outside my work again at 5. He shouted my name."),
        Press("Add details"),
        Say("yesterday 6pm"),
        Say("Outside my work"),
        Press("Stop here"),
    ),
    (  # danger words typed in the middle of another flow
        Say("/menu"),
        Press("Is this stalking?"),
        Say("he's here"),
        Press("Followed while driving"),
        Press("Main menu"),
    ),
    (  # a quick note, then the log: open it, correct it, see the pattern
        Say("/note He sent 14 messages overnight."),
        Press("Stop here"),
        Press("Main menu"),
        Press("My notes"),
        Press(0),
        Press("Add a correction"),
        Say("It was 15 messages, not 14."),
        Press("Back to my notes"),
        Press("See the pattern"),
    ),
)


ROUTING = JOURNEYS[:1]  # the journey the peer bots (bench.peer_flow) can walk too


class JourneyBroken(RuntimeError):
    """A journey asked for a button the bot did not show: the flows changed, so the journey must."""


@dataclass
class Person:
    """One person: walks the journeys in turn, one message at a time, waiting for each reply."""

    user_id: int
    buttons: bool  # False for the echo bot: presses are typed as text instead
    journeys: tuple[tuple[Step, ...], ...] = JOURNEYS
    steps: Iterator[Step] = field(init=False)
    first_journey_steps: int = field(init=False)
    keyboard: list[tuple[str, str]] = field(default_factory=list)
    offered_at: float = 0.0
    replied: asyncio.Event = field(default_factory=asyncio.Event)

    def __post_init__(self) -> None:
        first = self.user_id % len(self.journeys)
        order = self.journeys[first:] + self.journeys[:first]
        self.steps = chain([Say("/start")], chain.from_iterable(cycle(order)))
        self.first_journey_steps = 1 + len(order[0])

    @property
    def waiting(self) -> bool:
        return self.offered_at > 0

    def send_next(self, server: LoadServer) -> None:
        """Offer the next step of the journey to the bot."""
        step = next(self.steps)
        self.replied.clear()
        self.offered_at = time.perf_counter()
        if isinstance(step, Say):
            server.offer(self.user_id, text=step.text)
        elif not self.buttons:
            server.offer(self.user_id, text=str(step.button))
        else:
            server.offer(self.user_id, data=self._data(step.button))

    def receive(self, params: dict[str, Any]) -> float | None:
        """Take one message from the bot; return the latency when it completes the reply, else None."""
        markup = params.get("reply_markup")
        if self.buttons and not markup:
            return None  # the bot sends its reply's last message with the buttons
        if markup:
            self.keyboard = [(b["text"], b["callback_data"]) for row in markup["inline_keyboard"] for b in row]
        if not self.waiting:
            return None
        latency = time.perf_counter() - self.offered_at
        self.offered_at = 0.0
        self.replied.set()
        return latency

    def _data(self, button: str | int) -> str:
        if isinstance(button, int):
            return self.keyboard[button][1]
        for label, data in self.keyboard:
            if label == button:
                return data
        raise JourneyBroken(f"no button {button!r}; the last reply showed {[label for label, _ in self.keyboard]}")
