"""The checked bundle the engine runs: flows, content, and the indexes built from them."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from bot.content import Content, load_content
from bot.diagnostics import Diagnostic, InvalidFlows
from bot.flow_loader import load_flows
from bot.flow_model import FlowSet
from bot.flow_validator import slot_names, validate
from bot.lexicon_checks import check_lexicon
from bot.provenance_checks import check_sources
from bot.understanding import Understanding


@dataclass(frozen=True)
class Program:
    """Flows and content that passed validation, ready for the engine."""

    flows: FlowSet
    content: Content
    slots: frozenset[str]
    commands: dict[str, str]
    understanding: Understanding

    def for_platform(self, platform: str) -> Program:
        """Return the program with each template's own words for this platform, where it has them."""
        templates = self.content.templates.for_platform(platform)
        return replace(self, content=replace(self.content, templates=templates))

    def is_emergency(self, text: str) -> bool:
        """Tell whether typed text describes danger now (which reaches emergency help from anywhere)."""
        return self.understanding.danger_now(text) is not None

    def can_go_to(self, target: str) -> bool:
        """Tell whether a "Did you mean" or "Go on to" button may lead to this node."""
        return any(intent.go == target for intent in self.content.lexicon.intents.values())


def check(flows_dir: Path, content_dir: Path, held_out: bool = True) -> tuple[Program, list[Diagnostic]]:
    """Load and validate flows and content; return the program and every problem found.

    ``held_out``: also check the held-out messages (not used to run the bot, so not read when it starts).
    """
    flows, flow_problems = load_flows(flows_dir)
    content, content_problems = load_content(content_dir)
    problems = [*flow_problems, *content_problems, *validate(flows, content, flows_dir)]
    whole = not problems  # screens are shown only from flows and content that hold together
    understanding = Understanding(content.lexicon)
    problems.extend(check_lexicon(content, flows, understanding, held_out))
    problems.extend(check_sources(flows, content))
    slots = slot_names(flows) | frozenset(content.lexicon.slots)
    program = Program(flows, content, slots, flows.command_flows(), understanding)
    if whole:
        from bot.screen_checks import check_screens  # it runs the engine, which needs this module

        problems.extend(check_screens(program))
    return program, sorted(set(problems))


def load_program(flows_dir: Path, content_dir: Path) -> Program:
    """Load a program, raising InvalidFlows with every problem when there is any."""
    program, problems = check(flows_dir, content_dir, held_out=False)
    if any(not p.warning for p in problems):
        raise InvalidFlows(problems)
    return program
