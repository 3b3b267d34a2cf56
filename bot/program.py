"""The checked bundle the engine runs: flows, content, and the indexes built from them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot import words
from bot.content import Content, load_content
from bot.diagnostics import Diagnostic, InvalidFlows
from bot.flow_loader import load_flows
from bot.flow_model import FlowSet, Intent
from bot.flow_validator import slot_names, validate


@dataclass(frozen=True)
class Program:
    """Flows and content that passed validation, ready for the engine."""

    flows: FlowSet
    content: Content
    slots: frozenset[str]
    intents: tuple[Intent, ...]
    commands: dict[str, str]

    def is_emergency(self, text: str) -> bool:
        """Tell whether typed text holds emergency words (which reach emergency help from anywhere)."""
        said = words.words(text)
        return any(words.matches(e.words, said) for e in self.content.emergency_words)


def check(flows_dir: Path, content_dir: Path) -> tuple[Program, list[Diagnostic]]:
    """Load and validate flows and content; return the program and every problem found."""
    flows, flow_problems = load_flows(flows_dir)
    content, content_problems = load_content(content_dir)
    problems = [*flow_problems, *content_problems, *validate(flows, content, flows_dir)]
    # Longer patterns are more specific, so they are tried first.
    intents = tuple(sorted(flows.intents(), key=lambda i: -len([w for w in i.words if w != "*"])))
    program = Program(flows, content, slot_names(flows), intents, flows.command_flows())
    return program, sorted(set(problems))


def load_program(flows_dir: Path, content_dir: Path) -> Program:
    """Load a program, raising InvalidFlows with every problem when there is any."""
    program, problems = check(flows_dir, content_dir)
    if problems:
        raise InvalidFlows(problems)
    return program
