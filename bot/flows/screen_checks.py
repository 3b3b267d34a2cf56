"""Every screen as a person sees it: short enough, emergency help one tap away, a way on, a discreet preview."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.engine.diagnostics import Diagnostic
from bot.engine.model import Source
from bot.engine.outputs import Button, Buttons, HelplineCard, Message, Output
from bot.engine.platform import Capabilities
from bot.engine.program import Program
from bot.engine.step import screen
from bot.flows.content import LOG_TEMPLATES, SYSTEM_TEMPLATES
from bot.flows.template_files import PLATFORMS
from bot.flows.yaml_source import YamlReader, read_text

SCREEN_WARN_CHARS = 600
SCREEN_MAX_CHARS = 700
PREVIEW_CHARS = 60
NOTE_CANARY = "Qzxv"  # stands for the person's own words: never in a preview
SAMPLE_SLOTS = {"who": "partner", "line": "both", "note_preview": f"{NOTE_CANARY} was here", "file_kept": ""}
# Templates that are never a message of their own (button labels, words in the PDF, command descriptions,
# the web page's own labels).
NOT_MESSAGES = re.compile(
    r"^(command\.|system\.button_|web\.(emergency|exit|exit_hint|conversation|guide_said|you_said|choices|write|send|"
    r"upload_label|upload|call|download|make_code|open_label|open|later_heading)$|"
    r"understand\.(go_on_to|national|complete)$|log\.(item_button|option_|column_|kind_|"
    r"pdf_|manifest_header|added|noted|sent|not_stated))"
)
WHO = ("family", "unknown", "partner", "known", "stranger")  # each answer to "Who is doing this?" (rarer first)
LOG_MESSAGES = ("log.list", "log.list_empty", "log.note", "log.note_gone", "log.pattern", "log.pack")


@dataclass(frozen=True)
class ScreenRules:
    """Words a preview must not start with, and words the terminal chat never says."""

    preview_words: tuple[str, ...]
    terminal_words: tuple[str, ...]

    def revealing(self, text: str) -> list[str]:
        """Return the revealing words in a message's first 60 characters, lines run together (and the person's own)."""
        glance = " ".join(text.split())[:PREVIEW_CHARS].casefold()
        found = [w for w in self.preview_words if re.search(rf"(?<![\w]){re.escape(w)}", glance)]
        return found + (["the person's own words"] if NOTE_CANARY.casefold() in glance else [])

    def platform_words(self, text: str) -> list[str]:
        """Return the words a terminal screen should not say (buttons, messaging apps)."""
        folded = text.casefold()
        return [w for w in self.terminal_words if re.search(rf"(?<![\w]){re.escape(w)}s?(?![\w])", folded)]


def load_rules(path: Path) -> tuple[ScreenRules, list[Diagnostic]]:
    """Read content/screens.yaml."""
    reader = YamlReader(str(path))
    text = read_text(path, reader)
    root = reader.parse(text) if text is not None else None
    entries = reader.mapping(root, "screens.yaml", {"preview_words", "terminal_words"}) if root is not None else {}
    words = {k: tuple(w.casefold() for w in reader.texts(v, k)) for k, v in entries.items()}
    return ScreenRules(words.get("preview_words", ()), words.get("terminal_words", ())), reader.problems


def card_text(card: HelplineCard) -> str:
    """Write a helpline card as every platform shows it (platforms/plain_text.py writes it the same way)."""
    return "\n".join([card.name, f"Call {card.number}", card.for_whom, *([card.hours] if card.hours else [])])


def screen_text(outputs: Sequence[Output]) -> str:
    """Return a screen's text as sent: its messages and helpline cards, in order."""
    parts = [
        o.text if isinstance(o, Message) else card_text(o) for o in outputs if isinstance(o, Message | HelplineCard)
    ]
    return "\n\n".join(p for p in parts if p)


def buttons_of(outputs: Sequence[Output]) -> tuple[Button, ...]:
    """Return the buttons a screen offers (the last set, as the platforms show them)."""
    offered = [o for o in outputs if isinstance(o, Buttons)]
    return offered[-1].buttons if offered else ()


def check_screens(program: Program, platforms: Sequence[Capabilities] = ()) -> Iterator[Diagnostic]:
    """Check every node's screen on every platform (both kinds when none is named), and every message's preview."""
    rules, problems = load_rules(program.content.directory / "screens.yaml")
    yield from problems
    names = [p.name for p in platforms] or list(PLATFORMS)
    numbered = {p.name for p in platforms if p.choices == "numbers"} if platforms else {"terminal"}
    for platform in names:
        shown = program.for_platform(platform)
        for node in shown.flows.nodes.values():
            if node.say is None:
                continue
            for slots in slot_variants(shown, node.say):
                outputs = screen(shown, node.id, slots, came_from=_start(shown, "menu"))
                where = node.where("say")
                yield from _screen_problems(shown, rules, (platform, platform in numbered), where, node.id, outputs)
    yield from _template_previews(program, rules, platforms)


def slot_variants(program: Program, template_id: str) -> list[dict[str, str]]:
    """Return sample answers for a screen: one for each answer to "who" when its words depend on it."""
    if "slots.who" not in program.content.templates.sources[template_id].text:
        return [dict(SAMPLE_SLOTS)]
    return [{**SAMPLE_SLOTS, "who": who} for who in WHO]


def _start(program: Program, flow: str) -> str:
    return program.flows.flows[flow].start_node


def _screen_problems(
    program: Program,
    rules: ScreenRules,
    on: tuple[str, bool],
    where: Source,
    node_id: str,
    outputs: Sequence[Output],
) -> Iterator[Diagnostic]:
    platform, numbered = on
    text = screen_text(outputs)
    where_said = f"on {platform}, '{node_id}'"
    if len(text) > SCREEN_MAX_CHARS:
        message = f"{where_said} is {len(text)} characters with its cards (at most {SCREEN_MAX_CHARS})"
        yield Diagnostic(where, "SCREEN_TOO_LONG", message)
    elif len(text) > SCREEN_WARN_CHARS:
        message = f"{where_said} is {len(text)} characters with its cards (aim for {SCREEN_WARN_CHARS})"
        yield Diagnostic(where, "SCREEN_LONG", message, warning=True)
    buttons = buttons_of(outputs)
    lines = program.content.helplines
    emergency = lines["police_emergency"].number if "police_emergency" in lines else "999"
    if not any("🆘" in b.label for b in buttons) and emergency not in text:
        yield Diagnostic(where, "NO_EMERGENCY", f"{where_said} has neither the 🆘 button nor {emergency} in its text")
    if node_id != _start(program, "menu") and not [b for b in buttons if "🆘" not in b.label]:
        yield Diagnostic(where, "NO_WAY_ON", f"{where_said} offers no way on (Back, the menu, or options)")
    for word in rules.revealing(text):
        message = f"{where_said}: the first {PREVIEW_CHARS} characters say '{word}': {_glance(text)}"
        yield Diagnostic(where, "PREVIEW_REVEALS", message)
    if numbered:  # a platform without buttons or a messaging app, such as the terminal
        for word in rules.platform_words(text):
            yield Diagnostic(where, "PLATFORM_WORDS", f"{where_said}: the {platform} chat has no '{word}'")


def _template_previews(program: Program, rules: ScreenRules, platforms: Sequence[Capabilities]) -> Iterator[Diagnostic]:
    """Check the preview of each message the engine, the platforms and the log send whatever the flows say."""
    samples: Mapping[str, Mapping[str, object]] = {
        **SYSTEM_TEMPLATES,
        **{k: _canary(v) for k, v in LOG_TEMPLATES.items() if k in LOG_MESSAGES},
        **{k: v for p in platforms for k, v in p.templates.items()},
    }
    templates = program.content.templates
    for template_id, variables in samples.items():
        if NOT_MESSAGES.match(template_id) or template_id not in templates:
            continue
        text = templates.render(template_id, {"slots": SAMPLE_SLOTS, **variables})
        for word in rules.revealing(text):
            where = templates.sources[template_id].source
            message = f"'{template_id}': the first {PREVIEW_CHARS} characters say '{word}': {_glance(text)}"
            yield Diagnostic(where, "PREVIEW_REVEALS", message)


def _canary(value: object) -> Any:
    """Put the canary where the log's sample variables hold the person's words ("x")."""
    if value == "x":
        return f"{NOTE_CANARY} words"
    if isinstance(value, Mapping):
        return {k: _canary(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_canary(v) for v in value]
    return value


def _glance(text: str) -> str:
    return '"' + " ".join(text.split())[:PREVIEW_CHARS] + '"'
