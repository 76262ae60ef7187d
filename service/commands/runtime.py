"""Parsed definitions (once per definition row) and the Engine built from settings + calendar."""

from __future__ import annotations

import threading
from datetime import date

import sqlalchemy as sa
from flask import current_app

from service.app import get_settings
from service.db import db
from service.errors import NotFound
from service.models import CalendarYear, ProcessDefinition
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


def latest_definition_row(key: str) -> ProcessDefinition:
    row = db.session.execute(
        sa.select(ProcessDefinition).where(ProcessDefinition.key == key)
        .order_by(ProcessDefinition.version.desc()).limit(1)
    ).scalar_one_or_none()
    if row is None:
        raise NotFound(f"流程 {key} 尚未部署。")
    return row


def _calendar_signature() -> tuple:
    return tuple(db.session.execute(
        sa.select(CalendarYear.year, CalendarYear.entered_at).order_by(CalendarYear.year)
    ).all())


def build_calendar() -> WorkingCalendar:
    calendar = WorkingCalendar()
    for row in db.session.execute(sa.select(CalendarYear)).scalars():
        calendar.add_year(row.year, {date.fromisoformat(d) for d in row.holidays or []},
                          {date.fromisoformat(d) for d in row.workdays or []})
    return calendar


def get_engine() -> Engine:
    """One Engine per app, rebuilt when an admin enters or changes a calendar year."""
    signature = _calendar_signature()
    cached = current_app.extensions.get(ENGINE_KEY)
    if cached is not None and cached[0] == signature:
        return cached[1]
    engine = Engine(calendar=build_calendar(), deadlines=get_settings().process_deadlines)
    current_app.extensions[ENGINE_KEY] = (signature, engine)
    return engine


def invalidate_engine() -> None:
    current_app.extensions.pop(ENGINE_KEY, None)
