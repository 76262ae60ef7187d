"""Claiming due timers so that any number of scheduler replicas fire each one exactly once.

A claim covers one instance: every timer of an instance is fired by one command on its state, so
two replicas must not work on the same instance at once.

PostgreSQL: `SELECT ... FOR UPDATE SKIP LOCKED` of the earliest due timer row, then of its instance
row, opens the transaction in which the fire command then runs and commits; a busy instance is
skipped, and a crashed replica's locks vanish with its connection.

Other databases (SQLite): a conditional UPDATE sets lock_owner and lock_expires_at on the
instance's due rows and is committed at once; only the replica whose UPDATE matched fires, and
claims of a crashed replica are taken over once they expire. Either way the instance revision
check of the fire command is the last line of defence: a second writer gets a conflict.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.engine import CursorResult

from service.persistence.db import db
from service.persistence.models import PendingTimer, ProcessInstance


@dataclass(frozen=True)
class Claim:
    instance_id: str
    # The claimed instance's due timers; only a failed firing needs them (Claimer.timer_ids_of
    # reads them then), so a successful firing spends no query on them.
    timer_ids: list[str] | None = None


def _due(now: datetime, skip: set[str]) -> list[sa.ColumnElement[bool]]:
    clauses = [
        PendingTimer.fire_at < now,  # timers fire strictly after their fire time
        sa.or_(PendingTimer.next_attempt_at.is_(None), PendingTimer.next_attempt_at <= now),
        ProcessInstance.status == "running",
    ]
    if skip:
        clauses.append(PendingTimer.instance_id.not_in(skip))
    return clauses


class Claimer:
    """Base: `claim(now, skip)` returns the next due instance or None; `release` after firing."""

    def __init__(self, owner: str, lock_ttl: timedelta) -> None:
        self.owner = owner
        self.lock_ttl = lock_ttl

    def claim(self, now: datetime, skip: set[str]) -> Claim | None:
        raise NotImplementedError

    def due_timer_ids(self, instance_id: str, now: datetime) -> list[str]:
        return list(db.session.execute(sa.select(PendingTimer.id).where(
            PendingTimer.instance_id == instance_id, PendingTimer.fire_at < now)).scalars())

    def timer_ids_of(self, claim: Claim, now: datetime) -> list[str]:
        if claim.timer_ids is not None:
            return claim.timer_ids
        return self.due_timer_ids(claim.instance_id, now)

    def release(self, claim: Claim) -> None:
        """Drop what is left of the claim (rows the firing kept); nothing to do on PostgreSQL."""


class RowLockClaimer(Claimer):
    """PostgreSQL: row locks held by the transaction that fires (no commit here)."""

    def claim(self, now: datetime, skip: set[str]) -> Claim | None:
        # Two primary-key-sized statements instead of one join: joined, the planner may walk every
        # running instance and probe its timers (it does while the tables' statistics are stale,
        # e.g. right after many instances were started), and every claim pays for that. Here the
        # timers drive (fire_at order, stopping at the first lockable one); the instance's status
        # is a per-row subquery, then the instance row is locked by its key.
        running = sa.select(ProcessInstance.status).where(
            ProcessInstance.id == PendingTimer.instance_id).scalar_subquery() == "running"
        while True:
            clauses = [PendingTimer.fire_at < now, running,
                       sa.or_(PendingTimer.next_attempt_at.is_(None), PendingTimer.next_attempt_at <= now)]
            if skip:
                clauses.append(PendingTimer.instance_id.not_in(skip))
            instance_id = db.session.execute(
                sa.select(PendingTimer.instance_id).where(*clauses).order_by(PendingTimer.fire_at)
                .limit(1).with_for_update(skip_locked=True)).scalar_one_or_none()
            if instance_id is None:
                db.session.rollback()
                return None
            locked = db.session.execute(
                sa.select(ProcessInstance.id)
                .where(ProcessInstance.id == instance_id, ProcessInstance.status == "running")
                .with_for_update(skip_locked=True)).scalar_one_or_none()
            if locked is not None:
                return Claim(instance_id)
            # Busy (a person's command or another replica holds it) or no longer running: let go
            # of the timer row and look further.
            db.session.rollback()
            skip = skip | {instance_id}


class LeaseClaimer(Claimer):
    """SQLite and others: a committed lease (lock_owner, lock_expires_at) on the due rows."""

    def claim(self, now: datetime, skip: set[str]) -> Claim | None:
        free = sa.or_(PendingTimer.lock_owner.is_(None), PendingTimer.lock_expires_at < now)
        while True:
            instance_id = db.session.execute(
                sa.select(PendingTimer.instance_id)
                .join(ProcessInstance, ProcessInstance.id == PendingTimer.instance_id)
                .where(*_due(now, skip), free).order_by(PendingTimer.fire_at).limit(1)
            ).scalar_one_or_none()
            if instance_id is None:
                db.session.rollback()
                return None
            # An UPDATE without RETURNING gives a CursorResult (Session.execute is typed as Result).
            taken = cast(CursorResult[Any], db.session.execute(
                sa.update(PendingTimer)
                .where(PendingTimer.instance_id == instance_id, PendingTimer.fire_at < now, free)
                .values(lock_owner=self.owner, lock_expires_at=now + self.lock_ttl)
                .execution_options(synchronize_session=False)
            )).rowcount
            db.session.commit()
            if taken:
                return Claim(instance_id)
            skip = skip | {instance_id}  # another replica won the race for it

    def release(self, claim: Claim) -> None:
        db.session.execute(
            sa.update(PendingTimer)
            .where(PendingTimer.instance_id == claim.instance_id, PendingTimer.lock_owner == self.owner)
            .values(lock_owner=None, lock_expires_at=None)
            .execution_options(synchronize_session=False))
        db.session.commit()


def claimer_for(dialect: str, owner: str, lock_ttl: timedelta) -> Claimer:
    return RowLockClaimer(owner, lock_ttl) if dialect == "postgresql" else LeaseClaimer(owner, lock_ttl)
