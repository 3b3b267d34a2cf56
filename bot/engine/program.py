"""The checked bundle the engine runs: flows, content, and the indexes built from them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from bot.engine.lexicon import Lexicon
from bot.engine.model import FlowSet, Source
from bot.engine.templates import TemplateLibrary
from bot.engine.understanding import Understanding


@dataclass(frozen=True)
class Helpline:
    """A service people can call, exactly as the guidance gives it."""

    id: str
    name: str
    number: str
    for_whom: str
    hours: str | None
    document: str
    source: Source


@dataclass(frozen=True)
class Content:
    """The loaded content directory."""

    templates: TemplateLibrary
    helplines: Mapping[str, Helpline]
    lexicon: Lexicon
    directory: Path


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
