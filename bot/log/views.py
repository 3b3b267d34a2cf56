"""Fill in views of the log (the list, one note, the pattern) from the person's notes, through templates."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.engine.events import NEWER, OLDER, Choose, Pick
from bot.engine.model import Node
from bot.engine.outputs import Button, Buttons, LogView, Message, Output
from bot.engine.templates import TemplateLibrary
from bot.engine.when import LONDON, london_time
from bot.flows.content import COLUMNS, LOG_TEMPLATES
from bot.log.notebook import Note
from bot.log.pattern import Pattern, incident_time, summarise
from bot.log.rows import amendment_text, by_incident_time, entry_text, file_text, when_text

PAGE_SIZE = 5
PREVIEW_CHARS = 22  # a button label is cut off after about 40 characters
CHART_WEEKS = 8  # weeks shown in the chat; the export shows them all
WEEKLY = 0.5  # at least this many a week is said "about N a week"; fewer, "about one every N weeks"


@dataclass(frozen=True)
class LogLabels:
    """Words the log's rows use, rendered once from templates."""

    columns: Mapping[str, str]
    kinds: Mapping[str, str]
    added: str
    noted: str
    sent: str
    not_stated: str
    written: str

    @classmethod
    def render(cls, templates: TemplateLibrary) -> LogLabels:
        """Render the column headings, kinds of file and the amendment marker."""
        kinds = {
            k.removeprefix("log.kind_"): templates.render(k, {}) for k in LOG_TEMPLATES if k.startswith("log.kind_")
        }
        columns = {column: templates.render(f"log.column_{column}", {}) for column in COLUMNS}
        added, noted, sent, not_stated, written = (
            templates.render(f"log.{name}", {}) for name in ("added", "noted", "sent", "not_stated", "column_written")
        )
        return cls(columns, kinds, added, noted, sent, not_stated, written)


def expand(outputs: Sequence[Output], notes: Sequence[Note], templates: TemplateLibrary, now: datetime) -> list[Output]:
    """Replace each LogView with its messages; its buttons go before the ones that follow it."""
    expanded: list[Output] = []
    pending: list[Button] = []
    for output in outputs:
        if isinstance(output, LogView):
            message, buttons = _view(output, notes, templates, now)
            expanded.append(message)
            pending.extend(buttons)
        elif isinstance(output, Buttons) and pending:
            expanded.append(Buttons((*pending, *output.buttons)))
            pending = []
        else:
            expanded.append(output)
    return expanded


def without_empty_options(outputs: Sequence[Output], nodes: Mapping[str, Node]) -> list[Output]:
    """Offer neither the pattern nor an export of a log with nothing in it."""

    def empty_handed(button: Button) -> bool:
        event = button.event
        if not isinstance(event, Choose) or event.node not in nodes:
            return False
        target = nodes.get(nodes[event.node].options[event.index].go)
        return target is not None and (target.show == "pattern" or target.do == "export")

    return [
        Buttons(tuple(b for b in o.buttons if not empty_handed(b))) if isinstance(o, Buttons) else o for o in outputs
    ]


def _view(
    view: LogView, notes: Sequence[Note], templates: TemplateLibrary, now: datetime
) -> tuple[Message, list[Button]]:
    if view.view == "list":
        return _list(view, notes, templates)
    if view.view == "note":
        note = next((n for n in notes if n.id == view.note), None)
        if note is None:
            return Message("log.note_gone", templates.render("log.note_gone", {})), []
        return Message("log.note", templates.render("log.note", note_variables(note, templates))), []
    pattern = summarise((incident_time(n) for n in notes), now)
    return Message("log.pattern", templates.render("log.pattern", pattern_variables(pattern))), []


def _list(view: LogView, notes: Sequence[Note], templates: TemplateLibrary) -> tuple[Message, list[Button]]:
    if not notes:
        return Message("log.list_empty", templates.render("log.list_empty", {})), []
    notes = by_incident_time(list(notes))[::-1]  # the latest incident first, whenever it was written down
    not_stated = templates.render("log.not_stated", {})
    pages = (len(notes) + PAGE_SIZE - 1) // PAGE_SIZE
    page = min(view.page, pages - 1)
    shown = notes[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    items = [{"when": when_text(n, not_stated), "preview": _preview(n.text)} for n in shown]
    text = templates.render("log.list", {"count": len(notes), "page": page + 1, "pages": pages, "items": items})
    buttons = [
        Button(
            templates.render("log.item_button", {"when": _short_time(n), "preview": _preview(n.text)}),
            Pick(view.node, n.id),
        )
        for n in shown
    ]
    if page + 1 < pages:
        buttons.append(Button(templates.render("log.option_older", {}), Pick(view.node, OLDER)))
    if page > 0:
        buttons.append(Button(templates.render("log.option_newer", {}), Pick(view.node, NEWER)))
    return Message("log.list", text), buttons


def note_variables(note: Note, templates: TemplateLibrary) -> dict[str, object]:
    """Return what the note view shows: the note, each answer, each amendment and file, with times."""
    labels = LogLabels.render(templates)
    corrected = {a.field for a in note.amendments}
    answers = [
        {"label": labels.columns[name], "text": entry_text(entry)}
        for name, entry in note.answers.items()
        if name in labels.columns and (name != "when" or name in corrected)  # a corrected time shows the first
    ]
    return {
        "when": when_text(note, labels.not_stated),
        "noted": london_time(note.noted_at),
        "text": note.text,
        "answers": answers,
        "amendments": [amendment_text(a, labels.added, labels.columns.get(a.field, "")) for a in note.amendments],
        "files": [file_text(f, labels.kinds) for f in note.evidence],
    }


def pattern_variables(pattern: Pattern) -> dict[str, object]:
    """Return what the pattern summary shows: counts only, never a score."""
    weeks = [
        {"week": week.strftime("%d %b"), "count": count, "bar": "█" * min(count, 20)} for week, count in pattern.weeks
    ]
    return {
        "count": pattern.count,
        "first": _day(pattern.first),
        "last": _day(pattern.last),
        "per_week": f"{pattern.per_week:.1f}",
        "weekly": pattern.per_week >= WEEKLY,
        "weeks_apart": round(1 / pattern.per_week) if pattern.per_week else 0,
        "recent": pattern.recent,
        "before": pattern.before,
        "before_weekly": f"{pattern.before_weekly:.1f}",
        "rising": pattern.rising,
        "weeks": weeks[-CHART_WEEKS:],
    }


def _preview(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= PREVIEW_CHARS else flat[: PREVIEW_CHARS - 1].rstrip() + "…"


def _short_time(note: Note) -> str:
    return incident_time(note).astimezone(LONDON).strftime("%d %b %H:%M")


def _day(moment: datetime | None) -> str:
    return moment.astimezone(LONDON).strftime("%a %d %b %Y") if moment else ""


@dataclass(frozen=True)
class PdfWords:
    """Every word the PDF prints, rendered from templates before the layout (which may run in another process)."""

    labels: LogLabels
    title: str
    header: str
    pattern: str
    footer: str
    files: str
    no_thumbnail: str

    @classmethod
    def render(cls, templates: TemplateLibrary, notes: Sequence[Note], files: int, now: datetime) -> PdfWords:
        """Render the PDF's words for these notes."""
        pattern = summarise((incident_time(n) for n in notes), now)
        header = {**pattern_variables(pattern), "generated": london_time(now)}
        return cls(
            LogLabels.render(templates),
            templates.render("log.pdf_title", {}),
            templates.render("log.pdf_header", header),
            templates.render("log.pdf_pattern", header),
            templates.render("log.pdf_footer", {}),
            templates.render("log.pdf_files", {"count": files}),
            templates.render("log.pdf_no_thumbnail", {}),
        )
