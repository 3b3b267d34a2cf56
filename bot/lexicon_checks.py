"""Checks of content/understanding/ against the flows and templates, as file:line diagnostics."""

from __future__ import annotations

from collections.abc import Iterator

from bot.content import Content
from bot.diagnostics import Diagnostic
from bot.flow_model import BUILTIN_COMMANDS, PLATFORM_COMMANDS, FlowSet
from bot.lexicon import DANGER_KINDS, load_examples
from bot.understanding import Understanding


def check_lexicon(content: Content, flows: FlowSet, understanding: Understanding) -> Iterator[Diagnostic]:
    """Yield every problem in what the bot knows of typed text."""
    lexicon = content.lexicon
    for topic in (*lexicon.danger, *lexicon.intents.values()):
        target = topic.go
        if target is None:
            continue
        command = target[1:] if target.startswith("/") else None
        if command is not None and command not in (*BUILTIN_COMMANDS, *PLATFORM_COMMANDS):
            yield Diagnostic(topic.source, "UNKNOWN_TARGET", f"'{topic.name}' goes to unknown command '{target}'")
        elif command is None and target not in flows.nodes:
            yield Diagnostic(topic.source, "UNKNOWN_TARGET", f"'{topic.name}' goes to '{target}', which is not a node")
        if topic.label and topic.label not in content.templates:
            yield Diagnostic(topic.source, "UNKNOWN_TEMPLATE", f"'{topic.name}' has label '{topic.label}'")
    yield from _shadowed(content, understanding)
    yield from _examples(content)


def _shadowed(content: Content, understanding: Understanding) -> Iterator[Diagnostic]:
    """Flag intent phrases that always read as danger now: emergency help would always be taken instead."""
    for intent in content.lexicon.intents.values():
        for entry in intent.phrases:
            texts = [" ".join(w for w in form if w != "*") for form in entry.phrase.forms]
            if all(understanding.read(text).danger for text in texts):
                yield Diagnostic(
                    entry.source,
                    "INTENT_SHADOWS_EMERGENCY",
                    f"phrase '{entry.phrase.text}' always holds danger words, so it would go to emergency help instead",
                )


def _examples(content: Content) -> Iterator[Diagnostic]:
    """Flag labelled messages whose labels are not known, in examples/ and heldout/."""
    problems: list[Diagnostic] = []
    held_out = load_examples(content.directory / "understanding" / "heldout", problems)
    yield from problems
    for example in (*content.lexicon.examples, *held_out):
        if example.intent is not None and example.intent not in content.lexicon.intents:
            yield Diagnostic(example.source, "UNKNOWN_INTENT", f"'{example.intent}' is not an intent in intents.yaml")
        if example.danger is not None and example.danger not in DANGER_KINDS:
            yield Diagnostic(example.source, "UNKNOWN_INTENT", f"'{example.danger}' is not a danger kind")
