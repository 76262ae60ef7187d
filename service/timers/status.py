"""The figures /health reports about timers: read from the pending-timer table (the truth)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from service.commands.calendar import uncovered_years
from service.core.clock import now as clock_now
from service.persistence.db import db
from service.persistence.models import PendingTimer, ProcessInstance
from service.persistence.runtime import get_engine


def _iso(at: datetime | None) -> str | None:
    return at.astimezone(UTC).isoformat() if at is not None else None


def next_due_at(after: datetime) -> datetime | None:
    """The earliest moment (at or after `after`) a pending timer becomes due: its fire time, or its
    retry time after a failed firing.

    It only tells the scheduler when to look, so it does not join the instances to leave out the
    timers of instances that no longer run (waking for one of those costs an empty claim): joined,
    and as one min() over coalesce(), it scanned every pending timer on every wake. Split, the
    fire times are read in index order."""
    first_fire = sa.select(sa.func.min(PendingTimer.fire_at)).where(
        PendingTimer.next_attempt_at.is_(None), PendingTimer.fire_at >= after).scalar_subquery()
    first_retry = sa.select(sa.func.min(PendingTimer.next_attempt_at)).where(
        PendingTimer.next_attempt_at >= after).scalar_subquery()
    first, retry = db.session.execute(sa.select(first_fire, first_retry)).one()
    return min((t for t in (first, retry) if t is not None), default=None)


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
