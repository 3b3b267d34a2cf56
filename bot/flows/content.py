"""Everything the bot says and knows, kept out of code: templates, the helpline directory, understanding."""

from __future__ import annotations

from pathlib import Path
from types import MappingProxyType

import yaml

from bot.engine.diagnostics import Diagnostic
from bot.engine.lexicon import Lexicon
from bot.engine.model import Source
from bot.engine.program import Content, Helpline
from bot.engine.templates import TemplateLibrary, UnknownHelpline
from bot.flows.lexicon_files import load_lexicon
from bot.flows.template_files import load_template_sources
from bot.flows.yaml_source import YamlReader, read_text

HELPLINE_KEYS = {"id", "name", "number", "for", "hours", "source"}

# Templates the engine uses whatever the flows say, with the variables each gets (each platform declares its own).
SYSTEM_TEMPLATES: dict[str, dict[str, object]] = {
    "system.pick_one": {},
    "system.unknown_command": {},
    "system.empty_answer": {},
    "system.stale_button": {},
    "system.unsupported": {},
    "system.not_saved": {},
    "system.when_unreadable": {},
    "system.when_noted": {"moment": "Tue 17 Nov 2026, 17:00"},
    "system.edited": {},
    "system.evidence_where": {},
    "system.evidence_saved": {},
    "system.evidence_too_big": {"max_mb": "20"},
    "system.evidence_unavailable": {},
    "system.export_failed": {},
    "system.loop": {},
    "understand.did_you_mean": {},
    "understand.not_understood": {},
    "understand.go_on_to": {"label": "Who can help me"},
    "system.resume": {},
    "system.button_danger": {},
    "system.button_menu": {},
    "system.button_back": {},
    **{f"command.{name}": {} for name in ("start", "menu", "help", "clear", "exit")},
}


# The booklet's log, in its order; "what" is the note itself. Witnesses come from the police diary.
COLUMNS = ("when", "where", "what", "evidence", "police", "impact", "changes", "others", "witnesses")
FILE_KINDS = ("photo", "video", "voice", "audio", "video_note", "document")

# The templates the log's views and export render, with sample variables the validator renders them with.
LOG_TEMPLATES: dict[str, dict[str, object]] = {
    "log.list": {"count": 1, "page": 1, "pages": 1, "items": [{"when": "Fri 20 Nov 2026, 17:30", "preview": "x"}]},
    "log.list_empty": {},
    "log.item_button": {"when": "20 Nov 17:30", "preview": "He was outside"},
    "log.option_older": {},
    "log.option_newer": {},
    "log.note": {
        "when": "Fri 20 Nov 2026, 17:30",
        "noted": "Fri 20 Nov 2026, 17:31",
        "text": "x",
        "answers": [{"label": "Where", "text": "x"}],
        "amendments": ["[Added Fri 20 Nov 2026, 18:00] x"],
        "files": ["Photo, Fri 20 Nov 2026, 17:32"],
    },
    "log.note_gone": {},
    "log.pattern": {
        "count": 3,
        "first": "Fri 20 Nov 2026",
        "last": "Sat 21 Nov 2026",
        "per_week": "1.5",
        "weekly": True,
        "weeks_apart": 1,
        "recent": 2,
        "before": 1,
        "before_weekly": "0.2",
        "rising": True,
        "weeks": [{"week": "16 Nov", "count": 2, "bar": "██"}],
    },
    "log.pdf_title": {},
    "log.pdf_header": {"count": 3, "first": "Fri 20 Nov 2026", "last": "Sat 21 Nov 2026", "generated": "now"},
    "log.pdf_pattern": {
        "count": 3,
        "per_week": "1.5",
        "weekly": True,
        "weeks_apart": 1,
        "recent": 2,
        "before": 1,
        "before_weekly": "0.2",
    },
    "log.pdf_files": {"count": 1},
    "log.pdf_no_thumbnail": {},
    "log.pdf_footer": {},
    "log.pack": {"parts": 2},
    "log.manifest_header": {},
    "log.added": {},
    "log.noted": {},
    "log.sent": {},
    "log.not_stated": {},
    "log.column_written": {},
    **{f"log.column_{column}": {} for column in COLUMNS},
    **{f"log.kind_{kind}": {} for kind in FILE_KINDS},
}


def load_content(directory: Path, lexicon: Lexicon | None = None) -> tuple[Content, list[Diagnostic]]:
    """Load templates, helplines and what the bot knows of typed text (unless ``lexicon``, read before from
    the same files); return them with every problem found."""
    problems: list[Diagnostic] = []
    helplines = _load_helplines(directory / "helplines.yaml", problems)
    if lexicon is None:
        lexicon, lexicon_problems = load_lexicon(directory / "understanding")
        problems.extend(lexicon_problems)
    sources, template_problems = load_template_sources(directory / "templates")
    problems.extend(template_problems)

    def number(helpline_id: str) -> str:
        if helpline_id not in helplines:
            raise UnknownHelpline(helpline_id)
        return helplines[helpline_id].number

    library = TemplateLibrary(sources, number)
    problems.extend(library.problems)
    for template_id in SYSTEM_TEMPLATES:
        if template_id not in library:
            where = Source(str(directory / "templates"), 1)
            problems.append(Diagnostic(where, "UNKNOWN_TEMPLATE", f"the engine needs template '{template_id}'"))
    content = Content(library, MappingProxyType(helplines), lexicon, directory)
    return content, problems


def _load_yaml_list(path: Path) -> tuple[YamlReader, list[yaml.Node]]:
    reader = YamlReader(str(path))
    text = read_text(path, reader)
    root = reader.parse(text) if text is not None else None
    items = reader.sequence(root, "this file") if root is not None else []
    return reader, list(items)


def _load_helplines(path: Path, problems: list[Diagnostic]) -> dict[str, Helpline]:
    reader, items = _load_yaml_list(path)
    found: dict[str, Helpline] = {}
    for item in items:
        entries = reader.mapping(item, "a helpline", HELPLINE_KEYS)
        values = {key: reader.text(value, f"'{key}'") for key, value in entries.items()}
        missing = [key for key in ("id", "name", "number", "for", "source") if not values.get(key)]
        if missing:
            reader.problem(item, "SCHEMA", f"a helpline needs {', '.join(missing)}")
            continue
        helpline = Helpline(
            id=str(values["id"]),
            name=str(values["name"]),
            number=str(values["number"]),
            for_whom=str(values["for"]),
            hours=values.get("hours"),
            document=str(values["source"]),
            source=reader.source(item),
        )
        if helpline.id in found:
            reader.problem(item, "DUPLICATE_ID", f"helpline '{helpline.id}' is already defined")
            continue
        found[helpline.id] = helpline
    problems.extend(reader.problems)
    return found
