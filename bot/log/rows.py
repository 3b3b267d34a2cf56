"""A note as one row of the log: the booklet's columns, with amendments and files kept beside what they amend."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from bot.engine.when import london_time
from bot.flows.content import COLUMNS
from bot.log.notebook import FIELDS, Entry, Evidence, Note
from bot.log.pattern import incident_time


def when_text(note: Note, not_stated: str) -> str:
    """Write when an incident happened (the latest word on it), else that it was not stated and when it was written."""
    entry = note.latest("when")
    return entry_text(entry) if entry is not None else f"{not_stated} {written_text(note)}"


def written_text(note: Note) -> str:
    """Write when a note was written: when its message was sent, else when it was saved, in UK time."""
    return london_time(note.sent_at or note.noted_at)


def entry_text(entry: Entry) -> str:
    """Write an answer as the person would read it: a 'when' answer in UK time with their own words."""
    if entry.field != "when":
        return entry.text
    head, _, said = entry.text.partition(" ")
    try:
        moment = london_time(datetime.fromisoformat(head))
    except ValueError:
        return entry.text
    return f"{moment} {said}".strip()


def amendment_text(entry: Entry, added: str, label: str = "") -> str:
    """Write an amendment with when it was added (and, outside its column, what it amends)."""
    return f"[{added} {london_time(entry.saved_at)}] " + (f"{label}: " if label else "") + entry_text(entry)


def file_text(item: Evidence, kinds: Mapping[str, str]) -> str:
    """Write a kept file as its kind, when it came, and its caption or name."""
    label = kinds.get(item.kind, item.kind)
    extra = item.caption or item.name
    return f"{label}, {london_time(item.sent_at or item.saved_at)}" + (f": {extra}" if extra else "")


def row(note: Note, added: str, kinds: Mapping[str, str], not_stated: str) -> dict[str, str]:
    """Return a note as the log's columns; later words on a column follow it, marked with when they were added."""
    first_when = note.answers.get("when")
    cells = {"when": entry_text(first_when) if first_when else f"{not_stated} {written_text(note)}"}
    cells["what"] = note.text
    for name in FIELDS:
        if name != "when" and name in note.answers:
            cells[name] = note.answers[name].text
    for entry in note.amendments:
        column = "what" if entry.field == "text" else entry.field
        cells[column] = "\n".join(p for p in (cells.get(column, ""), amendment_text(entry, added)) if p)
    if note.evidence:
        files = "\n".join(file_text(item, kinds) for item in note.evidence)
        cells["evidence"] = "\n".join(p for p in (cells.get("evidence", ""), files) if p)
    return {column: cells.get(column, "") for column in COLUMNS}


def by_incident_time(notes: list[Note]) -> list[Note]:
    """Return notes in the order the incidents happened, oldest first, as a log is read."""
    return sorted(notes, key=lambda n: (incident_time(n), n.noted_at))


def noted_text(note: Note) -> tuple[str, str]:
    """Return when a note was saved and when its first message was sent, in UK time."""
    sent = london_time(note.sent_at) if isinstance(note.sent_at, datetime) else ""
    return london_time(note.noted_at), sent
