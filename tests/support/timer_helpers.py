"""Helpers for the timer tests (imported by name: test dirs are not packages)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import Flask

from service import commands
from service.core.clock import ManualClock, install_clock
from service.core.principal import Principal
from service.persistence.db import db
from service.persistence.models import HistoryEvent, HumanTask, Notification, PendingTimer, User
from service.timers import SchedulerConfig, TimerFirer

BJ = ZoneInfo("Asia/Shanghai")
MS = timedelta(milliseconds=1)


def bj(*args: int) -> datetime:
    return datetime(*args, tzinfo=BJ)


def who(login: str) -> Principal:
    return Principal.from_user(db.session.get(User, login))


def adjustment(**overrides: Any) -> dict[str, Any]:
    payload = {"cadre_id": "c-zhangwei", "village_id": "v-shangzhuang", "role": "first_secretary",
               "reason": "health", "justification": "", "nominee_id": "c-sunhao",
               "effective_date": date(2026, 12, 20), "evidence": ["体检报告"]}
    payload.update(overrides)
    return payload


@contextmanager
def at_clock(app: Flask, start: datetime) -> Iterator[ManualClock]:
    clock = install_clock(app, ManualClock(start))
    with app.app_context():
        yield clock


def firer(**config: Any) -> TimerFirer:
    return TimerFirer("test-replica", SchedulerConfig(**config))


def timers(instance_id: str) -> dict[str, PendingTimer]:
    stmt = sa.select(PendingTimer).where(PendingTimer.instance_id == instance_id)
    rows = db.session.execute(stmt).scalars()
    return {t.spec_id: t for t in rows}


def open_task(instance_id: str, spec_id: str | None = None) -> HumanTask:
    rows = db.session.execute(sa.select(HumanTask).where(
        HumanTask.instance_id == instance_id, HumanTask.status == "open")).scalars().all()
    rows = [r for r in rows if spec_id is None or r.spec_id == spec_id]
    assert len(rows) == 1, [(r.spec_id, r.status) for r in rows]
    return rows[0]


def events(instance_id: str, kind: str | None = None) -> list[HistoryEvent]:
    stmt = sa.select(HistoryEvent).where(HistoryEvent.instance_id == instance_id).order_by(HistoryEvent.seq)
    rows = db.session.execute(stmt).scalars().all()
    return [e for e in rows if kind is None or e.kind == kind]


def notifications(instance_id: str, kind: str | None = None) -> list[Notification]:
    rows = db.session.execute(sa.select(Notification).where(Notification.instance_id == instance_id)
                              .order_by(Notification.id)).scalars().all()
    return [n for n in rows if kind is None or n.kind == kind]


def fire_exactly_at(instance_id: str, spec_id: str, expected: datetime, fire: TimerFirer) -> None:
    """The timer is pending with fire_at == expected, does not fire at that instant, fires just after."""
    timer = timers(instance_id)[spec_id]
    assert timer.fire_at == expected, (spec_id, timer.fire_at.astimezone(BJ), expected)
    before = len(events(instance_id, "timer"))
    report = fire.fire_due(expected)
    assert instance_id not in report.fired, f"{spec_id} fired at its fire time, not strictly after"
    report = fire.fire_due(expected + MS)
    assert timer.id in report.fired.get(instance_id, []), (spec_id, report)
    assert len(events(instance_id, "timer")) == before + 1
    assert spec_id not in timers(instance_id)


def complete(login: str, instance_id: str, spec_id: str, decision: str = "approve",
             comment: str = "", data: dict | None = None) -> Any:
    task = open_task(instance_id, spec_id)
    return commands.complete_task(who(login), task.id, decision, comment, data or {})
