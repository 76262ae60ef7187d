"""Timer lag benchmark: 1,000 timers spread over 20 s, 2 `cadreflow scheduler` processes on PostgreSQL.

Prints the lag between each timer's due time and its firing (p50, p99, max) and the firing
throughput. Wall clock throughout (a benchmark, not a test). Lag = the `at` of the timer's
history event (the clock reading of the firing command) minus fire_at.

    CADREFLOW_BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/postgres \
        .venv/bin/python bench/timer_lag.py [--timers 1000] [--spread 20] [--processes 2]

A scratch database is created on that server and dropped afterwards.
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from service.config import Settings  # noqa: E402

CADREFLOW = Path(sys.executable).with_name("cadreflow")


def scratch_database(server_url: str) -> tuple[str, sa.Engine, str]:
    url = sa.engine.make_url(Settings(database_url=server_url).database_url)
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT", poolclass=sa.NullPool)
    name = f"cadreflow_bench_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    return url.set(database=name).render_as_string(hide_password=False), admin, name


def prepare(db_url: str, count: int, spread: float, lead: float) -> tuple[list[str], datetime]:
    """Seed, then start `count` approval instances whose reminders fall over `spread` seconds."""
    from flask_migrate import upgrade

    from service import commands
    from service.app import MIGRATIONS_DIR, create_app
    from service.commands.core import start_latest
    from service.commands.demo_data import seed_demo
    from service.core.clock import ManualClock, install_clock
    from service.core.principal import Principal
    from service.persistence.db import db
    from service.persistence.models import HistoryEvent, User

    app = create_app(Settings(database_url=db_url))
    with app.app_context():
        upgrade(directory=MIGRATIONS_DIR)
        seed_demo()
        hr = Principal.from_user(db.session.get(User, "hr_edu"))
        # All instances are started at one instant (a ManualClock) so each reminder's due time is
        # exactly start + its own duration; `start` lies `lead` seconds ahead to cover setup.
        start = datetime.now(UTC) + timedelta(seconds=lead)
        install_clock(app, ManualClock(start))
        template = commands.submit_adjustment(hr, {
            "cadre_id": "c-zhangwei", "village_id": "v-shangzhuang", "role": "first_secretary",
            "reason": "health", "justification": "", "nominee_id": "c-sunhao",
            "effective_date": (start + timedelta(days=30)).date(), "evidence": ["体检报告"]})
        data = dict(db.session.execute(sa.select(HistoryEvent.inputs).where(
            HistoryEvent.instance_id == template.id, HistoryEvent.seq == 1)).scalar_one()["data"])
        commands.withdraw_instance(hr, template.id)
        ids = []
        with commands.unit_of_work():
            for i in range(count):
                offset = spread * i / count
                # Copies of one request, each under a cadre id of its own: one cadre may have one
                # running replacement only (migration 0007).
                data.update(deadline_approval_reminder=f"PT{offset:.3f}S",
                            deadline_approval_escalation="P30D", cadre_id=f"c-zhangwei#{i}")
                ids.append(start_latest("mid_term_replacement", dict(data), start, actor=hr, grant=None,
                                        business_key=None, submitter="hr_edu").id)
        db.session.remove()
        for engine in db.engines.values():
            engine.dispose()
    return ids, start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timers", type=int, default=1000)
    parser.add_argument("--spread", type=float, default=20.0)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--lead", type=float, default=60.0, help="seconds reserved for setup")
    args = parser.parse_args()
    server = os.environ.get("CADREFLOW_BENCH_DATABASE_URL") or os.environ.get("CADREFLOW_TEST_DATABASE_URL")
    if not server:
        sys.exit("需要 CADREFLOW_BENCH_DATABASE_URL（PostgreSQL 服务器地址）")
    db_url, admin, name = scratch_database(server)
    procs: list[subprocess.Popen] = []
    try:
        t0 = time.monotonic()
        ids, start = prepare(db_url, args.timers, args.spread, args.lead)
        print(f"prepared {len(ids)} timers in {time.monotonic() - t0:.1f} s; "
              f"first due in {(start - datetime.now(UTC)).total_seconds():.1f} s")
        if start < datetime.now(UTC) + timedelta(seconds=5):
            sys.exit("准备时间超过 --lead：请调大 --lead")
        env = {**os.environ, "CADREFLOW_DATABASE_URL": db_url}
        procs = [subprocess.Popen([str(CADREFLOW), "scheduler"], env=env, stderr=subprocess.PIPE, text=True)
                 for _ in range(args.processes)]
        engine = sa.create_engine(db_url, poolclass=sa.NullPool)
        end_by = start + timedelta(seconds=args.spread + 60)
        while datetime.now(UTC) < end_by:
            with engine.connect() as conn:
                left = conn.execute(sa.text("SELECT count(*) FROM pending_timers "
                                            "WHERE spec_id = 'township_consent_reminder'")).scalar_one()
            if left == 0:
                break
            time.sleep(0.5)
        with engine.connect() as conn:
            starts = dict(conn.execute(sa.text(
                "SELECT instance_id, inputs->'data'->>'deadline_approval_reminder' FROM history_events "
                "WHERE kind = 'start'")).all())
            by_instance = dict(conn.execute(sa.text(
                "SELECT instance_id, at FROM history_events WHERE kind = 'timer'")).all())
        engine.dispose()
        lags, fire_times = [], []
        for instance_id, at in by_instance.items():
            duration = starts[instance_id]
            due = start + timedelta(seconds=float(duration[2:-1]))
            lags.append((at - due).total_seconds())
            fire_times.append(at)
        lost = len(ids) - len(lags)
        lags.sort()
        q = statistics.quantiles(lags, n=100) if len(lags) > 1 else lags * 99
        window = (max(fire_times) - min(fire_times)).total_seconds() if fire_times else 0.0
        print(f"timers: {len(ids)}  fired: {len(lags)}  lost: {lost}  processes: {args.processes}")
        print(f"lag  p50 {q[49] * 1000:.0f} ms  p99 {q[98] * 1000:.0f} ms  max {lags[-1] * 1000:.0f} ms  "
              f"min {lags[0] * 1000:.0f} ms")
        print(f"throughput: {len(lags) / window:.1f} timers/s over the {window:.1f} s firing window "
              f"(offered load {args.timers / args.spread:.1f} timers/s)")
    finally:
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
        for proc in procs:
            try:
                _, err = proc.communicate(timeout=30)
                print("  " + (err.strip().splitlines() or [""])[-1])
            except subprocess.TimeoutExpired:
                proc.kill()
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


if __name__ == "__main__":
    main()
