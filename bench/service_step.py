"""Service-layer figures (issue 3): one task completion through HTTP + database vs. a bare
SpiffWorkflow step, inbox query time at 1,000 and 100,000 open tasks, stored bytes per instance.

* HTTP completion: Flask test client -> POST /tasks/{id}/complete (auth, validation, load row,
  restore, engine step, save state + projections + hash-chained event, commit). Each round
  submits a first-secretary replacement and times its three approvals.
* The process is set up as a served one: the garbage collector tuned (service/gc_tuning.py);
  that applies to the bare rounds too, since they run in the same process.
* Bare step: plain CamundaParser spec of bpmn/mid_term_replacement.bpmn in memory,
  `task.run()` + `do_engine_steps()` for the same three approvals, one bare round after each
  HTTP round (interleaved: a shared machine's speed drifts between minutes, not within one).
* Inbox: GET /tasks for tw_qingshan, who has 25 open tasks; the other open tasks (bulk-inserted)
  belong to 1,000 other scopes and every role, as in a county-wide deployment. On PostgreSQL the
  plan of the inbox query is printed (it must use ix_human_tasks_inbox).
* Lower bound: after each approval that leaves a task open, the parts any stateless completion
  must spend besides the engine step are measured alone (floor_parts: the HTTP request with its
  token and task lookups, restore, dump + hash, and the approval's row writes as raw DB-API
  statements in one durable transaction). Their sum with the bare step is what no stateless
  implementation on this stack and machine can go below.
* Stored bytes of one completed replacement: state JSON + its task rows + its history events.

Usage: .venv/bin/python bench/service_step.py [--rounds 30] [--pg postgresql+psycopg://postgres@127.0.0.1:5432/postgres]
       (--pg '' skips PostgreSQL)
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from SpiffWorkflow.bpmn import BpmnWorkflow  # noqa: E402
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine  # noqa: E402
from SpiffWorkflow.bpmn.script_engine.python_environment import TaskDataEnvironment  # noqa: E402
from SpiffWorkflow.camunda.parser.CamundaParser import CamundaParser  # noqa: E402
from SpiffWorkflow.camunda.specs.user_task import UserTask  # noqa: E402
from SpiffWorkflow.util.task import TaskState  # noqa: E402

from service.app import create_app  # noqa: E402
from service.config import Settings  # noqa: E402
from service.observability.gc_tuning import tune_gc  # noqa: E402
from service.observability.logs import access_logger  # noqa: E402
from service.persistence.db import db, end_read_only_transaction  # noqa: E402
from service.persistence.models import HistoryEvent, HumanTask, ProcessInstance  # noqa: E402
from workflows import rules  # noqa: E402
from workflows.engine import DEFAULT_DEADLINES  # noqa: E402
from workflows.serialization import state_hash  # noqa: E402

BPMN = ROOT / "bpmn" / "mid_term_replacement.bpmn"
REQUEST = {"cadre_id": "c-zhangwei", "village_id": "v-shangzhuang", "role": "first_secretary",
           "reason": "health", "justification": "", "nominee_id": "c-sunhao",
           "effective_date": (datetime.now(UTC) + timedelta(days=20)).date().isoformat(),
           "evidence": ["体检报告"]}
APPROVERS = ("tw_qingshan", "county", "orgdept")
INBOX_OWN = 25


def ms(values: list[float]) -> float:
    return statistics.median(values) * 1000


# --- bare SpiffWorkflow ----------------------------------------------------------------------

def bare_spec():  # type: ignore[no-untyped-def]
    parser = CamundaParser()
    parser.add_bpmn_file(str(BPMN))
    return parser.get_spec("mid_term_replacement")


def bare_round(spec) -> list[float]:  # type: ignore[no-untyped-def]
    """The three approvals of one replacement, each `task.run()` + `do_engine_steps()`, in memory."""
    env = TaskDataEnvironment({"check_adjustment": rules.check_adjustment})
    wf = BpmnWorkflow(spec, script_engine=PythonScriptEngine(environment=env))
    start = wf.get_next_task(state=TaskState.READY)
    data = {**REQUEST, "term_start": "2025-03-01", "village_category": "poverty_alleviated",
            "village_categories": ["poverty_alleviated"], "planned_end": "2027-02-28",
            "village_name": "上庄村", "township_id": "tw-qingshan", "unit_id": "unit-edu",
            "nominee_facts": {"party_status": "formal", "party_member_since": "2015-07-01",
                              "work_start_date": "2012-08-01", "employment_type": "permanent"}}
    start.data.update({**DEFAULT_DEADLINES, **data})
    wf.do_engine_steps()
    out = []
    for _ in APPROVERS:
        t0 = time.perf_counter()
        task = next(t for t in wf.get_tasks(state=TaskState.READY, manual=True)
                    if isinstance(t.task_spec, UserTask))
        task.data.update({"decision": "approve", "comment": "同意",
                          f"{task.task_spec.bpmn_id}_decision": "approve"})
        task.run()
        wf.do_engine_steps()
        out.append(time.perf_counter() - t0)
    return out


# --- service ---------------------------------------------------------------------------------

def make_app(url: str):  # type: ignore[no-untyped-def]
    from flask_migrate import upgrade

    from service.app import MIGRATIONS_DIR
    from service.commands.demo_data import seed_demo

    app = create_app(Settings(database_url=url))
    with app.app_context():
        upgrade(directory=MIGRATIONS_DIR)
        tokens = seed_demo()
    tune_gc()  # as the serving processes do once they are set up (service/wsgi.py, cadreflow serve)
    return app, tokens


FLOOR_PARTS = ("request", "restore", "dump_hash", "writes")
RATIO_TARGET = {"sqlite": 8, "postgresql": 9}  # completion through HTTP + DB vs the bare step


class RawWrites:
    """The writes one approval makes, as raw DB-API statements in one durable transaction, on a
    scratch instance of their own (the measured instances keep their rows): the instance's state
    with its revision guard, the completed task, the two timers it leaves behind, the history
    event, the next task and its two timers, then COMMIT. No SQLAlchemy, no Python around them."""

    def __init__(self, app, template_id: str) -> None:  # type: ignore[no-untyped-def]
        self.app, self.id, self.seq, self.revision = app, str(uuid.uuid4()), 0, 1
        self.task_id, self.timer_ids = str(uuid.uuid4()), [str(uuid.uuid4()), str(uuid.uuid4())]
        with app.app_context():
            template = db.session.get(ProcessInstance, template_id)
            db.session.add(ProcessInstance(
                id=self.id, definition_id=template.definition_id, process_key="bench_scratch",
                status="running", state={}, revision=1, created_at=datetime.now(UTC),
                updated_at=datetime.now(UTC)))
            db.session.commit()
            self.postgres = db.engine.dialect.name == "postgresql"

    def _at(self) -> object:
        now = datetime.now(UTC)
        return now if self.postgres else now.isoformat(" ")

    def run(self, state_text: str) -> float:
        m = "%s" if self.postgres else "?"
        at, next_task, next_timers = self._at(), str(uuid.uuid4()), [str(uuid.uuid4()), str(uuid.uuid4())]
        self.seq += 1
        with self.app.app_context():
            raw = db.engine.raw_connection()
            try:
                cursor = raw.cursor()
                t0 = time.perf_counter()
                cursor.execute(f"UPDATE process_instances SET state = {m}, revision = {m}, "
                               f"updated_at = {m} WHERE id = {m} AND revision = {m}",
                               (state_text, self.revision + 1, at, self.id, self.revision))
                cursor.execute(f"UPDATE human_tasks SET status = 'done', completed_at = {m}, "
                               f"completed_by = {m}, decision = 'approve', comment = {m} WHERE id = {m}",
                               (at, "county", "同意", self.task_id))
                cursor.execute(f"DELETE FROM pending_timers WHERE id IN ({m}, {m})",
                               tuple(self.timer_ids))
                cursor.execute(
                    "INSERT INTO history_events (instance_id, seq, at, actor_login, actor_role, "
                    "actor_scope, kind, inputs, task_id, task_spec_id, decision, comment, state_hash, "
                    "prev_hash, event_hash) "
                    f"VALUES ({', '.join([m] * 15)})",
                    (self.id, self.seq, at, "county", "county", "county", "complete",
                     json.dumps({"decision": "approve", "comment": "同意"}), self.task_id,
                     "approve_county", "approve", "同意", "sha256:" + "0" * 64, "sha256:" + "1" * 64,
                     "sha256:" + "2" * 64))
                cursor.execute(
                    "INSERT INTO human_tasks (id, instance_id, spec_id, name, role, scope_kind, "
                    f"scope_id, decisions, status, created_at, due_at) VALUES ({', '.join([m] * 11)})",
                    (next_task, self.id, "approve_org_dept", "组织部审核", "org_dept", "county", "county",
                     json.dumps(["approve", "reject"]), "open", at, at))
                cursor.executemany(
                    "INSERT INTO pending_timers (id, instance_id, spec_id, kind, notify, fire_at, "
                    f"task_id, attempts, calendar_uncovered) VALUES ({', '.join([m] * 9)})",
                    [(timer, self.id, "reminder", "reminder", "org_dept", at, next_task, 0, False)
                     for timer in next_timers])
                raw.commit()
                elapsed = time.perf_counter() - t0
            finally:
                raw.close()
        self.revision += 1
        self.task_id, self.timer_ids = next_task, next_timers
        return elapsed


def floor_parts(app, tokens, login: str, instance_id: str, writes: RawWrites) -> dict[str, float]:  # type: ignore[no-untyped-def]
    """What any stateless completion has to spend besides the engine step, each part measured on
    its own, without the rest of our code (a lower bound, not an estimate):

    * request: an authenticated POST .../complete for a task id that does not exist, through the
      same client, app and stack (body parsed and validated, bearer token looked up, task row
      looked for, problem+json answer): the HTTP layer and the two reads every completion needs;
    * restore: the instance's stored state restored against the cached spec;
    * dump_hash: its state dumped again and hashed for the history chain;
    * writes: the rows an approval writes, as raw statements in one durable transaction (RawWrites).
    """
    from service.persistence.loading import load

    headers = {"Authorization": f"Bearer {tokens[login]}"}
    t0 = time.perf_counter()
    missing = app.test_client().post(f"/api/v1/tasks/{uuid.uuid4()}/complete", headers=headers,
                                     json={"decision": "approve", "comment": "同意"})
    request = time.perf_counter() - t0
    assert missing.status_code == 404, missing.get_json()
    with app.app_context():
        loaded = load(instance_id, read_only=True)
        state = loaded.row.state
        t0 = time.perf_counter()
        instance = loaded.instance.engine.restore(loaded.definition, state, instance_id=instance_id)
        t1 = time.perf_counter()
        state_hash(instance.state())
        t2 = time.perf_counter()
        end_read_only_transaction(None)  # as the service ends a request: its teardowns
        db.session.remove()
    return {"request": request, "restore": t1 - t0, "dump_hash": t2 - t1,
            "writes": writes.run(json.dumps(state))}


def settle_writes(app) -> None:  # type: ignore[no-untyped-def]
    """Flush what earlier phases left to write (the previous backend's 100,000 filler rows, the
    page cache, PostgreSQL's dirty buffers) before timing: otherwise its write-back competes with
    the completions' own fsyncs and the figures measure the previous phase."""
    os.sync()
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            try:
                with db.engine.connect() as conn:
                    conn.execute(sa.text("CHECKPOINT"))
            except sa.exc.DBAPIError as err:  # CHECKPOINT needs a superuser or pg_checkpoint
                print(f"(no CHECKPOINT before timing: {err.orig})")
    os.sync()


def http_and_bare_steps(app, tokens, rounds: int):  # type: ignore[no-untyped-def]
    """Rounds of one replacement through HTTP (its three approvals timed), each followed by one
    bare in-memory round and by the floor parts: all are measured under the same machine
    conditions, so the ratios do not drift with the load of a shared machine.
    Returns (completion times, bare step times, last instance id, statement counts, floor parts)."""
    settle_writes(app)
    client = app.test_client()
    spec = bare_spec()
    statements = [0]

    def count(*_args: object) -> None:
        statements[0] += 1

    with app.app_context():
        sa.event.listen(db.engine, "before_cursor_execute", count)

    def h(login: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {tokens[login]}"}

    out, bare, last, counts = [], [], "", []
    floor: dict[str, list[float]] = {}
    writes = None
    for _ in range(rounds + 1):  # the first round warms caches (parsed specs, engine) and is dropped
        body = client.post("/api/v1/adjustments", json=REQUEST, headers=h("hr_edu")).get_json()
        iid, times = body["instance_id"], []
        writes = writes or RawWrites(app, iid)
        task_id = body["open_tasks"][0]["id"]
        for login in APPROVERS:
            statements[0] = 0
            t0 = time.perf_counter()
            response = client.post(f"/api/v1/tasks/{task_id}/complete", headers=h(login),
                                   json={"decision": "approve", "comment": "同意"})
            times.append(time.perf_counter() - t0)
            counts.append(statements[0])
            assert response.status_code == 200, response.get_json()
            opened = response.get_json()["open_tasks"]
            task_id = opened[0]["id"] if opened else ""
            if last and opened:  # the instance as the next approver finds it
                for part, value in floor_parts(app, tokens, login, iid, writes).items():
                    floor.setdefault(part, []).append(value)
        bare_times = bare_round(spec)
        out += times if last else []
        bare += bare_times if last else []
        last = iid
    with app.app_context():
        sa.event.remove(db.engine, "before_cursor_execute", count)
    return out, bare, last, counts[len(APPROVERS):], floor


def stored_bytes(app, instance_id: str) -> dict[str, int]:  # type: ignore[no-untyped-def]
    def size(row: object, skip: tuple[str, ...] = ()) -> int:
        cols = {c.key: getattr(row, c.key) for c in sa.inspect(row).mapper.column_attrs if c.key not in skip}
        return len(json.dumps(cols, default=str, ensure_ascii=False).encode("utf-8"))

    with app.app_context():
        row = db.session.get(ProcessInstance, instance_id)
        tasks = db.session.execute(sa.select(HumanTask).where(
            HumanTask.instance_id == instance_id)).scalars().all()
        events = db.session.execute(sa.select(HistoryEvent).where(
            HistoryEvent.instance_id == instance_id)).scalars().all()
        state = len(json.dumps(row.state, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
        out = {"state": state, "instance_row_other": size(row, ("state",)),
               "tasks": sum(size(t) for t in tasks), "events": sum(size(e) for e in events),
               "task_rows": len(tasks), "event_rows": len(events)}
        if db.engine.dialect.name == "postgresql":
            out["state_on_disk_pg"] = db.session.execute(sa.text(
                "SELECT pg_column_size(state) FROM process_instances WHERE id = :i"),
                {"i": instance_id}).scalar()
        return out


def fill_tasks(app, total_open: int) -> None:  # type: ignore[no-untyped-def]
    """Bring the open tasks in the database up to `total_open` with bulk-inserted filler rows."""
    roles = ("township", "unit_hr", "cadre", "county", "org_dept", "rrb")
    rng = random.Random(7)
    with app.app_context():
        template = db.session.execute(sa.select(ProcessInstance.id).limit(1)).scalar_one()
        have = db.session.execute(sa.select(sa.func.count()).select_from(HumanTask)
                                  .where(HumanTask.status == "open")).scalar()
        now = datetime.now(UTC)
        rows = []
        for _ in range(total_open - have):
            role = rng.choice(roles)
            scope = "county" if role in ("county", "org_dept", "rrb") else f"{role}-{rng.randrange(1000)}"
            if role in ("county", "org_dept", "rrb"):
                role = "filler_" + role  # keep the county users' own inboxes unchanged
            rows.append({"id": str(uuid.uuid4()), "instance_id": template, "spec_id": "filler",
                         "name": "填充任务", "role": role, "scope_kind": "unit", "scope_id": scope,
                         "decisions": ["approve"],
                         "status": "open", "created_at": now,
                         "due_at": now + timedelta(minutes=rng.randrange(100000))})
        for i in range(0, len(rows), 5000):
            db.session.execute(sa.insert(HumanTask), rows[i:i + 5000])
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            db.session.execute(sa.text("ANALYZE human_tasks"))
            db.session.commit()


def own_tasks(app, tokens) -> int:  # type: ignore[no-untyped-def]
    """Give tw_qingshan at least INBOX_OWN open tasks (the handovers of the timed rounds are
    theirs too, then copies of one of them); returns how many they have."""
    client = app.test_client()
    with app.app_context():
        have = db.session.execute(sa.select(sa.func.count()).select_from(HumanTask).where(
            HumanTask.status == "open", HumanTask.role == "township",
            HumanTask.scope_id == "tw-qingshan")).scalar()
        template = db.session.execute(sa.select(HumanTask).where(
            HumanTask.status == "open", HumanTask.role == "township",
            HumanTask.scope_id == "tw-qingshan")).scalars().first()
        now = datetime.now(UTC)
        for n in range(INBOX_OWN - have):
            db.session.add(HumanTask(id=str(uuid.uuid4()), instance_id=template.instance_id,
                                     spec_id=template.spec_id, name=template.name, role="township",
                                     scope_kind="township", scope_id="tw-qingshan",
                                     decisions=template.decisions,
                                     status="open", created_at=now, due_at=now + timedelta(hours=n)))
        db.session.commit()
    assert client is not None
    return max(have, INBOX_OWN)


def inbox_time(app, tokens, own: int, samples: int = 30) -> float:  # type: ignore[no-untyped-def]
    client = app.test_client()
    headers = {"Authorization": f"Bearer {tokens['tw_qingshan']}"}
    times = []
    for _ in range(samples + 3):
        t0 = time.perf_counter()
        response = client.get("/api/v1/tasks?per_page=20", headers=headers)
        times.append(time.perf_counter() - t0)
        assert response.status_code == 200 and response.get_json()["total"] == own
    return ms(times[3:])


def inbox_plan(app) -> str:  # type: ignore[no-untyped-def]
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            sql = ("EXPLAIN SELECT * FROM human_tasks WHERE status = 'open' AND role = 'township' "
                   "AND scope_id IN ('tw-qingshan') ORDER BY due_at, id LIMIT 20")
        else:
            sql = ("EXPLAIN QUERY PLAN SELECT * FROM human_tasks WHERE status = 'open' AND role = 'township' "
                   "AND scope_id IN ('tw-qingshan') ORDER BY due_at, id LIMIT 20")
        return "\n".join("    " + " ".join(str(c) for c in r) for r in db.session.execute(sa.text(sql)))


def run_backend(name: str, url: str, rounds: int) -> None:
    app, tokens = make_app(url)
    steps, bare, instance_id, counts, floor = http_and_bare_steps(app, tokens, rounds)
    step_ms, bare_ms = ms(steps), ms(bare)
    print(f"[{name}] task completion through HTTP + DB: median {step_ms:.2f} ms "
          f"over {len(steps)} completions; bare SpiffWorkflow step measured between them: median "
          f"{bare_ms:.3f} ms; ratio {step_ms / bare_ms:.1f}x (target <= {RATIO_TARGET[name]}x)")
    parts = {part: ms(values) for part, values in floor.items()}
    lower_bound = bare_ms + sum(parts[part] for part in FLOOR_PARTS)
    print(f"[{name}] lower bound of a stateless completion (bare step + parts measured alone, "
          f"medians): {lower_bound:.2f} ms = {lower_bound / bare_ms:.1f}x; "
          + ", ".join(f"{part} {parts[part]:.2f} ms ({parts[part] / bare_ms:.1f}x)" for part in FLOOR_PARTS))
    print(f"[{name}] SQL statements per completion: median {statistics.median(counts):g} "
          f"(approvals 1-3: {counts[:len(APPROVERS)]}; BEGIN/COMMIT and pool pings not counted)")
    sizes = stored_bytes(app, instance_id)
    total = sizes["state"] + sizes["tasks"] + sizes["events"]
    print(f"[{name}] stored bytes of one completed mid-term replacement: {total} "
          f"(state {sizes['state']}, {sizes['task_rows']} task rows {sizes['tasks']}, "
          f"{sizes['event_rows']} events {sizes['events']}; instance row other columns "
          f"{sizes['instance_row_other']})"
          + (f"; state on disk (TOAST) {sizes['state_on_disk_pg']}" if "state_on_disk_pg" in sizes else "")
          + " (target <= 20 KB)")
    own = own_tasks(app, tokens)
    fill_tasks(app, 1_000)
    small = inbox_time(app, tokens, own)
    fill_tasks(app, 100_000)
    large = inbox_time(app, tokens, own)
    print(f"[{name}] inbox GET /tasks: median {small:.2f} ms at 1,000 open tasks, {large:.2f} ms at 100,000 "
          f"(ratio {large / small:.2f}, target <= 1.5)")
    print(f"[{name}] inbox query plan at 100,000:\n{inbox_plan(app)}")
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--pg", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--log", type=Path, default=ROOT / "var" / "bench-service-step.log",
                        help="the service's JSON request log (a file, as in a deployment; a terminal "
                        "or a pipe would add its reader's work to the figures)")
    args = parser.parse_args()
    args.log.parent.mkdir(parents=True, exist_ok=True)
    for handler in access_logger().handlers:
        if isinstance(handler, logging.StreamHandler):
            handler.setStream(args.log.open("w", encoding="utf-8"))
    print(f"request log: {args.log}")
    spec = bare_spec()
    for _ in range(3):  # warm-up
        bare_round(spec)
    with tempfile.TemporaryDirectory() as tmp:
        run_backend("sqlite", f"sqlite:///{tmp}/bench.sqlite3", args.rounds)
    if args.pg:
        admin = sa.create_engine(Settings(database_url=args.pg).database_url, isolation_level="AUTOCOMMIT")
        name = f"cadreflow_bench_{uuid.uuid4().hex[:8]}"
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        try:
            run_backend("postgresql", sa.engine.make_url(Settings(database_url=args.pg).database_url)
                        .set(database=name).render_as_string(hide_password=False), args.rounds)
        finally:
            with admin.connect() as conn:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


if __name__ == "__main__":
    main()
