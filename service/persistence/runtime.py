"""Parsed definitions (once per definition row) and the Engine built from settings + calendar."""

from __future__ import annotations

import threading
from datetime import date, datetime

import sqlalchemy as sa
from flask import current_app

from service.config import get_settings
from service.core.errors import NotFound
from service.persistence.db import db
from service.persistence.models import CalendarEntry, CalendarPin, ProcessDefinition
from workflows.engine import Definition, Engine, load_definition
from workflows.working_days import ADMIN, WorkingCalendar

ENGINE_KEY = "cadreflow.engine"
_definitions: dict[tuple[int, str], Definition] = {}
_lock = threading.Lock()


def definition_of(row: ProcessDefinition) -> Definition:
    """The parsed spec of a definition row; parsed once per process (keyed by id and content)."""
    cache_key = (row.id, row.content_hash)
    with _lock:
        cached = _definitions.get(cache_key)
    if cached is not None:
        return cached
    files = {name: text.encode("utf-8") for name, text in row.files.items()}
    # A stored version: loaded without the rules that came after it was deployed.
    definition = load_definition(files, version_label=f"{row.key}:v{row.version}", deploying=False)
    with _lock:
        _definitions[cache_key] = definition
    return definition


def definition_by_id(definition_id: int, content_hash: str) -> Definition:
    """Like definition_of, but reads the definition row (its files) only on a cache miss."""
    with _lock:
        cached = _definitions.get((definition_id, content_hash))
    if cached is not None:
        return cached
    return definition_of(db.session.get_one(ProcessDefinition, definition_id))


def latest_definition_row(key: str) -> ProcessDefinition:
    row = db.session.execute(
        sa.select(ProcessDefinition).where(ProcessDefinition.key == key)
        .order_by(ProcessDefinition.version.desc()).limit(1)
    ).scalar_one_or_none()
    if row is None:
        raise NotFound(f"流程 {key} 尚未部署。")
    return row


CALENDAR_SIGNATURE_WIDTH = 3  # columns of calendar_signature_columns()


def calendar_signature_columns() -> tuple[sa.ScalarSelect, ...]:
    """Scalar subqueries for the calendar signature, to ride along in another query."""
    # Entries and pins are append-only: the counts and the newest entry id change with every row,
    # and the engine's calendar is built from exactly these rows.
    return (sa.select(sa.func.count(CalendarEntry.id)).scalar_subquery(),
            sa.select(sa.func.max(CalendarEntry.id)).scalar_subquery(),
            sa.select(sa.func.count(CalendarPin.id)).scalar_subquery())


def _calendar_signature() -> tuple:
    return tuple(db.session.execute(sa.select(*calendar_signature_columns())).one())


def calendar_entries(as_of: datetime | None = None) -> list[CalendarEntry]:
    """The version of each year in force at `as_of` (inclusive; None: now, i.e. the latest)."""
    stmt = sa.select(CalendarEntry).order_by(CalendarEntry.year, CalendarEntry.version)
    if as_of is not None:
        stmt = stmt.where(CalendarEntry.entered_at <= as_of)
    latest: dict[int, CalendarEntry] = {}
    for entry in db.session.execute(stmt).scalars():
        latest[entry.year] = entry  # ordered by version: the last one wins
    return [latest[year] for year in sorted(latest)]


def calendar_pins(as_of: datetime | None = None) -> list[CalendarPin]:
    """The pinned years in force at `as_of` (inclusive; None: all)."""
    stmt = sa.select(CalendarPin).order_by(CalendarPin.year)
    if as_of is not None:
        stmt = stmt.where(CalendarPin.pinned_at <= as_of)
    return list(db.session.execute(stmt).scalars())


def _days(isos: list[str] | None) -> set[date]:
    return {date.fromisoformat(d) for d in isos or []}


def build_calendar(as_of: datetime | None = None, *, library: bool = False) -> WorkingCalendar:
    """The working calendar from the stored rows in force at `as_of` (all of them when None).

    The audit replay passes each event's time: an admin entry with entered_at <= as_of is in force
    (the highest such version of its year), else the year's pin if pinned_at <= as_of, else the
    year counts weekends only. Only the live engine passes `library=True`: it looks years without
    a row up in chinese-calendar, and each command stores what it looked up (calendar_pins.py).
    """
    calendar = WorkingCalendar(library=library)
    for pin in calendar_pins(as_of):
        calendar.add_year(pin.year, _days(pin.holidays), _days(pin.workdays), source=pin.source)
    for entry in calendar_entries(as_of):  # after the pins: an admin entry takes precedence
        calendar.add_year(entry.year, _days(entry.holidays), _days(entry.workdays), source=ADMIN)
    return calendar


def get_engine(signature: tuple | None = None) -> Engine:
    """One Engine per app, rebuilt when an admin enters a calendar year or a year is pinned.

    `signature`: the calendar signature when the caller already read it (calendar_signature_columns).
    """
    signature = _calendar_signature() if signature is None else tuple(signature)
    cached = current_app.extensions.get(ENGINE_KEY)
    if cached is not None and cached[0] == signature:
        return cached[1]
    settings = get_settings()
    engine = Engine(calendar=build_calendar(library=True), deadlines=settings.process_deadlines,
                    limits=settings.limits)
    current_app.extensions[ENGINE_KEY] = (signature, engine)
    return engine


def invalidate_engine() -> None:
    current_app.extensions.pop(ENGINE_KEY, None)
