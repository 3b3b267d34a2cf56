"""The pattern summary: counts per week and whether incidents come more often; never a score."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from bot.log.notebook import Entry, Note
from bot.log.pattern import incident_time, summarise

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)


def test_an_empty_log_has_no_pattern() -> None:
    pattern = summarise([], NOW)
    assert (pattern.count, pattern.weeks, pattern.rising, pattern.per_week) == (0, (), False, 0.0)


def test_weeks_run_from_the_first_incident_to_now_in_uk_weeks() -> None:
    times = [datetime(2026, 11, 2, 23, 30, tzinfo=UTC), datetime(2026, 11, 3, 9, tzinfo=UTC), NOW]
    pattern = summarise(times, NOW)
    assert pattern.weeks == ((date(2026, 11, 2), 2), (date(2026, 11, 9), 0), (date(2026, 11, 16), 1))
    assert (pattern.first, pattern.last, pattern.count, pattern.per_week) == (times[0], NOW, 3, 1.0)
    # Sunday 23:30 UTC in summer is already Monday 00:30 in the UK: it counts in the new week.
    summer = summarise([datetime(2026, 6, 7, 23, 30, tzinfo=UTC)], datetime(2026, 6, 9, tzinfo=UTC))
    assert summer.weeks == ((date(2026, 6, 8), 1),)


def test_a_burst_in_the_last_seven_days_shows_against_the_weeks_before() -> None:
    # Three of four notes in the last two days: the burst shows, whatever the long-run average says.
    burst = summarise([NOW - timedelta(days=40), *(NOW - timedelta(hours=h) for h in (2, 20, 40))], NOW)
    assert (burst.recent, burst.before, burst.rising) == (3, 0, True)
    steady = summarise([NOW - timedelta(days=d) for d in (2, 5, 10, 15, 20, 26, 30, 33)], NOW)
    assert (steady.recent, steady.before, steady.before_weekly, steady.rising) == (2, 6, 1.5, True)
    even = summarise([NOW - timedelta(days=d) for d in (2, 5, *range(9, 35, 3))], NOW)
    assert (even.recent, even.before, even.rising) == (2, 9, False)
    assert not summarise([NOW - timedelta(days=1)], NOW).rising  # one incident is not "more often"


def test_the_incident_time_is_the_latest_answer_to_when_else_the_message_time() -> None:
    sent = datetime(2026, 11, 20, 9, tzinfo=UTC)
    note = Note("n", sent, sent, "x")
    assert incident_time(note) == sent
    answered = Note("n", sent, sent, "x", {"when": Entry("when", sent, "2026-11-19T18:00:00+00:00 (yesterday 6pm)")})
    assert incident_time(answered) == datetime(2026, 11, 19, 18, tzinfo=UTC)
    corrected = Note(
        "n", sent, sent, "x", answered.answers, (Entry("when", sent, "2026-11-18T18:00:00+00:00 (Wednesday)"),)
    )
    assert incident_time(corrected) == datetime(2026, 11, 18, 18, tzinfo=UTC)
