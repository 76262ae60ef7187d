"""Calendar entry versions and pinned years, like history events, are never updated or deleted (ORM guard; on
PostgreSQL a trigger refuses it from any client)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from service.persistence.append_only import AppendOnlyViolation
from service.persistence.db import db
from service.persistence.history.append import HistoryIsAppendOnly
from service.persistence.models import CalendarEntry, CalendarPin
from service.persistence.models.calendar_entries import CalendarEntryIsAppendOnly
from service.persistence.models.calendar_pins import CalendarPinIsAppendOnly


@pytest.fixture
def entry(app):  # type: ignore[no-untyped-def]
    with app.app_context():
        version = 1 + (db.session.execute(sa.select(sa.func.max(CalendarEntry.version))
                                          .where(CalendarEntry.year == 2031)).scalar() or 0)
        row = CalendarEntry(year=2031, version=version, holidays=["2031-10-01"], workdays=[], note="测试",
                            entered_by="admin", entered_at=datetime(2026, 11, 28, tzinfo=UTC))
        db.session.add(row)
        db.session.commit()
        yield row
        db.session.rollback()


def test_a_calendar_entry_cannot_be_changed_or_deleted_through_the_orm(entry):
    version = entry.version
    entry.holidays = ["2031-10-02"]
    with pytest.raises(CalendarEntryIsAppendOnly, match=f"2031 年第 {version} 版"):
        db.session.flush()
    db.session.rollback()
    db.session.delete(entry)
    with pytest.raises(CalendarEntryIsAppendOnly):
        db.session.flush()
    db.session.rollback()
    for statement in (sa.update(CalendarEntry).values(note="改"), sa.delete(CalendarEntry)):
        with pytest.raises(CalendarEntryIsAppendOnly):
            db.session.execute(statement)
        db.session.rollback()
    assert db.session.get(CalendarEntry, entry.id).holidays == ["2031-10-01"]


def test_both_guards_share_one_violation_type():
    assert issubclass(CalendarEntryIsAppendOnly, AppendOnlyViolation)
    assert issubclass(HistoryIsAppendOnly, AppendOnlyViolation)


@pytest.mark.parametrize("statement", ["UPDATE calendar_entries SET note = 'x'",
                                       "DELETE FROM calendar_entries", "TRUNCATE calendar_entries"])
def test_postgresql_refuses_calendar_rewrites_from_any_client(entry, backend, statement):
    if backend != "postgresql":
        pytest.skip("the append-only trigger exists on PostgreSQL only (SQLite relies on the ORM guard)")
    with pytest.raises(sa.exc.DBAPIError, match="append-only"):
        db.session.connection().exec_driver_sql(statement)
    db.session.rollback()
    assert db.session.get(CalendarEntry, entry.id) is not None


def test_a_calendar_pin_cannot_be_changed_or_deleted(app, backend):
    """Pinned years (the calendar a year was first counted with) are append-only too."""
    with app.app_context():
        pin = db.session.execute(sa.select(CalendarPin).where(CalendarPin.year == 2026)).scalar_one()
        pin.holidays = []
        with pytest.raises(CalendarPinIsAppendOnly, match="2026 年"):
            db.session.flush()
        db.session.rollback()
        for statement in (sa.update(CalendarPin).values(source="fallback"), sa.delete(CalendarPin)):
            with pytest.raises(CalendarPinIsAppendOnly):
                db.session.execute(statement)
            db.session.rollback()
        if backend == "postgresql":
            for statement in ("UPDATE calendar_pins SET source = 'fallback'", "DELETE FROM calendar_pins",
                              "TRUNCATE calendar_pins"):
                with pytest.raises(sa.exc.DBAPIError, match="append-only"):
                    db.session.connection().exec_driver_sql(statement)
                db.session.rollback()
        assert db.session.get(CalendarPin, pin.id).source == "library"
