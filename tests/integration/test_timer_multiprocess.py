"""Two real `cadreflow scheduler` processes on PostgreSQL, 500 timers due in the same second:
each fires exactly once (one history event per timer), none is lost.

The processes run in the simulated time of the data (`--clock-start`); the test waits for them
with a bounded poll (real processes cannot be driven by a ManualClock).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from timer_helpers import adjustment, at_clock, bj, who

from service import commands
from service.commands.core import start_latest
from service.persistence.db import db
from service.persistence.models import HistoryEvent, Notification, PendingTimer

PG_URL_ENV = "CADREFLOW_TEST_DATABASE_URL"
TIMERS = 500
CADREFLOW = Path(sys.executable).with_name("cadreflow")

pytestmark = pytest.mark.skipif(not os.environ.get(PG_URL_ENV),
                                reason=f"{PG_URL_ENV} 未设置：多进程定时器测试需要 PostgreSQL")


def create_instances(count: int, reminder: str) -> list[str]:
    """`count` approval instances whose township reminder waits `reminder` (same start instant)."""
    template = commands.submit_adjustment(who("hr_edu"), adjustment())
    data = dict(db.session.execute(sa.select(HistoryEvent.inputs).where(
        HistoryEvent.instance_id == template.id, HistoryEvent.seq == 1)).scalar_one()["data"])
    data.update(deadline_approval_reminder=reminder, deadline_approval_escalation="P30D")
    for key in [k for k in data if k.startswith("__")]:
        data.pop(key)
    ids = []
    with commands.unit_of_work():
        for n in range(count):
            # Copies of one request, each under a cadre id of its own: one cadre may have one
            # running replacement only (migration 0007).
            row = start_latest("mid_term_replacement", {**data, "cadre_id": f"{data['cadre_id']}#{n}"},
                               template.created_at, actor=who("hr_edu"), grant=None, business_key=None,
                               submitter="hr_edu")
            ids.append(row.id)
    commands.withdraw_instance(who("hr_edu"), template.id, "测试")  # keep only the bulk instances pending
    return ids


def spawn(db_url: str, clock_start: str) -> subprocess.Popen:
    env = {**os.environ, "CADREFLOW_DATABASE_URL": db_url, "CADREFLOW_SCHEDULER_SWEEP_SECONDS": "0.5"}
    return subprocess.Popen([str(CADREFLOW), "scheduler", "--clock-start", clock_start], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_two_scheduler_processes_fire_500_timers_exactly_once(databases):
    from app_support import build_app, dispose

    url = databases.seeded_copy("postgresql")
    app = build_app(url)
    start = bj(2026, 12, 1, 9)
    try:
        with at_clock(app, start):
            began = time.monotonic()
            ids = create_instances(TIMERS, "PT60S")
            print(f"created {TIMERS} instances in {time.monotonic() - began:.1f} s")
            due = {t for t in db.session.execute(sa.select(PendingTimer.fire_at).where(
                PendingTimer.spec_id == "township_consent_reminder")).scalars()}
            assert due == {start + timedelta(seconds=60)}  # all due within the same second
            db.session.remove()
        # Both processes start 0.5 s after the fire time: everything is due at once.
        clock_start = (start + timedelta(seconds=60.5)).isoformat()
        began = time.monotonic()
        procs = [spawn(url, clock_start) for _ in range(2)]
        try:
            deadline = time.monotonic() + 45
            with app.app_context():
                while time.monotonic() < deadline:
                    left = db.session.execute(sa.select(sa.func.count()).select_from(PendingTimer).where(
                        PendingTimer.spec_id == "township_consent_reminder")).scalar_one()
                    db.session.rollback()
                    if left == 0:
                        break
                    time.sleep(0.2)
        finally:
            outputs = []
            for proc in procs:
                proc.send_signal(signal.SIGTERM)
                outputs.append(proc.communicate(timeout=20))
        fired_by = [int(err.split("共触发 ")[1].split(" ")[0]) for _, err in outputs
                    if "共触发 " in err]
        with app.app_context():
            timer_events = db.session.execute(
                sa.select(HistoryEvent.instance_id, sa.func.count()).where(HistoryEvent.kind == "timer")
                .group_by(HistoryEvent.instance_id)).all()
            per_instance = dict(timer_events)
            assert set(per_instance) == set(ids), "a timer was lost"
            assert set(per_instance.values()) == {1}, "a timer fired more than once"
            reminders = db.session.execute(sa.select(sa.func.count()).select_from(Notification).where(
                Notification.kind == "reminder")).scalar_one()
            assert reminders == TIMERS  # one township user notified per instance
            escalations_left = db.session.execute(sa.select(sa.func.count()).select_from(PendingTimer).where(
                PendingTimer.spec_id == "township_consent_escalation")).scalar_one()
            assert escalations_left == TIMERS  # not due: untouched
        assert len(fired_by) == 2 and sum(fired_by) == TIMERS, outputs
        print(f"fired per process: {fired_by}; scheduler phase {time.monotonic() - began:.1f} s")
    finally:
        dispose(app)
