"""The log as CSV: one row per incident, in the booklet's columns, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from bot.flows.content import COLUMNS
from bot.log.notebook import Note
from bot.log.rows import by_incident_time, noted_text, row
from bot.log.views import LogLabels

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # a spreadsheet would run these as formulas


def export_csv(notes: Sequence[Note], labels: LogLabels) -> bytes:
    """Return the log as UTF-8 CSV (with a byte-order mark, so spreadsheets read the encoding right)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["#", *(labels.columns[c] for c in COLUMNS), labels.noted, labels.sent])
    for number, note in enumerate(by_incident_time(list(notes)), start=1):
        cells = row(note, labels.added, labels.kinds, labels.not_stated)
        writer.writerow([str(number), *(_safe(cells[c]) for c in COLUMNS), *noted_text(note)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _safe(cell: str) -> str:
    """Keep a cell as text in spreadsheets: a leading quote stops '=...' being run as a formula."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell
