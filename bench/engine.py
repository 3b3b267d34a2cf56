"""Turns per second of the pure engine on the shipped flows, and the cost of one template render."""

from __future__ import annotations

import random
import time

from bot.engine.events import Command, Event, Text
from bot.engine.outputs import Buttons
from bot.engine.program import Program
from bot.engine.state import ConversationState
from bot.engine.step import step
from bot.flows.program import load_program
from bot.settings import PROJECT_ROOT

TURNS = 20_000
RENDERS = 20_000
TEMPLATE = "danger.now"  # the emergency screen: a few lines and a number from the directory


def walk(program: Program, turns: int, seed: int = 7) -> float:
    """Return turns per second for a person pressing random buttons and sometimes typing."""
    chance = random.Random(seed)
    state, outputs = step(program, ConversationState(), Command("start"))
    started = time.perf_counter()
    for _ in range(turns):
        buttons = [b for o in outputs if isinstance(o, Buttons) for b in o.buttons]
        event: Event = chance.choice(buttons).event if buttons and chance.random() < 0.9 else Text("is this stalking")
        if isinstance(event, Command) and event.name in ("clear", "exit"):
            event = Command("menu")  # platform actions: not the engine's work
        state, outputs = step(program, state, event)
    return turns / (time.perf_counter() - started)


def render_cost(program: Program, renders: int) -> float:
    """Return microseconds for one render of a typical message with a helpline number."""
    templates = program.content.templates
    started = time.perf_counter()
    for _ in range(renders):
        templates.render(TEMPLATE, {"slots": {}})
    return (time.perf_counter() - started) / renders * 1e6


def main() -> None:
    """Print the engine figures."""
    program = load_program(PROJECT_ROOT / "flows", PROJECT_ROOT / "content")
    turns, render = walk(program, TURNS), render_cost(program, RENDERS)
    print(f"engine: {turns:,.0f} turns/s on the shipped flows; one template render {render:.1f} µs")


if __name__ == "__main__":
    main()
