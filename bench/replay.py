"""Cost of auditing: verify (chain check + replay) per instance, for 10,000 instances, vs. the original run.

Builds a fresh database (a temporary SQLite file, or --database-url: an empty PostgreSQL database),
migrated and demo-seeded, then:

1. runs --rounds rounds of real service commands under a manual clock: a first-secretary replacement
   (4 commands, the last one also starts the handover), its handover (7 commands) and a recall
   ending in rectification (6 commands). The time of each command call is the original execution
   time (engine + database, as in production).
2. fills up to --instances (10,000) with clones of the first round (bench/replay_clone.py): the
   same recorded command inputs re-executed by the engine for new instance ids, each clone with its
   own states, state hashes and hash chain, bulk-inserted in batches. Creating them through the
   service (0.1-0.3 s an instance on this 2-core machine) would take 20-60 minutes; this takes ~5.
3. verifies every instance with service.audit.verify_instance (full chain check + replay + stored
   state check), in one process, timed; all of them must be ok. The chain check and the replay are
   then timed apart on the service-built instances, and two tampered copies of a clone must fail.

Prints the per-process medians (ms), the measured time to verify all instances, and the ratios
replay/original and verify/original (target <= 1.5x).

--quick: the old, much shorter estimate: only the service-built instances (default 170 rounds ->
510) are verified and the time for 10,000 is EXTRAPOLATED from them, not measured.

Usage: .venv/bin/python bench/replay.py [--instances 10000] [--rounds 20] [--database-url URL]
       .venv/bin/python bench/replay.py --quick [--rounds 170]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import sqlalchemy as sa  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from replay_clone import Cloner, insert_batch, load_template  # noqa: E402

from service import commands  # noqa: E402
from service.app import MIGRATIONS_DIR, create_app  # noqa: E402
from service.audit import Replayer, check_chain, instance_events, verify_instance  # noqa: E402
from service.audit.verify import _replay  # noqa: E402
from service.commands.actor import first_grant  # noqa: E402
from service.commands.core import start_latest  # noqa: E402
from service.commands.demo_data import seed_demo  # noqa: E402
from service.config import Settings  # noqa: E402
from service.core.clock import ManualClock, install_clock, now  # noqa: E402
from service.core.principal import Principal  # noqa: E402
from service.persistence.db import db  # noqa: E402
from service.persistence.history import event_fields, event_hash  # noqa: E402
from service.persistence.models import HistoryEvent, HumanTask, ProcessInstance, User  # noqa: E402

HANDOVER_LIST = {"village_situation": "村情", "household_situation": "户况", "policy_situation": "政策",
                 "open_projects": "在建项目", "funds": "资金", "archives": "档案"}


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


def restart(key: str, data: dict[str, Any]) -> ProcessInstance:
    """The first round's request started again as the admin, with its recorded start data. The
    request checks would refuse it (the cadre has been replaced meanwhile), and the generic start
    endpoint no longer starts processes that have a command of their own, so this goes straight
    to the engine start the commands use."""
    admin = who("admin")
    with commands.unit_of_work():
        return start_latest(key, data, now(), actor=admin, grant=first_grant(admin, "admin"),
                            business_key=None, submitter=admin.login)


def one_round(t: Timed, fs_data: dict[str, Any] | None, recall_data: dict[str, Any] | None) -> tuple:
    if fs_data is None:  # the first round goes through the real request checks
        fs = t.call(None, lambda: commands.submit_adjustment(who("hr_edu"), {
            "cadre_id": "c-zhangwei", "village_id": "v-shangzhuang", "role": "first_secretary",
            "reason": "health", "justification": "身体原因", "nominee_id": "c-sunhao",
            "effective_date": date(2026, 12, 20), "evidence": ["体检报告"]})).id
        fs_data = start_data(fs)
    else:  # later rounds start the same request as admin (the cadre has been replaced meanwhile)
        fs = t.call(None, lambda: restart("mid_term_replacement", fs_data)).id
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
        rc = t.call(None, lambda: restart("recall", recall_data)).id
    t.act(rc, "verify_finding_org_dept", "orgdept", comment="属实")
    t.act(rc, "cadre_statement", "cadre_lina", data={"statement": "已改正"})
    t.act(rc, "county_decision", "county", "rectify", "限期整改")
    t.act(rc, "rectification", "hr_hospital", data={"rectification_report": "已整改"})
    t.act(rc, "recheck_rectification_org_dept", "orgdept", comment="整改到位")
    return fs_data, recall_data


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f} ms"


def build_through_service(clock: ManualClock, rounds: int) -> tuple[Timed, float]:
    t = Timed(clock)
    print(f"building {rounds} rounds ({rounds * 3} instances) through the service ...", file=sys.stderr)
    t0 = time.perf_counter()
    fs_data = recall_data = None
    for _ in range(rounds):
        fs_data, recall_data = one_round(t, fs_data, recall_data)
        db.session.expunge_all()
    return t, time.perf_counter() - t0


def build_clones(templates_ids: list[str], count: int, batch_rounds: int) -> tuple[dict[str, str], float]:
    """`count` clones of the round `templates_ids` (replacement, handover, recall); returns
    {clone id: process key} and the wall time (engine re-execution + hashing + bulk inserts)."""
    templates = [load_template(i) for i in templates_ids]
    recall = [t for t in templates if t.process_key == "recall"]
    cloner = Cloner()
    process: dict[str, str] = {}
    full_rounds, extra = divmod(count, len(templates))
    # A remainder is made of recalls: a replacement without the handover it starts would be a
    # state the service never leaves behind.
    plan = [templates] * full_rounds + [recall] * extra
    print(f"creating {count} clones (engine re-execution, batches of {batch_rounds} rounds) ...",
          file=sys.stderr)
    t0 = time.perf_counter()
    rows: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    for k, round_templates in enumerate(plan, start=1):
        # Each round a second later: distinct clock readings, deadlines computed from them.
        new_rows, new_events = cloner.clone_round(round_templates, timedelta(seconds=k))
        rows += new_rows
        events += new_events
        process.update((r["id"], r["process_key"]) for r in new_rows)
        if k % batch_rounds == 0 or k == len(plan):
            insert_batch(rows, events)
            db.session.commit()
            rows, events = [], []
            print(f"  {len(process)}/{count} created, {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    return process, time.perf_counter() - t0


def verify_all(ids: list[str], replayer: Replayer) -> tuple[dict[str, float], list[str], float]:
    """Single process, one instance after another, as `cadreflow audit verify --all` does."""
    verify_s: dict[str, float] = {}
    bad: list[str] = []
    t_all = time.perf_counter()
    for n, instance_id in enumerate(ids, start=1):
        t0 = time.perf_counter()
        if not verify_instance(instance_id, replayer).ok:
            bad.append(instance_id)
        verify_s[instance_id] = time.perf_counter() - t0
        db.session.expunge_all()
        if n % 1000 == 0:
            print(f"  verified {n}/{len(ids)}, {time.perf_counter() - t_all:.0f} s", file=sys.stderr)
    return verify_s, bad, time.perf_counter() - t_all


def split_timings(ids: list[str], replayer: Replayer) -> tuple[dict[str, float], dict[str, float]]:
    """The two halves of verify apart, on the same rows."""
    chain_s: dict[str, float] = {}
    replay_s: dict[str, float] = {}
    for instance_id in ids:
        t0 = time.perf_counter()
        events = instance_events(instance_id)
        check_chain(events)
        chain_s[instance_id] = time.perf_counter() - t0
        row = db.session.get(ProcessInstance, instance_id)
        t0 = time.perf_counter()
        _replay(row, events, replayer)
        replay_s[instance_id] = time.perf_counter() - t0
        db.session.expunge_all()
    return chain_s, replay_s


def tamper_controls(clone_id: str, replayer: Replayer) -> tuple[Any, Any]:
    """Evidence that verify really checks the clones: two tampered in-memory copies of a clone's
    events (the database is not touched: history is append-only) must fail.
    Returns (chain result of an edited comment, replay result of a forged input with a rehashed chain)."""
    row = db.session.get(ProcessInstance, clone_id)
    stored = instance_events(clone_id)

    def copies() -> list[SimpleNamespace]:
        return [SimpleNamespace(**event_fields(e), event_hash=e.event_hash) for e in stored]

    edited = copies()
    edited[1].comment = (edited[1].comment or "") + "（改）"
    chain = check_chain(edited)
    forged = copies()
    target = next(e for e in forged if e.kind == "complete" and (e.inputs or {}).get("data"))
    data = dict(target.inputs["data"])
    data[next(iter(data))] = "伪造"
    target.inputs = {**target.inputs, "data": data}
    previous = None
    for e in forged:  # a forger who recomputes the whole chain: only the replay can catch it
        e.prev_hash = previous
        e.event_hash = previous = event_hash(event_fields(e), previous)
    assert check_chain(forged).ok
    return chain, (target.seq, _replay(row, forged, replayer))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--instances", type=int, default=10_000, help="instances to verify (default 10000)")
    parser.add_argument("--rounds", type=int, default=None,
                        help="rounds through the service, 3 instances each (default 20; --quick: 170)")
    parser.add_argument("--quick", action="store_true",
                        help="verify only the service-built instances and EXTRAPOLATE to --instances")
    parser.add_argument("--database-url", help="an empty database to use (default: a temporary SQLite file)")
    parser.add_argument("--batch-rounds", type=int, default=300,
                        help="clone rounds per bulk insert + commit (default 300, ~900 instances)")
    args = parser.parse_args()
    rounds = args.rounds or (170 if args.quick else 20)
    if not args.quick and rounds * 3 > args.instances:
        parser.error("--rounds * 3 exceeds --instances")
    url = args.database_url
    if url is None:
        url = f"sqlite:///{Path(tempfile.mkdtemp(prefix='cadreflow-bench-')) / 'bench.sqlite3'}"
    app = create_app(Settings(database_url=url, scheduler_enabled=False))
    backend = sa.engine.make_url(url).get_backend_name()
    with app.app_context():
        upgrade(directory=MIGRATIONS_DIR)
        seed_demo()
        clock = install_clock(app, ManualClock(datetime.fromisoformat("2026-12-01T09:00:00+08:00")))
        t, build_s = build_through_service(clock, rounds)
        seeds = list(t.original)
        process = dict(t.process)
        create_s = 0.0
        if not args.quick:
            clones, create_s = build_clones(seeds[:3], args.instances - len(seeds), args.batch_rounds)
            process.update(clones)
        ids = list(process)
        count = sa.select(sa.func.count()).select_from(ProcessInstance)
        assert db.session.execute(count).scalar() == len(ids)

        replayer = Replayer()
        verify_instance(ids[0], replayer)  # parse/caches warm, as in a long `audit verify --all`
        db.session.expunge_all()
        print(f"verifying {len(ids)} instances (single process) ...", file=sys.stderr)
        verify_s, bad, verify_total = verify_all(ids, replayer)
        chain_s, replay_s = split_timings(seeds, replayer)
        controls = None if args.quick else tamper_controls(ids[len(seeds) + 1], replayer)
        events_per: dict[str, list[int]] = defaultdict(list)
        for instance_id, n in db.session.execute(sa.select(HistoryEvent.instance_id, sa.func.count())
                                                 .group_by(HistoryEvent.instance_id)).all():
            events_per[process[instance_id]].append(n)
        total_events = sum(sum(v) for v in events_per.values())

    print(f"database: {backend}; {len(seeds)} instances built through the service in {build_s:.1f} s "
          f"({build_s / len(seeds) * 1000:.0f} ms each)")
    if not args.quick:
        print(f"created {len(ids) - len(seeds)} more by re-executing their recorded commands for new ids "
              f"in {create_s:.1f} s ({create_s / (len(ids) - len(seeds)) * 1000:.1f} ms each); "
              f"{len(ids)} instances, {total_events} events in the database")
    print(f"{'process':<22}{'count':>7}{'events':>7}{'original':>12}{'verify':>12}{'chain':>12}{'replay':>12}"
          f"{'replay/orig':>13}{'verify/orig':>13}")
    by_process: dict[str, list[str]] = defaultdict(list)
    for instance_id in ids:
        by_process[process[instance_id]].append(instance_id)
    for key, members in by_process.items():
        seed_members = [i for i in members if i in t.original]

        def med(d: dict[str, float], m: list[str]) -> float:
            return statistics.median(d[i] for i in m)
        original, verify = med(t.original, seed_members), med(verify_s, members)
        replay = med(replay_s, seed_members)
        print(f"{key:<22}{len(members):>7}{statistics.median(events_per[key]):>7.0f}{ms(original):>12}"
              f"{ms(verify):>12}{ms(med(chain_s, seed_members)):>12}{ms(replay):>12}"
              f"{replay / original:>12.2f}x{verify / original:>12.2f}x")
    print("  (medians; original, chain and replay on the service-built instances, verify over all "
          f"{len(ids)})")
    original_total = sum(t.original.values())
    seed_verify = sum(verify_s[i] for i in seeds)
    ok = len(ids) - len(bad)
    print(f"verify: {ok} of {len(ids)} instances ok{'' if not bad else f'; NOT OK: {bad[:5]}'}")
    if args.quick:
        print(f"batch: verified {len(ids)} instances in {verify_total:.2f} s "
              f"({verify_total / len(ids) * 1000:.1f} ms each); original execution {original_total:.2f} s")
        print(f"{args.instances:,} instances: {verify_total / len(ids) * args.instances:.1f} s  "
              f"EXTRAPOLATED (--quick) from the measured batch of {len(ids)}, not measured")
    else:
        print(f"{len(ids):,} instances: verified in {verify_total:.1f} s, single process "
              f"({verify_total / len(ids) * 1000:.1f} ms each; chain + replay + stored state, measured)")
        (chain_control, (forged_seq, (replay_bad, _))) = controls
        print(f"tamper controls on a clone: edited comment -> chain "
              f"{'broken at seq ' + str(chain_control.first_bad_seq) if not chain_control.ok else 'OK (!)'}; "
              f"forged input at seq {forged_seq} with rehashed chain -> replay "
              f"{'diverged at seq ' + str(replay_bad) if replay_bad is not None else 'OK (!)'}")
    print(f"ratio replay / original: {sum(replay_s.values()) / original_total:.2f}x   "
          f"verify (chain + replay + reads) / original: {seed_verify / original_total:.2f}x   "
          f"(service-built instances; target <= 1.5x)")
    if bad:
        sys.exit(1)


if __name__ == "__main__":
    main()
