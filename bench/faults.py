"""Fault test (issue 7): kill -9 web workers and schedulers at random moments under load, then check.

Starts its own scripts/cluster topology (two gunicorn web processes, two `cadreflow scheduler`
processes) on a fresh PostgreSQL database and its own ports and directory, with every
CADREFLOW_DEADLINE_* a few seconds long so that reminders, escalations and deadlines fire during the
run. Lanes of demo users submit and complete mid-term replacements (bench/load.py's client): fast
lanes approve at once; slow lanes wait a few seconds before each step (so timers fire meanwhile and
race with the completions) and sometimes return or reject. A client retries a request that failed
without an answer (a killed worker), a 409 or a 5xx, like a user pressing the button again.
Meanwhile a chaos thread kills -9 a random gunicorn worker (its master respawns it) and a random
scheduler (restarted a few seconds later the way scripts/cluster starts it) several times.

Every request that got a 2xx is recorded with what it did. After the load: whatever is down is
restarted (`scripts/cluster start`), the script waits (bounded) until every timer that came due has
fired, and then checks:

- every 2xx command is present: submitted and started instances exist; every completed task is
  `done` with the recorded decision and has exactly one `complete` history event;
- every instance verifies: hash chain + replay of the pinned definition + stored state
  (service.audit.verify_instance, as `cadreflow audit verify --all`);
- no timer is lost: no pending timer of a running instance overdue by more than the sweep
  interval + a margin, no instance in status `error`, and the pending_timers / human_tasks
  projections equal the replayed engine's waiting timers / open tasks;
- no timer fired twice: the replay tells which timers every `timer` event fired; per timer, and
  per (task, timer spec), at most one; per (instance, task, kind) notifications from one firing;
- no task is duplicated: no two open human_tasks rows of an instance for the same step, human_tasks
  ids unique, no completed task with two `complete` events, at most one handover per approved
  replacement and one running replacement per cadre.

Prints the figures and a verdict; exits 1 when an invariant is violated. Stops the cluster and
drops its database at the end (--keep keeps both).

    .venv/bin/python bench/faults.py --duration 90
"""

from __future__ import annotations

import argparse
import heapq
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import psutil
from load import COUNTY_USERS, Client, percentile, user_for  # bench/ is sys.path[0] as a script
from load_prepare import LoadCadre, post_cadres

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
CLUSTER = ROOT / "scripts" / "cluster"
PG = "postgresql+psycopg://postgres@127.0.0.1:5432"
PG_LOG = Path("/var/log/postgresql/postgresql-15-main.log")
MAX_DURATION = 300.0
# Short deadlines: timers fire during the run. Reminder and escalation of an approval step come
# due a few seconds apart; the slow lanes' waits straddle them.
DEADLINES = {
    "APPROVAL_REMINDER": "PT4S", "APPROVAL_ESCALATION": "PT8S", "REVISION": "PT6S",
    "ARRIVAL": "PT5S", "HANDOVER": "PT7S", "STATEMENT": "PT5S", "RECTIFICATION": "PT10S",
    "NOMINATION": "PT10S",
}
LANE_ROLES = ("township", *COUNTY_USERS)
RETRY_STATUSES = {0, 409, 500, 502, 503, 504}


# --- the cluster --------------------------------------------------------------------------------

class Cluster:
    """scripts/cluster with this run's database, ports and directory."""

    def __init__(self, db_name: str, directory: Path, ports: list[int], workers: int, sweep: float) -> None:
        self.db_name, self.dir, self.ports, self.workers = db_name, directory, ports, workers
        self.url = f"{PG}/{db_name}"
        self.env = {**os.environ, "CLUSTER_DB": db_name, "CLUSTER_DIR": str(directory),
                    "CLUSTER_PORTS": " ".join(map(str, ports)), "CLUSTER_WORKERS": str(workers),
                    "CLUSTER_SCHEDULERS": "2", "CADREFLOW_SCHEDULER_SWEEP_SECONDS": str(sweep),
                    **{f"CADREFLOW_DEADLINE_{k}": v for k, v in DEADLINES.items()}}
        self.env.pop("CADREFLOW_DATABASE_URL", None)  # scripts/cluster sets it from CLUSTER_DB

    def run(self, action: str) -> tuple[int, str]:
        done = subprocess.run([str(CLUSTER), action], env=self.env, capture_output=True, text=True,
                              timeout=180)
        return done.returncode, (done.stdout + done.stderr).strip()

    def _pid(self, name: str) -> int | None:
        try:
            pid = int((self.dir / f"{name}.pid").read_text())
            return pid if psutil.pid_exists(pid) and psutil.Process(pid).status() != "zombie" else None
        except (OSError, ValueError, psutil.Error):
            return None

    def worker_pids(self) -> list[tuple[int, int]]:
        """(port, pid) of every live gunicorn worker."""
        out = []
        for port in self.ports:
            master = self._pid(f"web-{port}")
            if master is None:
                continue
            try:
                out += [(port, c.pid) for c in psutil.Process(master).children()
                        if c.status() != "zombie"]
            except psutil.Error:
                continue
        return out

    def scheduler_pid(self, n: int) -> int | None:
        return self._pid(f"scheduler-{n}")

    def start_scheduler(self, n: int) -> int:
        """As scripts/cluster's start_scheduler: setsid, log appended, pid file (not our child)."""
        env = {**self.env, "CADREFLOW_DATABASE_URL": self.url}
        out = subprocess.run(
            ["bash", "-c", 'setsid "$0" scheduler >>"$1" 2>&1 </dev/null & echo $!',
             str(BIN / "cadreflow"), str(self.dir / f"scheduler-{n}.log")],
            env=env, capture_output=True, text=True, check=True, cwd=ROOT)
        pid = int(out.stdout.strip())
        (self.dir / f"scheduler-{n}.pid").write_text(f"{pid}\n")
        return pid

    def wait_full(self, timeout: float) -> bool:
        """Every master has all its workers and every scheduler runs."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(self.worker_pids()) == self.workers * len(self.ports) and all(
                    self.scheduler_pid(n) for n in (1, 2)):
                return True
            time.sleep(0.5)
        return False


def drop_database(name: str) -> None:
    subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-qc",
                    f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'], check=False)


# --- load and the record of 2xx commands --------------------------------------------------------

@dataclass
class Ledger:
    lock: threading.Lock = field(default_factory=threading.Lock)
    submitted: list[tuple[str, str]] = field(default_factory=list)  # (instance id, cadre id)
    returned_tasks: set[str] = field(default_factory=set)  # task ids a 2xx answer listed as open
    started: set[str] = field(default_factory=set)  # handover instance ids a 2xx answer named
    completed: list[tuple[str, str, str]] = field(default_factory=list)  # (task, decision, instance)
    requests: Counter[str] = field(default_factory=Counter)  # "kind status" -> count (every try)
    latency_ms: list[float] = field(default_factory=list)  # 2xx completions
    ambiguous: Counter[str] = field(default_factory=Counter)  # retried after a lost answer
    gave_up: Counter[str] = field(default_factory=Counter)  # "kind status": the last try's answer

    def note(self, kind: str, status: int, ms: float) -> None:
        with self.lock:
            self.requests[f"{kind} {status}"] += 1
            if kind == "complete" and status == 200:
                self.latency_ms.append(ms)


def attempt(client: Client, ledger: Ledger, rng: random.Random, turn: int, kind: str, login: str,
            path: str, body: dict, stop: threading.Event) -> tuple[int, dict, bool]:
    """Up to 4 tries; returns (status, body, whether an earlier try ended without an answer)."""
    lost_answer = False
    for n in range(4):
        status, answer, ms = client.post(turn + n, login, path, body)
        ledger.note(kind, status, ms)
        if status not in RETRY_STATUSES or stop.is_set():
            break
        lost_answer = lost_answer or status == 0
        time.sleep(0.2 + rng.random() * 0.5 * (n + 1))
    return status, answer, lost_answer


def run_lane(lane: int, cadres: list[LoadCadre], client: Client, ledger: Ledger, stop: threading.Event,
             slow: bool, effective_date: str, seed: int) -> None:
    rng = random.Random(seed * 1000 + lane)
    turn = lane
    for cadre in cadres:
        if stop.is_set():
            return
        status, body, lost = attempt(client, ledger, rng, turn, "submit", cadre.hr_login, "/adjustments", {
            "cadre_id": cadre.cadre_id, "village_id": cadre.village_id, "role": cadre.role,
            "reason": "health", "justification": "", "nominee_id": cadre.nominee_id,
            "effective_date": effective_date, "evidence": ["体检报告"]}, stop)
        turn += 4
        if status != 201:
            with ledger.lock:
                ledger.gave_up[f"submit {status}"] += 1
                if lost:
                    ledger.ambiguous[f"submit → {status}"] += 1
            continue
        with ledger.lock:
            ledger.submitted.append((body["instance_id"], cadre.cadre_id))
            ledger.returned_tasks.update(t["id"] for t in body.get("open_tasks", []))
        tasks = [t for t in body.get("open_tasks", []) if t["role"] in LANE_ROLES]
        while tasks and not stop.is_set():
            task = tasks[0]
            decision = "approve"
            if slow:
                if stop.wait(rng.uniform(0.0, 10.0)):
                    break
                roll = rng.random()
                decision = "return" if roll < 0.1 else "reject" if roll < 0.15 else "approve"
            status, body, lost = attempt(client, ledger, rng, turn, "complete", user_for(task),
                                         f"/tasks/{task['id']}/complete",
                                         {"decision": decision, "comment": "压测意见", "data": {}}, stop)
            turn += 4
            if status != 200:
                with ledger.lock:
                    ledger.gave_up[f"complete {status}"] += 1
                    if lost:
                        ledger.ambiguous[f"complete → {status}"] += 1
                break
            with ledger.lock:
                ledger.completed.append((task["id"], decision, body["instance_id"]))
                ledger.returned_tasks.update(t["id"] for t in body.get("open_tasks", []))
                ledger.started.update(body.get("started_instances", []))
            # The handover that follows an approval (and a returned request) is left to its timers.
            tasks = [t for t in body.get("open_tasks", []) if t["role"] in LANE_ROLES]


# --- chaos ----------------------------------------------------------------------------------------

@dataclass
class Chaos:
    kills: list[str] = field(default_factory=list)
    worker_kills: int = 0
    scheduler_kills: int = 0
    restarts: int = 0


def run_chaos(cluster: Cluster, chaos: Chaos, rng: random.Random, started: float, duration: float,
              worker_kills: int, scheduler_kills: int, stop: threading.Event) -> None:
    plan: list[tuple[float, str, int]] = [(rng.uniform(0.1, 0.85) * duration, "worker", 0)
                                          for _ in range(worker_kills)]
    plan += [(rng.uniform(0.1, 0.85) * duration, "scheduler", 0) for _ in range(scheduler_kills)]
    heapq.heapify(plan)
    while plan:
        at, action, arg = heapq.heappop(plan)
        if stop.wait(max(0.0, started + at - time.monotonic())) and action != "restart":
            continue  # the load is over: no more kills, but every pending restart still happens
        stamp = f"{time.monotonic() - started:6.1f}s"
        if action == "worker":
            workers = cluster.worker_pids()
            if not workers:
                chaos.kills.append(f"{stamp} 无存活 web worker，跳过")
                continue
            port, pid = rng.choice(workers)
            os.kill(pid, signal.SIGKILL)
            chaos.worker_kills += 1
            chaos.kills.append(f"{stamp} kill -9 web:{port} worker pid {pid}")
        elif action == "scheduler":
            alive = [(n, pid) for n in (1, 2) if (pid := cluster.scheduler_pid(n))]
            if not alive:
                chaos.kills.append(f"{stamp} 两个 scheduler 都已停止，跳过")
                continue
            n, pid = rng.choice(alive)
            os.kill(pid, signal.SIGKILL)
            chaos.scheduler_kills += 1
            down = rng.uniform(1.0, 6.0)
            chaos.kills.append(f"{stamp} kill -9 scheduler-{n} pid {pid}（{down:.1f} 秒后重启）")
            heapq.heappush(plan, (at + down, "restart", n))
        else:
            if cluster.scheduler_pid(arg) is None:
                pid = cluster.start_scheduler(arg)
                chaos.restarts += 1
                chaos.kills.append(f"{stamp} 重启 scheduler-{arg} pid {pid}")


# --- checks ---------------------------------------------------------------------------------------

def counting_replayer() -> Any:
    from service.audit import Replayer

    class CountingReplayer(Replayer):
        """The verifier's replay, also noting which timers each `timer` event fired."""

        def __init__(self) -> None:
            super().__init__()
            self.fired: list[tuple[str, int, datetime, Any]] = []  # (instance, seq, event at, timer)
            self.empty_timer_events: list[tuple[str, int]] = []
            self.last: Any = None

        def _apply(self, cursor, event, instance_id, claims):  # type: ignore[no-untyped-def]
            super()._apply(cursor, event, instance_id, claims)
            instance = cursor.instance
            if event.kind == "timer":
                fired = instance.last_result.fired_timers if instance.last_result else []
                self.fired += [(instance_id, event.seq, event.at, t) for t in fired]
                if not fired:
                    self.empty_timer_events.append((instance_id, event.seq))
            self.last = instance

    return CountingReplayer()


@dataclass
class Findings:
    violations: list[str] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)

    def bad(self, what: str, items: list[Any], limit: int = 5) -> None:
        if items:
            shown = "；".join(map(str, items[:limit])) + ("……" if len(items) > limit else "")
            self.violations.append(f"{what}：{len(items)} 个（{shown}）")


def spans(offsets: list[float], gap: float = 2.0) -> str:
    """'12.0–15.5 s, 40.1 s' from sorted seconds: runs closer than `gap` joined."""
    runs: list[list[float]] = []
    for value in sorted(offsets):
        if runs and value - runs[-1][1] <= gap:
            runs[-1][1] = value
        else:
            runs.append([value, value])
    return "，".join(f"{a:.1f}–{b:.1f}" if b > a else f"{a:.1f}" for a, b in runs)


def check(cluster: Cluster, ledger: Ledger, sweep: float, margin: float, load_began: datetime) -> Findings:
    import sqlalchemy as sa

    from service.app import create_app
    from service.audit import verify_instance
    from service.config import Settings
    from service.persistence.db import db
    from service.persistence.models import (
        HistoryEvent,
        HumanTask,
        Notification,
        PendingTimer,
        ProcessInstance,
    )

    out = Findings()
    app = create_app(Settings(database_url=cluster.url))
    with app.app_context():
        session = db.session
        now = datetime.now(UTC)
        instances = {r.id: r for r in session.execute(sa.select(
            ProcessInstance.id, ProcessInstance.status, ProcessInstance.process_key,
            ProcessInstance.cadre_id, ProcessInstance.old_cadre_id)).all()}
        tasks = {r.id: r for r in session.execute(sa.select(
            HumanTask.id, HumanTask.instance_id, HumanTask.spec_id, HumanTask.status,
            HumanTask.decision)).all()}
        complete_events: dict[str, list[Any]] = defaultdict(list)
        for r in session.execute(sa.select(HistoryEvent.task_id, HistoryEvent.instance_id,
                                           HistoryEvent.decision).where(HistoryEvent.kind == "complete")):
            complete_events[r.task_id].append(r)

        # 1. every 2xx command is present
        out.bad("2xx 提交的实例不存在", [i for i, _ in ledger.submitted if i not in instances])
        out.bad("2xx 应答中启动的交接实例不存在", sorted(i for i in ledger.started if i not in instances))
        out.bad("2xx 应答中列出的待办任务不存在", sorted(t for t in ledger.returned_tasks if t not in tasks))
        lost, wrong, events_off = [], [], []
        for task_id, decision, instance_id in ledger.completed:
            row = tasks.get(task_id)
            if row is None:
                lost.append(task_id)
                continue
            if (row.status, row.decision, row.instance_id) != ("done", decision, instance_id):
                wrong.append(f"{task_id}: {row.status}/{row.decision}，应答为 done/{decision}")
            mine = complete_events.get(task_id, [])
            if len(mine) != 1 or (mine[0].decision, mine[0].instance_id) != (decision, instance_id):
                events_off.append(f"{task_id}: {len(mine)} 条 complete 事件（决定 "
                                  f"{'、'.join(str(e.decision) for e in mine) or '无'}，应答为 {decision}）")
        out.bad("2xx 办理的任务不存在", lost)
        out.bad("2xx 办理的任务状态或决定不符", wrong)
        out.bad("2xx 办理的任务没有恰好一条相符的 complete 事件", events_off)
        twice_2xx = [t for t, n in Counter(t for t, _, _ in ledger.completed).items() if n > 1]
        out.bad("同一任务两次得到 2xx 办理应答", twice_2xx)

        # 2. every instance verifies; the replay also yields the fired timers and the engine's view
        replayer = counting_replayer()
        results: Counter[str] = Counter()
        broken, projection_off = [], []
        timer_rows: dict[str, set[str]] = defaultdict(set)
        for r in session.execute(sa.select(PendingTimer.instance_id, PendingTimer.id)):
            timer_rows[r.instance_id].add(r.id)
        open_rows: dict[str, set[str]] = defaultdict(set)
        for r in tasks.values():
            if r.status == "open":
                open_rows[r.instance_id].add(r.id)
        began = time.monotonic()
        for instance_id in sorted(instances):
            replayer.last = None
            result = verify_instance(instance_id, replayer)
            session.expunge_all()
            results[f"哈希链 {result.chain} / 重放 {result.replay}"] += 1
            if not result.ok:
                broken.append(f"{instance_id} 第 {result.first_bad_seq} 条：{result.detail}")
                continue
            engine = replayer.last
            engine_timers = {t.id for t in engine.pending_timers() if t.fire_at is not None}
            engine_tasks = {t.id for t in engine.open_tasks()}
            if engine_timers != timer_rows.get(instance_id, set()):
                projection_off.append(f"{instance_id} 定时器 引擎 {len(engine_timers)} / 表 "
                                      f"{len(timer_rows.get(instance_id, set()))}")
            if engine_tasks != open_rows.get(instance_id, set()):
                projection_off.append(f"{instance_id} 待办 引擎 {len(engine_tasks)} / 表 "
                                      f"{len(open_rows.get(instance_id, set()))}")
        verify_seconds = time.monotonic() - began
        out.bad("实例校验失败（哈希链或重放）", broken)
        out.bad("投影与重放出的引擎状态不符", projection_off)

        # 3. timers: none lost, none fired twice
        overdue = list(session.execute(
            sa.select(PendingTimer.instance_id, PendingTimer.spec_id, PendingTimer.fire_at,
                      PendingTimer.attempts, PendingTimer.last_error)
            .join(ProcessInstance, ProcessInstance.id == PendingTimer.instance_id)
            .where(ProcessInstance.status == "running",
                   PendingTimer.fire_at < now - timedelta(seconds=sweep + margin))))
        out.bad(f"丢失的定时器（到期超过 {sweep + margin:.0f} 秒仍未触发）",
                [f"{r.instance_id}/{r.spec_id} 到期 {r.fire_at:%H:%M:%S} 尝试 {r.attempts} "
                 f"{r.last_error or ''}" for r in overdue])
        errored = [i for i, r in instances.items() if r.status == "error"]
        out.bad("状态为 error 的实例（定时器触发失败）", errored)
        out.bad("没有触发任何定时器的 timer 事件", replayer.empty_timer_events)
        per_timer = Counter((i, t.id) for i, _, _, t in replayer.fired)
        per_task_spec = Counter((i, t.task_id, t.spec_id) for i, _, _, t in replayer.fired)
        double = [f"{i}/{tid}" for (i, tid), n in per_timer.items() if n > 1]
        double += [f"{i}/{task}/{spec}" for (i, task, spec), n in per_task_spec.items() if n > 1]
        out.bad("触发了两次的定时器", double)
        notified: dict[tuple, set] = defaultdict(set)
        for r in session.execute(sa.select(Notification.instance_id, Notification.task_id,
                                           Notification.kind, Notification.created_at)
                                 .where(Notification.kind.in_(("reminder", "escalation", "deadline")))):
            notified[(r.instance_id, r.task_id, r.kind)].add(r.created_at)
        out.bad("同一任务同一类提醒来自两次触发的通知",
                [f"{k[0]}/{k[1]}/{k[2]}" for k, moments in notified.items() if len(moments) > 1])
        lags = [(at - t.fire_at).total_seconds() for _, _, at, t in replayer.fired if t.fire_at]
        late = [(t.fire_at - load_began).total_seconds() for _, _, at, t in replayer.fired
                if t.fire_at and (at - t.fire_at).total_seconds() > sweep + 1.0]
        kinds = ", ".join(f"{k} {v}" for k, v in sorted(Counter(t.kind for *_, t in replayer.fired).items()))

        # 4. no duplicated task or instance
        ids = session.execute(sa.select(HumanTask.id).group_by(HumanTask.id)
                              .having(sa.func.count() > 1)).scalars().all()
        out.bad("human_tasks 重复的编号", list(ids))
        open_twice = session.execute(
            sa.select(HumanTask.instance_id, HumanTask.spec_id).where(HumanTask.status == "open")
            .group_by(HumanTask.instance_id, HumanTask.spec_id).having(sa.func.count() > 1)).all()
        out.bad("同一实例同一环节有两个待办任务", [f"{r.instance_id}/{r.spec_id}" for r in open_twice])
        out.bad("一个任务有多条 complete 事件",
                [t for t, events in complete_events.items() if len(events) > 1])
        handovers = Counter(r.old_cadre_id for r in instances.values() if r.process_key == "handover")
        out.bad("同一干部有两个交接实例", [c for c, n in handovers.items() if n > 1])
        running = Counter(r.cadre_id for r in instances.values()
                          if r.process_key == "mid_term_replacement" and r.status == "running")
        out.bad("同一干部有两件正在办理的调整申请", [c for c, n in running.items() if n > 1])

        statuses = Counter(f"{r.process_key}:{r.status}" for r in instances.values())
        pending_future = session.execute(sa.select(sa.func.count()).select_from(PendingTimer)).scalar_one()
        out.lines += [
            f"检查实例 {len(instances)} 个（{', '.join(f'{k} {v}' for k, v in sorted(statuses.items()))}）",
            f"校验（哈希链 + 重放 + 当前状态）：{', '.join(f'{k} {v}' for k, v in sorted(results.items()))}，"
            f"用时 {verify_seconds:.1f} 秒",
            f"定时器：触发 {len(replayer.fired)} 个（{kinds}），"
            f"timer 事件 {len({(i, s) for i, s, _, _ in replayer.fired})} 条；丢失 {len(overdue)}，"
            f"重复触发 {len(double)}；尚未到期 {pending_future} 个",
            f"触发延迟（秒，事件时间 − 到期时间）：p50 {percentile(lags, 0.5):.2f}  "
            f"p99 {percentile(lags, 0.99):.2f}  最大 {max(lags, default=float('nan')):.2f}；"
            f"晚于 {sweep + 1.0:.0f} 秒触发 {len(late)} 个"
            + (f"，到期于负载开始后 {spans(late)} 秒" if late else ""),
            f"重复：human_tasks 编号 {len(ids)}，同环节待办 {len(open_twice)}，"
            f"多条 complete 事件 {sum(1 for e in complete_events.values() if len(e) > 1)}，"
            f"交接实例 {sum(1 for n in handovers.values() if n > 1)}",
        ]
        session.remove()
        for engine in db.engines.values():
            engine.dispose()
    return out


def wait_settled(cluster: Cluster, sweep: float, margin: float, timeout: float) -> tuple[float, int]:
    """Until no pending timer of a running instance is due (every due timer fired) and the last
    short timer of the run has passed, at most `timeout` seconds; returns (seconds, due left)."""
    import sqlalchemy as sa

    engine = sa.create_engine(cluster.url)
    began = time.monotonic()
    query = sa.text("SELECT count(*) FILTER (WHERE t.fire_at < now() - make_interval(secs => :lag)), "
                    "max(t.fire_at) FROM pending_timers t JOIN process_instances i ON i.id = t.instance_id "
                    "WHERE i.status = 'running'")
    try:
        while True:
            with engine.connect() as conn:
                due, last = conn.execute(query, {"lag": sweep}).one()
            passed = last is None or last < datetime.now(UTC) - timedelta(seconds=sweep + margin)
            if (due == 0 and passed) or time.monotonic() - began > timeout:
                return time.monotonic() - began, due
            time.sleep(0.5)
    finally:
        engine.dispose()


def killed_in_transaction(db_name: str) -> str:
    """How many connections of this run's database PostgreSQL saw die inside a transaction (its log)."""
    try:
        text = PG_LOG.read_text(encoding="utf-8", errors="replace")
    except OSError as err:
        return f"PostgreSQL 日志不可读（{err.strerror}）"
    marker = "unexpected EOF on client connection with an open transaction"
    n = sum(1 for line in text.splitlines() if f"@{db_name} " in line and marker in line)
    return f"{n} 次（PostgreSQL 日志中本库 “unexpected EOF … with an open transaction”）"


def log_levels(directory: Path) -> str:
    """Per log file: warning / error / critical lines and tracebacks (JSON lines or gunicorn's)."""
    parts = []
    for path in sorted(directory.glob("*.log")):
        counts: Counter[str] = Counter()
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            for level in ("warning", "error", "critical"):
                if f'"level": "{level}"' in line or f"[{level.upper()}]" in line:
                    counts[level] += 1
            if line.startswith("Traceback"):
                counts["traceback"] += 1
        if counts:
            parts.append(f"{path.name} " + " ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    return "；".join(parts) or "无"


# --- main -----------------------------------------------------------------------------------------

def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=float, default=90.0, help="seconds of load (at most 300)")
    parser.add_argument("--fast-lanes", type=int, default=4)
    parser.add_argument("--slow-lanes", type=int, default=8)
    parser.add_argument("--worker-kills", type=int, default=5)
    parser.add_argument("--scheduler-kills", type=int, default=5)
    parser.add_argument("--ports", default="5111 5112", help="web ports of this run's cluster")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per web process")
    parser.add_argument("--sweep", type=float, default=1.0, help="CADREFLOW_SCHEDULER_SWEEP_SECONDS")
    parser.add_argument("--margin", type=float, default=5.0, help="seconds beyond the sweep before "
                        "an overdue timer counts as lost")
    parser.add_argument("--settle", type=float, default=60.0, help="bounded wait for due timers")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--keep", action="store_true", help="leave the cluster running and the database")
    args = parser.parse_args(argv)
    if not 0 < args.duration <= MAX_DURATION:
        parser.error(f"--duration 须在 0 到 {MAX_DURATION:.0f} 秒之间")
    if args.seed is None:
        args.seed = random.randrange(1_000_000)
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    run_id = uuid.uuid4().hex[:6]
    cluster = Cluster(f"cadreflow_faults_{run_id}", ROOT / "var" / f"faults-{run_id}",
                      [int(p) for p in args.ports.split()], args.workers, args.sweep)
    print(f"故障测试 {run_id}（种子 {args.seed}）：数据库 {cluster.db_name}，端口 {args.ports}，"
          f"每个 web 进程 {args.workers} 个 worker，2 个 scheduler；负载 {args.duration:.0f} 秒，"
          f"{args.fast_lanes} 条快通道 + {args.slow_lanes} 条慢通道；期限 "
          + " ".join(f"{k.lower()}={v}" for k, v in DEADLINES.items()), flush=True)
    drop_database(cluster.db_name)
    began = time.monotonic()
    code, text = cluster.run("start")
    if code != 0:
        print(f"集群启动失败：\n{text}")
        cluster.run("stop")
        drop_database(cluster.db_name)
        return 2
    print(f"集群已启动（{time.monotonic() - began:.1f} 秒）", flush=True)
    try:
        return run(args, cluster, run_id)
    finally:
        if not args.keep:
            code, text = cluster.run("stop")
            drop_database(cluster.db_name)
            print(f"集群已停止，数据库 {cluster.db_name} 已删除" + ("" if code == 0 else f"（stop：{text}）")
                  + f"；日志在 {cluster.dir.relative_to(ROOT)}/")


def run(args: argparse.Namespace, cluster: Cluster, run_id: str) -> int:
    tokens = json.loads((cluster.dir / "tokens.json").read_text(encoding="utf-8"))
    lanes_total = args.fast_lanes + args.slow_lanes
    per_fast, per_slow = 400, 40
    cadres = post_cadres(cluster.url, run_id, args.fast_lanes * per_fast + args.slow_lanes * per_slow)
    effective_date = (date.today() + timedelta(days=30)).isoformat()
    client = Client([f"http://127.0.0.1:{p}" for p in cluster.ports], tokens, timeout=10.0)
    ledger, stop, chaos = Ledger(), threading.Event(), Chaos()

    threads, offset = [], 0
    for lane in range(lanes_total):
        slow = lane >= args.fast_lanes
        count = per_slow if slow else per_fast
        threads.append(threading.Thread(target=run_lane, daemon=True, args=(
            lane, cadres[offset:offset + count], client, ledger, stop, slow, effective_date, args.seed)))
        offset += count
    started, load_began = time.monotonic(), datetime.now(UTC)
    chaos_thread = threading.Thread(target=run_chaos, daemon=True, args=(
        cluster, chaos, random.Random(args.seed), started, args.duration, args.worker_kills,
        args.scheduler_kills, stop))
    for thread in [*threads, chaos_thread]:
        thread.start()
    stop.wait(args.duration)
    stop.set()
    for thread in threads:
        thread.join(timeout=60)
    load_seconds = time.monotonic() - started
    chaos_thread.join(timeout=30)

    # Restart whatever is down, then let every due timer fire.
    code, text = cluster.run("start")
    full = cluster.wait_full(60)
    settle_seconds, due_left = wait_settled(cluster, args.sweep, args.margin, args.settle)

    with ledger.lock:
        requests = dict(ledger.requests)
    ok = sum(n for k, n in requests.items() if k.split()[1].startswith("2"))
    failed = sum(requests.values()) - ok
    steps = len(ledger.completed)
    print(f"负载 {load_seconds:.1f} 秒：提交成功 {len(ledger.submitted)} 件，办理成功 {steps} 步"
          f"（{steps / load_seconds:.1f} 步/秒，p50 {percentile(ledger.latency_ms, 0.5):.0f} 毫秒，"
          f"p99 {percentile(ledger.latency_ms, 0.99):.0f} 毫秒）")
    print(f"请求（每次尝试）：成功（2xx）{ok} 次，失败 {failed} 次 —— "
          + "，".join(f"{k} × {n}" for k, n in sorted(requests.items())))
    print("重试后仍失败而放弃的命令：" + ("，".join(f"{k} × {n}" for k, n in sorted(ledger.gave_up.items()))
                                          or "无"))
    if ledger.ambiguous:
        print("应答丢失后重试的结果：" + "，".join(f"{k} × {n}" for k, n in sorted(ledger.ambiguous.items())))
    print(f"故障注入：kill -9 web worker {chaos.worker_kills} 次，"
          f"kill -9 scheduler {chaos.scheduler_kills} 次，重启 scheduler {chaos.restarts} 次")
    for line in chaos.kills:
        print(f"  {line}")
    print(f"负载后 scripts/cluster start：退出码 {code}；全部进程在位：{'是' if full else '否'}；"
          f"等待到期定时器 {settle_seconds:.1f} 秒（仍到期未触发 {due_left} 个）", flush=True)
    if code != 0:
        print(text)

    print("被杀时连接上有未提交事务：" + killed_in_transaction(cluster.db_name))
    print("日志中的警告 / 错误（worker 被杀时 gunicorn 记录的 SIGKILL 属正常）：" + log_levels(cluster.dir))
    findings = check(cluster, ledger, args.sweep, args.margin, load_began)
    for line in findings.lines:
        print(line)
    if not full:
        findings.violations.append("负载后进程未全部恢复")
    if findings.violations:
        print("结论：失败")
        for line in findings.violations:
            print(f"  ✗ {line}")
        return 1
    print("结论：通过 —— 所有 2xx 命令均在，所有实例校验通过，定时器无丢失、无重复触发，任务无重复")
    return 0


if __name__ == "__main__":
    sys.exit(main())
