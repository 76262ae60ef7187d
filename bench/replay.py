"""Cost of auditing: verify (chain check + replay) per instance, for 10,000 instances, vs. the original run.

Builds a fresh SQLite database (migrated, demo-seeded), then runs rounds of real service commands
under a manual clock: a first-secretary replacement (4 commands, the last one also starts the
handover), its handover (7 commands) and a recall ending in rectification (6 commands). The time of
each command call is the original execution time (engine + database, as in production). Then every
instance is verified with service.audit.verify_instance, and the chain check and the replay are also
timed apart.

Prints medians per process (ms), the batch total, the time for 10,000 instances (extrapolated from
the measured batch: creating 10,000 instances through the service would itself take ~15 minutes on
this 2-core machine) and the ratios replay/original and verify/original (target <= 1.5x).

Usage: .venv/bin/python bench/replay.py [--rounds 170]   (3 instances per round; 170 -> 510)
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from flask_migrate import upgrade  # noqa: E402

from service import commands  # noqa: E402
from service.app import MIGRATIONS_DIR, create_app  # noqa: E402
from service.audit import Replayer, check_chain, instance_events, verify_instance  # noqa: E402
from service.audit.verify import _replay  # noqa: E402
from service.auth import Principal  # noqa: E402
from service.clock import ManualClock, install_clock  # noqa: E402
from service.config import Settings  # noqa: E402
from service.db import db  # noqa: E402
from service.models import HistoryEvent, HumanTask, ProcessInstance, User  # noqa: E402
from service.seed_demo import seed_demo  # noqa: E402

HANDOVER_LIST = {"village_situation": "村情", "household_situation": "户况", "policy_situation": "政策",
                 "open_projects": "在建项目", "funds": "资金", "archives": "档案"}
TARGET = 10_000


class Timed:
    """Runs commands, adding each call's wall time to the instance it acted on."""

    def __init__(self, clock: ManualClock) -> None:
        self.clock = clock
        self.original: dict[str, float] = defaultdict(float)
        self.process: dict[str, str] = {}

    def call(self, instance_id: str | None, fn: Callable[[], Any]) -> Any:
        self.clock.advance(minutes=10)
        t0 = time.perf_counter()
        result = fn()
        elapsed = time.perf_counter() - t0
        if instance_id is None:  # a start: the instance id is only known afterwards
            instance_id = result.id
            self.process[instance_id] = result.process_key
        self.original[instance_id] += elapsed
        return result

    def act(self, instance_id: str, spec_id: str, login: str, decision: str = "approve",
            comment: str = "", data: dict[str, Any] | None = None) -> Any:
        task = db.session.execute(sa.select(HumanTask).where(
            HumanTask.instance_id == instance_id, HumanTask.spec_id == spec_id,
            HumanTask.status == "open")).scalar_one()
        actor = who(login)
        return self.call(instance_id, lambda: commands.complete_task(actor, task.id, decision, comment,
                                                                       data or {}))


def who(login: str) -> Principal:
    return Principal.from_user(db.session.get(User, login))


def start_data(instance_id: str) -> dict[str, Any]:
    first = db.session.execute(sa.select(HistoryEvent).where(
        HistoryEvent.instance_id == instance_id, HistoryEvent.seq == 1)).scalar_one()
    return dict(first.inputs["data"])


def one_round(t: Timed, fs_data: dict[str, Any] | None, recall_data: dict[str, Any] | None) -> tuple:
    admin = who("admin")
    if fs_data is None:  # the first round goes through the real request checks
        fs = t.call(None, lambda: commands.submit_adjustment(who("hr_edu"), {
            "cadre_id": "c-zhangwei", "village_id": "v-shangzhuang", "role": "first_secretary",
            "reason": "health", "justification": "身体原因", "nominee_id": "c-sunhao",
            "effective_date": date(2026, 12, 20), "evidence": ["体检报告"]})).id
        fs_data = start_data(fs)
    else:  # later rounds start the same request as admin (the cadre has been replaced meanwhile)
        fs = t.call(None, lambda: commands.start_process(admin, "mid_term_replacement", fs_data)).id
    t.act(fs, "township_consent", "tw_qingshan", comment="同意")
    t.act(fs, "county_consent", "county", comment="同意")
    done = t.act(fs, "org_dept_filing", "orgdept", comment="备案")
    ho = done.started[0].id
    t.process[ho] = "handover"
    t.act(ho, "confirm_arrival", "tw_qingshan", data={"arrival_date": "2026-12-10"})
    t.act(ho, "prepare_handover_list", "cadre_zhangwei", data=HANDOVER_LIST)
    t.act(ho, "review_handover_list", "cadre_sunhao")
    t.act(ho, "sign_old", "cadre_zhangwei")
    t.act(ho, "sign_new", "cadre_sunhao")
    t.act(ho, "witness_handover", "tw_qingshan")
    t.act(ho, "transfer_party_relation", "hr_edu", data={"party_transfer_date": "2026-12-15"})
    if recall_data is None:
        rc = t.call(None, lambda: commands.open_recall(who("orgdept"), {
            "cadre_id": "c-lina", "source": "supervision", "finding": "离岗", "evidence": []})).id
        recall_data = start_data(rc)
    else:
        rc = t.call(None, lambda: commands.start_process(admin, "recall", recall_data)).id
    t.act(rc, "verify_finding_org_dept", "orgdept", comment="属实")
    t.act(rc, "cadre_statement", "cadre_lina", data={"statement": "已改正"})
    t.act(rc, "county_decision", "county", "rectify", "限期整改")
    t.act(rc, "rectification", "hr_hospital", data={"rectification_report": "已整改"})
    t.act(rc, "recheck_rectification_org_dept", "orgdept", comment="整改到位")
    return fs_data, recall_data


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=170, help="3 instances per round (default 170 -> 510)")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="cadreflow-bench-"))
    app = create_app(Settings(database_url=f"sqlite:///{workdir / 'bench.sqlite3'}", scheduler_enabled=False))
    with app.app_context():
        upgrade(directory=MIGRATIONS_DIR)
        seed_demo()
        clock = install_clock(app, ManualClock(datetime.fromisoformat("2026-12-01T09:00:00+08:00")))
        t = Timed(clock)
        print(f"building {args.rounds} rounds ({args.rounds * 3} instances) through the service ...",
              file=sys.stderr)
        t_build = time.perf_counter()
        fs_data = recall_data = None
        for _ in range(args.rounds):
            fs_data, recall_data = one_round(t, fs_data, recall_data)
            db.session.expunge_all()
        build_s = time.perf_counter() - t_build
        ids = list(t.original)
        count = sa.select(sa.func.count()).select_from(ProcessInstance)
        assert db.session.execute(count).scalar() == len(ids)

        replayer = Replayer()
        verify_instance(ids[0], replayer)  # parse/caches warm, as in a long `audit verify --all`
        verify_s: dict[str, float] = {}
        chain_s: dict[str, float] = {}
        replay_s: dict[str, float] = {}
        bad = 0
        t_all = time.perf_counter()
        for instance_id in ids:
            t0 = time.perf_counter()
            bad += not verify_instance(instance_id, replayer).ok
            verify_s[instance_id] = time.perf_counter() - t0
            db.session.expunge_all()
        batch_s = time.perf_counter() - t_all
        for instance_id in ids:  # the two halves apart, on the same rows
            t0 = time.perf_counter()
            events = instance_events(instance_id)
            check_chain(events)
            chain_s[instance_id] = time.perf_counter() - t0
            row = db.session.get(ProcessInstance, instance_id)
            t0 = time.perf_counter()
            _replay(row, events, replayer)
            replay_s[instance_id] = time.perf_counter() - t0
            db.session.expunge_all()

    events_per = defaultdict(list)
    with app.app_context():
        for instance_id, n in db.session.execute(sa.select(HistoryEvent.instance_id, sa.func.count())
                                                 .group_by(HistoryEvent.instance_id)).all():
            events_per[t.process[instance_id]].append(n)
    print(f"instances: {len(ids)} ({bad} not ok); built in {build_s:.1f} s through the service (SQLite)")
    print(f"{'process':<22}{'events':>7}{'original':>12}{'verify':>12}{'chain':>12}{'replay':>12}"
          f"{'replay/orig':>13}{'verify/orig':>13}")
    by_process: dict[str, list[str]] = defaultdict(list)
    for instance_id in ids:
        by_process[t.process[instance_id]].append(instance_id)
    for key, members in by_process.items():
        def med(d: dict[str, float], m: list[str] = members) -> float:
            return statistics.median(d[i] for i in m)
        print(f"{key:<22}{statistics.median(events_per[key]):>7.0f}{ms(med(t.original)):>12}"
              f"{ms(med(verify_s)):>12}{ms(med(chain_s)):>12}{ms(med(replay_s)):>12}"
              f"{med(replay_s) / med(t.original):>12.2f}x{med(verify_s) / med(t.original):>12.2f}x")
    original_total = sum(t.original.values())
    print(f"batch: verify {len(ids)} instances in {batch_s:.2f} s ({batch_s / len(ids) * 1000:.1f} ms each); "
          f"original execution {original_total:.2f} s")
    print(f"10,000 instances: {batch_s / len(ids) * TARGET:.1f} s "
          f"(extrapolated from the measured batch of {len(ids)}; same process mix)")
    print(f"ratio replay / original: {sum(replay_s.values()) / original_total:.2f}x   "
          f"verify (chain + replay + reads) / original: {batch_s / original_total:.2f}x   (target <= 1.5x)")


if __name__ == "__main__":
    main()
