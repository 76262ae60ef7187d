"""Parsed definitions (once per definition row) and the Engine built from settings + calendar."""

from __future__ import annotations

import threading
from datetime import date, datetime

import sqlalchemy as sa
from flask import current_app

from service.config import get_settings
from service.core.errors import NotFound
from service.persistence.db import db
from service.persistence.models import CalendarEntry, ProcessDefinition
from workflows.engine import Definition, Engine, load_definition
from workflows.working_days import WorkingCalendar

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
    definition = load_definition(files, version_label=f"{row.key}:v{row.version}")
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


def calendar_signature_columns() -> tuple[sa.ScalarSelect, sa.ScalarSelect]:
    """Scalar subqueries for the calendar signature, to ride along in another query."""
    return (sa.select(sa.func.count(CalendarEntry.id)).scalar_subquery(),
            sa.select(sa.func.max(CalendarEntry.id)).scalar_subquery())


def _calendar_signature() -> tuple:
    # Entries are append-only: their count and newest id change with every entry.
    return tuple(db.session.execute(
        sa.select(sa.func.count(CalendarEntry.id), sa.func.max(CalendarEntry.id))
    ).one())


def calendar_entries(as_of: datetime | None = None) -> list[CalendarEntry]:
    """The version of each year in force at `as_of` (inclusive; None: now, i.e. the latest)."""
    stmt = sa.select(CalendarEntry).order_by(CalendarEntry.year, CalendarEntry.version)
    if as_of is not None:
        stmt = stmt.where(CalendarEntry.entered_at <= as_of)
    latest: dict[int, CalendarEntry] = {}
    for entry in db.session.execute(stmt).scalars():
        latest[entry.year] = entry  # ordered by version: the last one wins
    return [latest[year] for year in sorted(latest)]


def build_calendar(as_of: datetime | None = None) -> WorkingCalendar:
    """The working calendar from admin entries made up to `as_of` (all of them when None).

    The audit replay passes each event's time: an entry with entered_at <= as_of is in force, and
    among a year's versions the highest such version wins; years without an entry fall back to
    chinese-calendar, then weekends only.
    """
    calendar = WorkingCalendar()
    for entry in calendar_entries(as_of):
        calendar.add_year(entry.year, {date.fromisoformat(d) for d in entry.holidays or []},
                          {date.fromisoformat(d) for d in entry.workdays or []})
    return calendar


def get_engine(signature: tuple | None = None) -> Engine:
    """One Engine per app, rebuilt when an admin enters or changes a calendar year.

    `signature`: the calendar signature when the caller already read it (calendar_signature_columns).
    """
    signature = _calendar_signature() if signature is None else tuple(signature)
    cached = current_app.extensions.get(ENGINE_KEY)
    if cached is not None and cached[0] == signature:
        return cached[1]
    engine = Engine(calendar=build_calendar(), deadlines=get_settings().process_deadlines)
    current_app.extensions[ENGINE_KEY] = (signature, engine)
    return engine


def invalidate_engine() -> None:
    current_app.extensions.pop(ENGINE_KEY, None)
