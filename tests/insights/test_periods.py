"""Periods: whole UTC days, their bounds, their buckets, and the periods refused."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from app.insights.periods import MAX_DAYS, Period

DAY = date(2030, 1, 1)  # a Tuesday; its ISO week starts on Monday 2029-12-31


def test_a_period_has_whole_days_with_an_exclusive_end() -> None:
    period = Period(DAY, date(2030, 1, 31))
    assert period.days == 31
    assert period.start == datetime(2030, 1, 1, tzinfo=UTC)
    assert period.end == datetime(2030, 2, 1, tzinfo=UTC)
    assert Period.ending(date(2030, 1, 30)).first == DAY


@pytest.mark.parametrize(
    ("bucket", "expected"),
    [
        ("day", [date(2030, 1, d) for d in (5, 6, 7, 8)]),
        ("week", [date(2029, 12, 31), date(2030, 1, 7)]),
    ],
)
def test_buckets_cover_the_period(bucket: str, expected: list[date]) -> None:
    assert Period(date(2030, 1, 5), date(2030, 1, 8), bucket).buckets() == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("first", "last", "message"),
    [
        (date(2030, 1, 2), DAY, "after"),
        (DAY, DAY + timedelta(days=MAX_DAYS), "at most"),
    ],
)
def test_a_backwards_or_too_long_period_is_refused(first: date, last: date, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Period(first, last)


def test_the_longest_period_is_allowed() -> None:
    assert Period(DAY, DAY + timedelta(days=MAX_DAYS - 1)).days == MAX_DAYS


def test_a_period_running_off_the_calendar_is_refused() -> None:
    with pytest.raises(ValueError, match="before 0001-01-01"):
        Period.ending(date(1, 1, 5))
    with pytest.raises(ValueError, match="before 9999-12-31"):
        Period(date(9999, 12, 1), date.max)
