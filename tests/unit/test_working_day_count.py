"""A case's duration in working days, as the ledger counts it for every case of a year."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

from service.queries.working_day_count import WorkingDayCount
from workflows.working_days import SHANGHAI, WorkingCalendar


def _at(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)


def _one_by_one(calendar: WorkingCalendar, first: date, last: date) -> int:
    return sum(calendar.is_workday(first + timedelta(days=n)) for n in range(1, (last - first).days + 1))


def test_counts_as_deadlines_do_on_the_holiday_calendar() -> None:
    count = WorkingDayCount(WorkingCalendar())
    assert count.between(_at(date(2026, 12, 7)), _at(date(2026, 12, 9))) == 2  # Monday to Wednesday
    assert count.between(_at(date(2026, 12, 7)), _at(date(2026, 12, 7), 18)) == 0  # the same day
    assert count.between(_at(date(2026, 12, 9)), _at(date(2026, 12, 7))) == 0  # never negative
    # Mid-Autumn (Friday 2026-09-25) and the National Day week are off; Sunday 2026-09-20 and
    # Saturday 2026-10-10 are worked (调休上班).
    assert count.between(_at(date(2026, 9, 18)), _at(date(2026, 10, 12))) == 12


def test_beijing_dates_decide_not_utc_dates() -> None:
    count = WorkingDayCount(WorkingCalendar())
    opened = datetime(2026, 12, 4, 7, 0, tzinfo=SHANGHAI)  # Friday morning; Thursday in UTC
    ended = datetime(2026, 12, 4, 10, 0, tzinfo=SHANGHAI).astimezone(UTC)  # Friday in both
    assert count.between(opened.astimezone(UTC), ended) == 0  # the same Beijing day


def test_matches_counting_day_by_day_across_years() -> None:
    calendar = WorkingCalendar({2027: ([date(2027, 1, 1), date(2027, 2, 8)], [date(2027, 2, 7)])})
    count, rng = WorkingDayCount(calendar), random.Random(7)
    for _ in range(300):
        first = date(2024, 1, 1) + timedelta(days=rng.randrange(1200))
        last = first + timedelta(days=rng.randrange(800))
        assert count.between(_at(first), _at(last)) == _one_by_one(calendar, first, last), (first, last)
