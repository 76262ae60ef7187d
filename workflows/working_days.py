"""Working days on the Chinese statutory holiday calendar (Asia/Shanghai dates).

Sources, by priority: years entered by an administrator, then chinese-calendar, then a
weekends-only fallback for years nobody covers yet (the State Council publishes each year's
holidays only around November of the year before). Fallback use is recorded so callers can
flag the deadlines computed from it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from datetime import date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

import chinese_calendar

SHANGHAI = ZoneInfo("Asia/Shanghai")


@lru_cache(maxsize=8192)
def _library_workday(day: date) -> bool:
    """chinese_calendar.is_workday (static package data, not cheap to ask, so remembered).
    Raises NotImplementedError for years the library does not cover (not cached)."""
    return chinese_calendar.is_workday(day)


class WorkingCalendar:
    def __init__(self, years: dict[int, tuple[Iterable[date], Iterable[date]]] | None = None) -> None:
        self._admin: dict[int, tuple[frozenset[date], frozenset[date]]] = {}
        self._lock = threading.Lock()
        self.uncovered_years_touched: set[int] = set()
        for year, (holidays, workdays) in (years or {}).items():
            self.add_year(year, set(holidays), set(workdays))

    def add_year(self, year: int, holidays: set[date], workdays: set[date]) -> None:
        """Admin-entered official calendar for `year`; overrides the library for that year."""
        for d in (*holidays, *workdays):
            if d.year != year:
                raise ValueError(f"日期 {d} 不属于 {year} 年")
        overlap = set(holidays) & set(workdays)
        if overlap:
            raise ValueError(f"日期既是假日又是调休工作日: {sorted(overlap)}")
        with self._lock:
            self._admin[year] = (frozenset(holidays), frozenset(workdays))
            self.uncovered_years_touched.discard(year)

    def admin_years(self) -> list[int]:
        return sorted(self._admin)

    def is_covered(self, year: int) -> bool:
        if year in self._admin:
            return True
        try:
            chinese_calendar.is_workday(date(year, 6, 1))
        except NotImplementedError:
            return False
        return True

    def is_workday_ex(self, day: date) -> tuple[bool, bool]:
        """(is working day, uncovered) for a local (Asia/Shanghai) date."""
        admin = self._admin.get(day.year)
        if admin is not None:
            holidays, workdays = admin
            if day in workdays:
                return True, False
            if day in holidays:
                return False, False
            return day.weekday() < 5, False
        try:
            return _library_workday(day), False
        except NotImplementedError:
            with self._lock:
                self.uncovered_years_touched.add(day.year)
            return day.weekday() < 5, True

    def is_workday(self, day: date) -> bool:
        return self.is_workday_ex(day)[0]

    @staticmethod
    def local_date(at: datetime) -> date:
        return at.astimezone(SHANGHAI).date()
