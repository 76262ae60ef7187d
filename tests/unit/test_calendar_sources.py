"""Where a calendar year comes from: given (stored), looked up in chinese-calendar, or weekends only;
the looked-up years are reported so they can be stored, and a replay calendar never looks up."""

from __future__ import annotations

from datetime import date

import pytest
from wf_helpers import local

from workflows import working_days
from workflows.durations import add_duration
from workflows.working_days import FALLBACK, LIBRARY, WorkingCalendar, library_year


def test_library_year_keeps_the_days_that_differ_from_the_weekday_rule():
    year = library_year(2026)
    assert year.source == LIBRARY and year.official
    assert date(2026, 10, 1) in year.holidays and date(2026, 10, 10) in year.workdays
    assert date(2026, 10, 3) not in year.holidays  # a Saturday: off by the weekday rule already
    cal = WorkingCalendar(library=False)
    cal.add_year(2026, set(year.holidays), set(year.workdays), source=LIBRARY)
    day = date(2026, 1, 1)
    while day.year == 2026:  # the stored form answers exactly as the library does
        assert cal.is_workday(day) == working_days._library_workday(day), day
        day = date.fromordinal(day.toordinal() + 1)
    assert library_year(2027).source == FALLBACK


def test_the_years_a_calendar_looked_up_are_reported_once_given_they_are_not():
    cal = WorkingCalendar()
    add_duration(local(2026, 12, 30, 10, 0), "P3D", cal)  # Dec 31, Jan 1, Jan 4
    looked_up = cal.looked_up_years()
    assert {y: c.source for y, c in looked_up.items()} == {2026: LIBRARY, 2027: FALLBACK}
    cal.add_year(2027, set(), set(), source=FALLBACK)
    assert set(cal.looked_up_years()) == {2026}
    assert not cal.is_covered(2027) and cal.is_workday_ex(date(2027, 1, 1)) == (True, True)


def test_a_stored_fallback_year_stays_uncovered_after_the_library_learns_it(monkeypatch):
    cal = WorkingCalendar()
    cal.add_year(2027, set(), set(), source=FALLBACK)
    monkeypatch.setattr(working_days, "_library_workday", lambda day: day != date(2027, 1, 1))
    assert cal.is_workday_ex(date(2027, 1, 1)) == (True, True)
    assert not cal.is_covered(2027)
    cal.add_year(2027, {date(2027, 1, 1)}, set())  # an administrator's entry
    assert cal.is_workday_ex(date(2027, 1, 1)) == (False, False) and cal.is_covered(2027)


def test_a_calendar_without_the_library_never_asks_it(monkeypatch):
    def refuse(_day: date) -> bool:
        raise AssertionError("chinese-calendar was asked")

    monkeypatch.setattr(working_days, "_library_workday", refuse)
    cal = WorkingCalendar(library=False)
    assert cal.is_workday_ex(date(2026, 10, 1)) == (True, True)  # not given: weekends only
    assert not cal.is_covered(2026) and cal.looked_up_years() == {}
    with pytest.raises(AssertionError):
        WorkingCalendar().is_workday(date(2026, 10, 1))


def test_an_unknown_source_is_refused():
    with pytest.raises(ValueError):
        WorkingCalendar().add_year(2027, set(), set(), source="guess")
