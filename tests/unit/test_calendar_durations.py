"""Working-day arithmetic on the Chinese statutory calendar (chinese-calendar 1.11 data for 2026)."""

from datetime import UTC, date, datetime, timedelta

import pytest
from wf_helpers import local

from workflows.clock import ManualClock
from workflows.durations import DurationError, add_duration, parse_duration
from workflows.working_days import WorkingCalendar


@pytest.fixture
def cal():
    return WorkingCalendar()


def test_parse_duration_parts():
    d = parse_duration("P1W2DT3H30M")
    assert d.working_days == 7
    assert d.exact == timedelta(hours=3, minutes=30)
    assert parse_duration("PT45S").working_days == 0
    for bad in ("P", "PT", "5D", "P1H", "P1DT", "P-1D", "", "P1.5D"):
        with pytest.raises(DurationError):
            parse_duration(bad)


def test_across_a_weekend(cal):
    # Friday 2026-11-06 10:00 + 1 working day = Monday 2026-11-09 10:00 (same local clock time).
    assert add_duration(local(2026, 11, 6, 10, 0), "P1D", cal).at == local(2026, 11, 9, 10, 0)
    # A week is five working days: Friday -> next Friday.
    assert add_duration(local(2026, 11, 6, 10, 0), "P1W", cal).at == local(2026, 11, 13, 10, 0)
    # Starting on a Saturday counts from the next working day.
    assert add_duration(local(2026, 11, 7, 15, 0), "P1D", cal).at == local(2026, 11, 9, 15, 0)


def test_hours_are_exact_not_working_time(cal):
    # Friday 20:00 + 8 hours = Saturday 04:00: hour parts are exact.
    assert add_duration(local(2026, 11, 6, 20, 0), "PT8H", cal).at == local(2026, 11, 7, 4, 0)
    assert add_duration(local(2026, 11, 6, 20, 0), "P1DT2H", cal).at == local(2026, 11, 9, 22, 0)


def test_national_day_golden_week_2026(cal):
    # chinese-calendar 1.11: holidays Oct 1-7 (Oct 8 is a working day), adjusted working days
    # Sunday Sep 20 and Saturday Oct 10.
    assert [cal.is_workday(date(2026, 10, d)) for d in range(1, 11)] == \
        [False] * 7 + [True, True, True]
    assert cal.is_workday(date(2026, 9, 20))  # Sunday, adjusted working day
    # Wednesday Sep 30 + 1 working day jumps the whole golden week to Thursday Oct 8.
    assert add_duration(local(2026, 9, 30, 9, 0), "P1D", cal).at == local(2026, 10, 8, 9, 0)
    # Friday Oct 9 + 1 = Saturday Oct 10 (adjusted working Saturday).
    assert add_duration(local(2026, 10, 9, 9, 0), "P1D", cal).at == local(2026, 10, 10, 9, 0)
    # Saturday Sep 19 + 1 = Sunday Sep 20 (adjusted working Sunday).
    assert add_duration(local(2026, 9, 19, 9, 0), "P1D", cal).at == local(2026, 9, 20, 9, 0)


def test_spring_festival_2026(cal):
    # Holidays Feb 15-23, working Saturdays Feb 14 and Feb 28.
    assert add_duration(local(2026, 2, 13, 10, 0), "P1D", cal).at == local(2026, 2, 14, 10, 0)
    assert add_duration(local(2026, 2, 13, 10, 0), "P2D", cal).at == local(2026, 2, 24, 10, 0)
    assert add_duration(local(2026, 2, 27, 10, 0), "P1D", cal).at == local(2026, 2, 28, 10, 0)


def test_local_date_is_shanghai_not_utc(cal):
    # 2026-11-05 17:00 UTC is Friday 01:00 in Beijing: counting starts from Friday's date.
    start = datetime(2026, 11, 5, 17, 0, tzinfo=UTC)
    assert add_duration(start, "P1D", cal).at == local(2026, 11, 9, 1, 0)


def test_2027_is_uncovered_then_admin_year_recomputes(cal):
    start = local(2026, 12, 30, 10, 0)  # Wednesday
    # Dec 31 (Thu) counts; 2027 is not in chinese-calendar 1.11 -> weekends only: Jan 1 (Fri) counts.
    result = add_duration(start, "P2D", cal)
    assert result.at == local(2027, 1, 1, 10, 0)
    assert result.uncovered is True
    assert 2027 in cal.uncovered_years_touched
    assert not cal.is_covered(2027)
    # A deadline inside 2026 is not flagged.
    assert add_duration(start, "P1D", cal).uncovered is False

    # The administrator enters 2027: Jan 1-3 holidays, Sunday Jan 10 an adjusted working day.
    cal.add_year(2027, {date(2027, 1, 1), date(2027, 1, 2), date(2027, 1, 3)}, {date(2027, 1, 10)})
    result = add_duration(start, "P2D", cal)
    assert result.at == local(2027, 1, 4, 10, 0)
    assert result.uncovered is False
    assert 2027 not in cal.uncovered_years_touched
    assert cal.is_workday(date(2027, 1, 10))
    assert cal.is_covered(2027)


def test_admin_year_overrides_library(cal):
    cal.add_year(2026, holidays={date(2026, 11, 9)}, workdays=set())
    assert not cal.is_workday(date(2026, 11, 9))
    assert add_duration(local(2026, 11, 6, 10, 0), "P1D", cal).at == local(2026, 11, 10, 10, 0)


def test_add_year_rejects_inconsistent_input(cal):
    with pytest.raises(ValueError):
        cal.add_year(2027, {date(2028, 1, 1)}, set())
    with pytest.raises(ValueError):
        cal.add_year(2027, {date(2027, 1, 1)}, {date(2027, 1, 1)})


def test_naive_start_refused(cal):
    with pytest.raises(ValueError):
        add_duration(datetime(2026, 11, 6, 10, 0), "P1D", cal)


def test_manual_clock_travels():
    c = ManualClock(local(2026, 1, 1, 0, 0))
    c.advance(days=2)
    assert c.now() == local(2026, 1, 3, 0, 0)
    c.set(local(2026, 5, 1, 8, 0))
    assert c.now() == local(2026, 5, 1, 8, 0)
    with pytest.raises(ValueError):
        c.set(datetime(2026, 5, 1))
