"""The pattern in a log: how many incidents, over what time, per week, and whether they come more often.

Counts only, never a risk score: the guidance asks victims to log because the pattern matters, and leaves
judging risk to people trained to do it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.engine.when import LONDON
from bot.log.notebook import Note

RECENT = timedelta(days=7)  # "recent" is the last seven days, so a burst shows at once...
BEFORE_WEEKS = 4  # ...compared with the four weeks before them, a week at a time
MIN_RECENT = 2  # fewer than this is not called "more often"


@dataclass(frozen=True)
class Pattern:
    """What a log shows over time."""

    count: int
    first: datetime | None
    last: datetime | None
    weeks: tuple[tuple[date, int], ...]  # the Monday of each week (UK time) from the first to now, and its count
    recent: int
    before: int

    @property
    def rising(self) -> bool:
        """Tell whether the last seven days held more incidents than a week of the four weeks before did."""
        return self.recent >= MIN_RECENT and self.recent > self.before_weekly

    @property
    def before_weekly(self) -> float:
        """Return the incidents a week in the four weeks before the last seven days."""
        return self.before / BEFORE_WEEKS

    @property
    def per_week(self) -> float:
        """Return the average number of incidents a week since the first."""
        return self.count / len(self.weeks) if self.weeks else 0.0


def incident_time(note: Note) -> datetime:
    """Return when an incident happened: the latest 'when' answer, else when the note was sent or saved."""
    entry = note.latest("when")
    if entry is not None:
        head = entry.text.split(" ", 1)[0]
        try:
            return datetime.fromisoformat(head)
        except ValueError:
            pass
    return note.sent_at or note.noted_at


def summarise(times: Iterable[datetime], now: datetime) -> Pattern:
    """Summarise incident times as counts: overall, per week, and the last seven days against the weeks before."""
    moments = sorted(times)
    if not moments:
        return Pattern(0, None, None, (), 0, 0)
    per_week = Counter(_monday(m) for m in moments)
    weeks = []
    week, last_week = _monday(moments[0]), _monday(max(now, moments[-1]))
    while week <= last_week:
        weeks.append((week, per_week.get(week, 0)))
        week += timedelta(days=7)
    recent = sum(1 for m in moments if now - RECENT < m <= now)
    before = sum(1 for m in moments if now - RECENT - BEFORE_WEEKS * timedelta(days=7) < m <= now - RECENT)
    return Pattern(len(moments), moments[0], moments[-1], tuple(weeks), recent, before)


def _monday(moment: datetime) -> date:
    day = moment.astimezone(LONDON).date()
    return day - timedelta(days=day.weekday())
