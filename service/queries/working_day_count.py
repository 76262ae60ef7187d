"""How many working days a stretch of time took, on the calendar deadlines are counted with.

A ledger counts this for every case of a year, so a year's days are looked at once: each year
becomes a running total of its working days, and a count is two look-ups and a subtraction.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from itertools import accumulate

from workflows.working_days import SHANGHAI, WorkingCalendar


class WorkingDayCount:
    def __init__(self, calendar: WorkingCalendar) -> None:
        self._calendar = calendar
        self._totals: dict[int, list[int]] = {}  # year -> working days up to and including day n

    def _running(self, year: int) -> list[int]:
        totals = self._totals.get(year)
        if totals is None:
            counted = self._calendar.year(year)
            first = date(year, 1, 1)
            days = (date(year + 1, 1, 1) - first).days
            totals = list(accumulate(int(counted.is_workday(first + timedelta(days=n))) for n in range(days)))
            self._totals[year] = totals
        return totals

    def _up_to(self, day: date, base_year: int) -> int:
        """Working days from Jan 1 of `base_year` up to and including `day`."""
        whole_years = sum(self._running(y)[-1] for y in range(base_year, day.year))
        return whole_years + self._running(day.year)[day.timetuple().tm_yday - 1]

    def between(self, start: datetime, end: datetime) -> int:
        """Working days d with start's date < d <= end's date (Beijing dates), as deadlines count:
        a case opened on a Monday and ended on the Wednesday took 2."""
        first, last = start.astimezone(SHANGHAI).date(), end.astimezone(SHANGHAI).date()
        if last <= first:
            return 0
        return self._up_to(last, first.year) - self._up_to(first, first.year)
