"""Checks of content/understanding/ against the flows and templates, as file:line diagnostics."""

from __future__ import annotations

from collections.abc import Iterator

from bot.engine.diagnostics import Diagnostic
from bot.engine.lexicon import DANGER_KINDS
from bot.engine.model import BUILTIN_COMMANDS, PLATFORM_COMMANDS, FlowSet
from bot.engine.program import Content
from bot.engine.understanding import Understanding
from bot.flows.lexicon_files import load_examples


def check_lexicon(
    content: Content, flows: FlowSet, understanding: Understanding, held_out: bool = True, alone: bool = True
) -> Iterator[Diagnostic]:
    """Yield every problem in what the bot knows of typed text (``held_out``: check the held-out set too;
    ``alone``: the checks of content/understanding/ on its own too, which a cache of it has passed)."""
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
    if alone:
        yield from _shadowed(content, understanding)
    yield from _examples(content, held_out)


def _shadowed(content: Content, understanding: Understanding) -> Iterator[Diagnostic]:
    """Flag intent phrases whose words always hold danger now: emergency help would always be taken instead."""
    for intent in content.lexicon.intents.values():
        for entry in intent.phrases:
            texts = [" ".join(w for w in form if w != "*") for form in entry.phrase.forms]
            if all(understanding.danger_now(text) for text in texts):
                yield Diagnostic(
                    entry.source,
                    "INTENT_SHADOWS_EMERGENCY",
                    f"phrase '{entry.phrase.text}' always holds danger words, so it would go to emergency help instead",
                )


def _examples(content: Content, held_out: bool) -> Iterator[Diagnostic]:
    """Flag labelled messages whose labels are not known, in examples/, development/ and (``held_out``) heldout/."""
    problems: list[Diagnostic] = []
    folders = ("heldout",) if held_out else ()
    kept = [e for name in folders for e in load_examples(content.directory / "understanding" / name, problems)]
    kept += content.lexicon.development
    yield from problems
    labels: dict[str, tuple[str | None, str | None]] = {}
    for example in content.lexicon.examples:
        text = " ".join(example.text.casefold().split())
        label = (example.intent, example.danger)
        if labels.setdefault(text, label) != label:
            yield Diagnostic(example.source, "DUPLICATE_ID", f"'{example.text}' is labelled differently elsewhere")
    for example in (*content.lexicon.examples, *kept):
        if example.intent is not None and example.intent not in content.lexicon.intents:
            yield Diagnostic(example.source, "UNKNOWN_INTENT", f"'{example.intent}' is not an intent in intents.yaml")
        if example.danger is not None and example.danger not in DANGER_KINDS:
            yield Diagnostic(example.source, "UNKNOWN_INTENT", f"'{example.danger}' is not a danger kind")
