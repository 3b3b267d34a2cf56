"""Read when something happened from what a person types: UK day-first dates, London time, never the future."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")
_BARE_HOUR = re.compile(r"\bat (\d{1,2})\b(?!\s*(?:[:.]\d|am|pm|a\.m|p\.m))", re.IGNORECASE)
_SETTINGS = {
    "DATE_ORDER": "DMY",
    "PREFER_DATES_FROM": "past",
    "TIMEZONE": "Europe/London",
    "RETURN_AS_TIMEZONE_AWARE": True,
}
FUTURE_GRACE = timedelta(minutes=5)  # clocks differ a little; "in five minutes" is still the future
MAX_CHARS = 100


def parse_when(text: str, now: datetime) -> datetime | None:
    """Return the moment the text names, in UTC, or None when it cannot be read or lies in the future."""
    phrase = _BARE_HOUR.sub(r"at \1:00", text.strip())[:MAX_CHARS]
    if not phrase:
        return None
    local_now = now.astimezone(LONDON)
    settings = {**_SETTINGS, "RELATIVE_BASE": local_now.replace(tzinfo=None)}
    import dateparser  # loaded on the first time read, not at start: 4 MB a bot that is idle does not need

    found = dateparser.parse(phrase, languages=["en"], settings=settings)
    if found is None:
        return None
    moment = found.astimezone(UTC)
    return None if moment > now.astimezone(UTC) + FUTURE_GRACE else moment


def london_time(moment: datetime) -> str:
    """Write a moment as UK people read it: 'Fri 20 Nov 2026, 17:30'."""
    return moment.astimezone(LONDON).strftime("%a %d %b %Y, %H:%M")
