"""The holiday calendar as people read it: each year's entered versions, and which years count on
an official calendar (shared by GET /api/v1/calendar/... and the 节假日 pages)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa

from service.core.labels import CALENDAR_SOURCE_NAMES
from service.persistence.db import db
from service.persistence.models import CalendarEntry, CalendarPin
from workflows.working_days import FALLBACK, WorkingCalendar


def version_view(entry: CalendarEntry) -> dict[str, Any]:
    return {"version": entry.version, "holidays": entry.holidays, "workdays": entry.workdays,
            "note": entry.note, "entered_by": entry.entered_by, "entered_at": entry.entered_at}


def versions(year: int | None = None) -> dict[int, list[CalendarEntry]]:
    """The entered versions of each year (of `year` only, when given), oldest first."""
    stmt = sa.select(CalendarEntry).order_by(CalendarEntry.year, CalendarEntry.version)
    if year is not None:
        stmt = stmt.where(CalendarEntry.year == year)
    by_year: dict[int, list[CalendarEntry]] = {}
    for entry in db.session.execute(stmt).scalars():
        by_year.setdefault(entry.year, []).append(entry)
    return by_year


def year_item(year: int, entries: list[CalendarEntry]) -> dict[str, Any]:
    """A year's current version (the last entered) and how many there are."""
    return {"year": year, "versions": len(entries), **version_view(entries[-1])}


@dataclass(frozen=True)
class YearCoverage:
    year: int
    source: str  # admin | library | fallback (workflows/working_days.py)
    holidays: list[date]  # weekdays off; for an entered year, every day entered as off
    workdays: list[date]  # weekend days worked (调休上班)
    entry: CalendarEntry | None  # the current admin version, if any
    versions: int
    pinned: bool  # a command has counted the year as it stands (calendar_pins)

    @property
    def covered(self) -> bool:
        return self.source != FALLBACK

    @property
    def source_name(self) -> str:
        return CALENDAR_SOURCE_NAMES[self.source]


def year_coverage(year: int, calendar: WorkingCalendar, entries: list[CalendarEntry] | None = None,
                  pinned: bool | None = None) -> YearCoverage:
    """How deadlines count `year` now. `calendar` must be a private copy (queries.deadlines
    .display_calendar): looking a year up must not change what the engine's next command pins."""
    entries = versions(year).get(year, []) if entries is None else entries
    if pinned is None:
        pinned = db.session.execute(
            sa.select(CalendarPin.id).where(CalendarPin.year == year)).first() is not None
    counted = calendar.year(year)
    entry = entries[-1] if entries else None
    if entry is not None:
        holidays = sorted(map(date.fromisoformat, entry.holidays))
        workdays = sorted(map(date.fromisoformat, entry.workdays))
    else:
        holidays, workdays = sorted(counted.holidays), sorted(counted.workdays)
    return YearCoverage(year, counted.source, holidays, workdays, entry, len(entries), pinned)


def coverage(this_year: int, calendar: WorkingCalendar,
             also: list[int] | None = None) -> tuple[list[YearCoverage], list[YearCoverage]]:
    """(recent, earlier): last year, this year, next year, every year an administrator entered
    and `also` (e.g. the years flagged deadlines reach), newest first; then the older years only
    pinned (counted by some command as the bundled calendar had them), newest first."""
    by_year = versions()
    pinned = set(db.session.execute(sa.select(CalendarPin.year)).scalars())
    recent = {this_year - 1, this_year, this_year + 1, *by_year, *(also or [])}
    recent |= {y for y in pinned if y > this_year}
    earlier = pinned - recent
    rows = {y: year_coverage(y, calendar, by_year.get(y, []), y in pinned) for y in recent | earlier}
    return ([rows[y] for y in sorted(recent, reverse=True)], [rows[y] for y in sorted(earlier, reverse=True)])
