"""The figures /health reports about timers: read from the pending-timer table (the truth)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from service.clock import now as clock_now
from service.commands.calendar import uncovered_years
from service.commands.runtime import get_engine
from service.db import db
from service.models import PendingTimer, ProcessInstance


def _iso(at: datetime | None) -> str | None:
    return at.astimezone(UTC).isoformat() if at is not None else None


def next_due_at(after: datetime) -> datetime | None:
    """The earliest moment a pending timer of a running instance becomes due (after `after`)."""
    effective = sa.func.coalesce(PendingTimer.next_attempt_at, PendingTimer.fire_at)
    return db.session.execute(
        sa.select(sa.func.min(effective))
        .join(ProcessInstance, ProcessInstance.id == PendingTimer.instance_id)
        .where(ProcessInstance.status == "running", effective >= after)
    ).scalar()


def timer_figures(at: datetime | None = None) -> dict[str, Any]:
    """Figures for /health; an unreachable database is reported, not raised (health says so)."""
    try:
        return _figures(at or clock_now())
    except sa.exc.SQLAlchemyError as err:
        db.session.rollback()
        return {"error": f"{type(err).__name__}"}


def _figures(at: datetime) -> dict[str, Any]:
    running = sa.select(PendingTimer).join(
        ProcessInstance, ProcessInstance.id == PendingTimer.instance_id
    ).where(ProcessInstance.status == "running").subquery()
    pending, next_fire, oldest = db.session.execute(sa.select(
        sa.func.count(),
        sa.func.min(sa.case((running.c.fire_at >= at, running.c.fire_at))),
        sa.func.min(sa.case((running.c.fire_at < at, running.c.fire_at))),
    ).select_from(running)).one()
    return {
        "pending": pending,
        "next_fire_at": _iso(next_fire),
        "oldest_overdue_at": _iso(oldest),
        "calendar_uncovered_years": uncovered_years(at, get_engine().calendar),
    }
