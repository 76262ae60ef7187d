"""Working days on the Chinese statutory holiday calendar (Asia/Shanghai dates).

A calendar knows some years (given to it: entered by an administrator, or stored earlier) and
looks the others up when it first needs them: chinese-calendar, or a weekends-only fallback for
years nobody covers yet (the State Council publishes each year's holidays only around November of
the year before). Fallback use is recorded so callers can flag the deadlines computed from it.

A deadline's fire time ends up in the state hash, so an audit replay must count with exactly the
calendar the command counted with, whatever chinese-calendar release is installed by then. Hence
`looked_up_years()`: the caller stores those years before the command commits, and gives them back
(`add_year`) to every later calendar; a replay's calendar is built with `library=False` and never
asks the library.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import chinese_calendar

SHANGHAI = ZoneInfo("Asia/Shanghai")

# Where a year's calendar came from. Only the fallback is not an official calendar.
ADMIN, LIBRARY, FALLBACK = "admin", "library", "fallback"
SOURCES = (ADMIN, LIBRARY, FALLBACK)
LIBRARY_VERSION: str | None = getattr(chinese_calendar, "__version__", None)


@lru_cache(maxsize=8192)
def _library_workday(day: date) -> bool:
    """chinese_calendar.is_workday (static package data, not cheap to ask, so remembered).
    Raises NotImplementedError for years the library does not cover (not cached)."""
    return chinese_calendar.is_workday(day)


@dataclass(frozen=True)
class YearCalendar:
    """One year: holidays falling on weekdays and working weekend days; other days by weekday."""

    source: str
    holidays: frozenset[date] = frozenset()
    workdays: frozenset[date] = frozenset()

    @property
    def official(self) -> bool:
        return self.source != FALLBACK

    def is_workday(self, day: date) -> bool:
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        return day.weekday() < 5


WEEKENDS_ONLY = YearCalendar(FALLBACK)


def library_year(year: int) -> YearCalendar:
    """`year` as the installed chinese-calendar has it, or WEEKENDS_ONLY when it does not cover it.

    Kept as the days that differ from the weekday rule: that is all is_workday needs, and it is
    what an administrator enters too.
    """
    holidays: set[date] = set()
    workdays: set[date] = set()
    day = date(year, 1, 1)
    try:
        while day.year == year:
            works = _library_workday(day)
            if works != (day.weekday() < 5):
                (workdays if works else holidays).add(day)
            day += timedelta(days=1)
    except NotImplementedError:
        return WEEKENDS_ONLY
    return YearCalendar(LIBRARY, frozenset(holidays), frozenset(workdays))


class WorkingCalendar:
    """`library`: look up years it was not given in chinese-calendar (False: weekends only, as a
    replay needs for years no stored row covers: nothing was looked up for them either)."""

    def __init__(self, years: dict[int, tuple[Iterable[date], Iterable[date]]] | None = None,
                 *, library: bool = True) -> None:
        self._given: dict[int, YearCalendar] = {}
        self._looked_up: dict[int, YearCalendar] = {}
        self._library = library
        self._lock = threading.Lock()
        self.uncovered_years_touched: set[int] = set()
        for year, (holidays, workdays) in (years or {}).items():
            self.add_year(year, set(holidays), set(workdays))

    def add_year(self, year: int, holidays: set[date], workdays: set[date], source: str = ADMIN) -> None:
        """The calendar of `year` from outside (an admin entry, or a year stored earlier); it
        overrides whatever was looked up for that year."""
        if source not in SOURCES:
            raise ValueError(f"未知的日历来源 {source!r}")
        for d in (*holidays, *workdays):
            if d.year != year:
                raise ValueError(f"日期 {d} 不属于 {year} 年")
        overlap = set(holidays) & set(workdays)
        if overlap:
            raise ValueError(f"日期既是假日又是调休工作日: {sorted(overlap)}")
        with self._lock:
            self._given[year] = YearCalendar(source, frozenset(holidays), frozenset(workdays))
            self._looked_up.pop(year, None)
            if source != FALLBACK:
                self.uncovered_years_touched.discard(year)

    def admin_years(self) -> list[int]:
        return sorted(y for y, c in self._given.items() if c.source == ADMIN)

    def looked_up_years(self) -> dict[int, YearCalendar]:
        """Years this calendar took from chinese-calendar or the fallback itself (not given)."""
        with self._lock:
            return dict(self._looked_up)

    def is_covered(self, year: int) -> bool:
        """Whether `year` counts on an official calendar (a stored fallback year does not, even
        once the library knows the year: deadlines keep counting weekends only until an admin
        enters it)."""
        known = self._given.get(year) or self._looked_up.get(year)
        if known is not None:
            return known.official
        if not self._library:
            return False
        try:
            _library_workday(date(year, 6, 1))
        except NotImplementedError:
            return False
        return True

    def year(self, year: int) -> YearCalendar:
        known = self._given.get(year) or self._looked_up.get(year)
        if known is not None:
            return known
        if not self._library:
            return WEEKENDS_ONLY
        looked_up = library_year(year)  # outside the lock: ~15 ms, once per year
        with self._lock:
            if year in self._given:
                return self._given[year]
            return self._looked_up.setdefault(year, looked_up)

    def is_workday_ex(self, day: date) -> tuple[bool, bool]:
        """(is working day, uncovered) for a local (Asia/Shanghai) date."""
        year = self.year(day.year)
        if not year.official:
            with self._lock:
                self.uncovered_years_touched.add(day.year)
        return year.is_workday(day), not year.official

    def is_workday(self, day: date) -> bool:
        return self.is_workday_ex(day)[0]

    @staticmethod
    def local_date(at: datetime) -> date:
        return at.astimezone(SHANGHAI).date()
