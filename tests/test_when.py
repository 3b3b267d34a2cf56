from datetime import UTC, datetime

import pytest

from bot.engine.when import london_time, parse_when

# Saturday 21 November 2026, 12:00 in London (GMT, so 12:00 UTC).
NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("typed", "expected_utc"),
    [
        ("now", datetime(2026, 11, 21, 12, 0, tzinfo=UTC)),
        ("yesterday 6pm", datetime(2026, 11, 20, 18, 0, tzinfo=UTC)),
        ("20/11 17:30", datetime(2026, 11, 20, 17, 30, tzinfo=UTC)),
        ("last Tuesday at 9", datetime(2026, 11, 17, 9, 0, tzinfo=UTC)),
        ("last tuesday at 9pm", datetime(2026, 11, 17, 21, 0, tzinfo=UTC)),
        ("2/11/2026 08:15", datetime(2026, 11, 2, 8, 15, tzinfo=UTC)),  # day first: 2 November
    ],
)
def test_phrases_people_type(typed: str, expected_utc: datetime) -> None:
    assert parse_when(typed, NOW) == expected_utc


def test_london_summer_time_is_respected() -> None:
    assert parse_when("1/8/2026 14:00", NOW) == datetime(2026, 8, 1, 13, 0, tzinfo=UTC)


def test_across_the_clocks_going_forward() -> None:
    # Monday 30 March 2026, 12:00 BST; the clocks went forward at 01:00 GMT on Sunday 29 March.
    now = datetime(2026, 3, 30, 11, 0, tzinfo=UTC)
    assert parse_when("yesterday 6pm", now) == datetime(2026, 3, 29, 17, 0, tzinfo=UTC)
    assert parse_when("28/3 18:00", now) == datetime(2026, 3, 28, 18, 0, tzinfo=UTC)


def test_across_the_clocks_going_back() -> None:
    # Monday 26 October 2026, 09:00 GMT; the clocks went back at 02:00 BST on Sunday 25 October.
    now = datetime(2026, 10, 26, 9, 0, tzinfo=UTC)
    assert parse_when("yesterday 6pm", now) == datetime(2026, 10, 25, 18, 0, tzinfo=UTC)
    assert parse_when("24/10 18:00", now) == datetime(2026, 10, 24, 17, 0, tzinfo=UTC)


@pytest.mark.parametrize("typed", ["", "banana", "the day he came", "25/12/2027 10:00", "tomorrow 9am", "x" * 10_000])
def test_unreadable_or_future_times_are_refused(typed: str) -> None:
    assert parse_when(typed, NOW) is None


def test_times_are_shown_in_uk_time() -> None:
    assert london_time(datetime(2026, 8, 1, 13, 0, tzinfo=UTC)) == "Sat 01 Aug 2026, 14:00"
    assert london_time(datetime(2026, 11, 20, 17, 30, tzinfo=UTC)) == "Fri 20 Nov 2026, 17:30"
