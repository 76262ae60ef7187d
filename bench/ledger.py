"""A year of a province's auditors' ledger (审批台账): time and peak memory of the Excel export.

Builds a scratch database: the demo county (definitions, the auditor), then --townships
townships, --units dispatch units with a unit HR login each, --villages villages, --cadres cadres
and --events history events of 2026 spread over events/--per-case cases (replacements, recalls
and handovers; a case's events are its start, then decisions on its process's real step ids,
now and then with a comment, a timer or an urge), with one done task per decision. The rows go
straight to the driver in large batches (executemany on SQLite, COPY on PostgreSQL). SQLite by
default (a file in a temporary directory); PostgreSQL with --url (a scratch database is created
on that server and dropped after).

Then a fresh process signs the auditor in and downloads /audit/export?year=2026 through the
Flask test client, reading the response in chunks as a browser would, and prints the seconds,
the file's size, its rows, and the process's peak resident memory (ru_maxrss) before and after
the export. The goal is a peak under 300 MB; the figures are printed, never asserted.

Usage: .venv/bin/python bench/ledger.py [--events 1000000] [--keep]
       [--url postgresql+psycopg://postgres@127.0.0.1:5432/postgres]
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
import uuid
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from openpyxl import load_workbook  # noqa: E402

from service.app import MIGRATIONS_DIR, create_app  # noqa: E402
from service.commands.demo_data import seed_demo  # noqa: E402
from service.config import Settings  # noqa: E402
from service.core.clock import ManualClock, install_clock  # noqa: E402
from service.persistence.db import db  # noqa: E402
from service.persistence.models import (  # noqa: E402
    Cadre,
    HistoryEvent,
    HumanTask,
    Org,
    ProcessDefinition,
    ProcessInstance,
    User,
    Village,
)

CHEAP_HASH = "pbkdf2:sha256:1000"  # bench logins only
YEAR = 2026
NOW = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
CHUNK = 20_000  # rows per executemany
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红燕鹏辉斌宇浩凯健俊帆雪琳晨欣宁博文"
PLACE = "东西南北上下前后大小新老石马牛杨柳桃李杏花山水河湖溪泉岭坪沟湾坝塘庄寨堡屯"
COMMENTS = ("同意", "情况属实，同意调整", "请补充体检报告原件", "经核实，问题属实", "材料齐全，予以备案",
            "已完成交接，清单无遗漏", "=请核对", "按期整改到位", "")
# (process, share, steps as (spec id, name, role acting)); the step ids are the BPMN's own, so
# the export looks their decision words up as it does for real cases.
PROCESSES: list[tuple[str, int, list[tuple[str, str, str]]]] = [
    ("mid_term_replacement", 60, [
        ("township_consent", "乡镇党委政府审核", "township"),
        ("county_consent", "县驻村工作领导小组审核", "county"),
        ("org_dept_filing", "县委组织部审核备案", "org_dept"),
        ("rrb_filing", "县乡村振兴局审核备案", "rrb")]),
    ("recall", 15, [
        ("verify_finding_org_dept", "县委组织部核实问题", "org_dept"),
        ("cadre_statement", "本人陈述", "cadre"),
        ("county_decision", "县驻村工作领导小组决定", "county"),
        ("record_accountability", "召回并记录问责", "org_dept")]),
    ("handover", 25, [
        ("confirm_arrival", "确认新任干部到岗", "township"),
        ("prepare_handover_list", "原任干部编制交接清单", "cadre"),
        ("sign_old", "原任干部签字确认", "cadre"),
        ("witness_handover", "乡镇党委政府监交确认", "township")]),
]
STATUSES = [("completed", 80), ("rejected", 8), ("withdrawn", 6), ("running", 6)]


@dataclass
class Sizes:
    townships: int
    units: int
    villages: int
    cadres: int
    events: int
    per_case: int


def person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def weighted(rng: random.Random, choices: list[tuple[Any, int]]) -> Any:
    return rng.choices([c for c, *_ in choices], weights=[w for _, w, *_ in choices])[0]


def _driver_value(value: Any, sqlite: bool) -> Any:
    """A value as the driver takes it without SQLAlchemy's per-row type processing."""
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    if sqlite and isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")  # as UTCDateTime stores it
    if sqlite and isinstance(value, bool):
        return int(value)
    return value


def bulk(conn: sa.Connection, table: sa.Table, rows: list[dict[str, Any]]) -> None:
    """Rows straight to the driver: executemany on SQLite, COPY on PostgreSQL."""
    if not rows:
        return
    present = set().union(*(row.keys() for row in rows))
    columns = [c.name for c in table.columns if c.name in present]
    sqlite = conn.dialect.name == "sqlite"
    values = [tuple(_driver_value(row.get(c), sqlite) for c in columns) for row in rows]
    driver = conn.connection.driver_connection
    assert driver is not None
    names = ", ".join(columns)
    if sqlite:
        driver.executemany(f"INSERT INTO {table.name} ({names}) VALUES ({', '.join('?' * len(columns))})",
                           values)
        return
    with driver.cursor() as cursor, cursor.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:
        for row in values:
            copy.write_row(row)


def insert(conn: sa.Connection, table: sa.Table, rows: Iterable[dict[str, Any]]) -> int:
    count, chunk = 0, []
    for row in rows:
        chunk.append(row)
        if len(chunk) == CHUNK:
            bulk(conn, table, chunk)
            count, chunk = count + len(chunk), []
    bulk(conn, table, chunk)
    return count + len(chunk)


def generate(conn: sa.Connection, sizes: Sizes, definitions: dict[str, int],
             rng: random.Random) -> dict[str, int]:
    townships = [f"tw-b{n:04d}" for n in range(sizes.townships)]
    units = [f"unit-b{n:05d}" for n in range(sizes.units)]
    insert(conn, Org.__table__, [
        *({"id": t, "name": f"{rng.choice(PLACE)}{rng.choice(PLACE)}镇{n}", "kind": "township",
           "parent_id": "county"} for n, t in enumerate(townships)),
        *({"id": u, "name": f"第{n}派出单位", "kind": "dispatch_unit", "parent_id": "county",
           "level": "county", "unit_kind": "institution"} for n, u in enumerate(units))])
    villages = [(f"v-b{n:06d}", townships[n % len(townships)]) for n in range(sizes.villages)]
    insert(conn, Village.__table__, ({"id": v, "name": f"{rng.choice(PLACE)}{rng.choice(PLACE)}村{n}",
                                      "category": "poverty_alleviated", "township_id": t}
                                     for n, (v, t) in enumerate(villages)))
    cadre_units = [rng.choice(units) for _ in range(sizes.cadres)]
    insert(conn, Cadre.__table__, ({"id": f"c-b{n:06d}", "name": person(rng), "unit_id": cadre_units[n],
                                    "party_status": "formal", "employment_type": "permanent",
                                    "rural_expertise": False} for n in range(sizes.cadres)))
    # Who acts: a login per township and per unit (the county bodies are the demo's).
    actors = {"township": [f"tw-user-{t}" for t in townships], "unit_hr": [f"hr-user-{u}" for u in units],
              "county": ["county"], "org_dept": ["orgdept"], "rrb": ["rrb"]}
    insert(conn, User.__table__, ({"login": login, "display_name": f"{person(rng)}", "active": True,
                                   "created_at": NOW} for login in actors["township"] + actors["unit_hr"]))

    cases = sizes.events // sizes.per_case
    start, span = datetime(YEAR - 1, 12, 1, tzinfo=UTC), int(timedelta(days=365).total_seconds())
    instances, tasks = ProcessInstance.__table__, HumanTask.__table__
    counts = {"instances": 0, "tasks": 0, "events": 0}
    instance_rows: list[dict[str, Any]] = []
    task_rows: list[dict[str, Any]] = []
    event_rows: list[dict[str, Any]] = []

    def flush(final: bool = False) -> None:
        # Instances first: tasks and events refer to them.
        for table, rows, key in ((instances, instance_rows, "instances"), (tasks, task_rows, "tasks"),
                                 (HistoryEvent.__table__, event_rows, "events")):
            if rows and (final or len(event_rows) >= CHUNK):
                bulk(conn, table, rows)
                counts[key] += len(rows)
                rows.clear()

    left = sizes.events
    for n in range(cases):
        process = weighted(rng, PROCESSES)
        steps = next(s for p, _, s in PROCESSES if p == process)
        status = weighted(rng, STATUSES)
        c = rng.randrange(sizes.cadres)
        village, township = villages[rng.randrange(len(villages))]
        iid = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        created = start + timedelta(seconds=rng.randrange(span))
        count = left if n == cases - 1 else sizes.per_case
        left -= count
        hr = f"hr-user-{cadre_units[c]}"
        at = created
        event_rows.append({"instance_id": iid, "seq": 1, "at": at, "actor_login": hr,
                           "actor_role": "unit_hr", "actor_scope": cadre_units[c], "kind": "start",
                           "inputs": {}, "state_hash": "0" * 64, "prev_hash": None, "event_hash": "1" * 64})
        for seq in range(2, count + 1):
            at += timedelta(hours=rng.randrange(2, 60))
            spec, name, role = steps[(seq - 2) % len(steps)]
            roll = rng.random()
            if roll < 0.08:
                kind, login, task_id, decision, comment = "timer", "system", None, None, None
            elif roll < 0.12:
                kind, login, task_id, decision, comment = "urge", hr, None, None, "请尽快办理"
            else:
                kind, task_id = "complete", f"{iid}-t{seq}"
                login = rng.choice(actors.get(role, [hr]))
                decision = "return" if rng.random() < 0.05 else "approve"
                comment = rng.choice(COMMENTS) or None
                task_rows.append({"id": task_id, "instance_id": iid, "spec_id": spec, "name": name,
                                  "role": role, "scope_kind": "county", "scope_id": "county",
                                  "decisions": ["approve", "return"], "status": "done",
                                  "created_at": at - timedelta(hours=1), "completed_at": at,
                                  "completed_by": login, "decision": decision, "comment": comment})
            event_rows.append({"instance_id": iid, "seq": seq, "at": at, "actor_login": login,
                               "actor_role": role if kind == "complete" else None, "actor_scope": None,
                               "kind": kind, "inputs": {}, "task_id": task_id,
                               "task_spec_id": spec if kind == "complete" else None, "decision": decision,
                               "comment": comment, "state_hash": "0" * 64, "prev_hash": "1" * 64,
                               "event_hash": "1" * 64})
        running = status == "running"
        instance_rows.append({
            "id": iid, "definition_id": definitions[process], "process_key": process,
            "business_key": f"{process}:b{n}", "status": status, "state": {"bench": True}, "revision": 1,
            # One open replacement or recall per cadre (a partial unique index): running ones get
            # a cadre id of their own.
            "cadre_id": f"c-b{c:06d}" if not running or process == "handover" else f"c-run-{n}",
            "old_cadre_id": f"c-b{c:06d}" if process == "handover" else None,
            "new_cadre_id": f"c-b{rng.randrange(sizes.cadres):06d}" if process == "handover" else None,
            "village_id": village, "township_id": township, "unit_id": cadre_units[c],
            "submitter": hr if process != "handover" else None, "created_at": created,
            "updated_at": at, "ended_at": None if running else at})
        flush()
    flush(final=True)
    return counts


def sheet_rows(xlsx: Any) -> dict[str, int]:
    """Data rows per sheet, counted in the sheets' XML (a write-only sheet records no dimension)."""
    xlsx.seek(0)
    titles = load_workbook(xlsx, read_only=True).sheetnames
    counts = {}
    with zipfile.ZipFile(xlsx) as archive:
        for n, title in enumerate(titles, start=1):
            rows, tail = 0, b""
            with archive.open(f"xl/worksheets/sheet{n}.xml") as part:
                while chunk := part.read(1 << 20):
                    rows += (tail + chunk).count(b"<row ") - tail.count(b"<row ")
                    tail = chunk[-8:]
            counts[title] = rows - 1  # the header
    return counts


def status_kb(field: str) -> int:
    """A figure of /proc/self/status in kB (VmRSS: resident now; VmHWM: the peak since the reset)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise KeyError(field)


def measure(url: str) -> None:
    """In a process of its own: sign the auditor in and download the year's ledger."""
    logging.getLogger("cadreflow.access").disabled = True
    app = create_app(Settings(database_url=url, password_hash=CHEAP_HASH, scheduler_enabled=False))
    install_clock(app, ManualClock(NOW))
    client = app.test_client()
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").get_data(as_text=True))
    assert token is not None
    signed_in = client.post("/login", data={"login": "auditor", "password": "auditor",
                                            "csrf_token": token.group(1)})
    assert signed_in.status_code == 302, signed_in.status_code
    # The export's own peak: reset the high-water mark (Linux: clear_refs 5) after start-up.
    Path("/proc/self/clear_refs").write_text("5")
    before = status_kb("VmRSS")
    began, cpu_began = time.perf_counter(), time.process_time()
    response = client.get(f"/audit/export?year={YEAR}", buffered=False)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    written = time.perf_counter() - began
    size = 0
    with tempfile.TemporaryFile() as copy:
        for chunk in response.response:  # the body as the server sends it, chunk by chunk
            size += len(chunk)
            copy.write(chunk)
        response.close()
        seconds, cpu = time.perf_counter() - began, time.process_time() - cpu_began
        peak, process_peak = status_kb("VmHWM"), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        rows = sheet_rows(copy)
    print(json.dumps({"seconds": seconds, "cpu_seconds": cpu, "written_seconds": written, "bytes": size,
                      "rows": rows, "rss_before_kb": before, "rss_peak_kb": peak,
                      "process_peak_kb": process_peak}))


def run_measure(url: str) -> dict[str, Any]:
    done = subprocess.run([sys.executable, __file__, "--measure", url], check=True, capture_output=True,
                          text=True)
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def build(url: str, sizes: Sizes, seed: int) -> None:
    app = create_app(Settings(database_url=url, password_hash=CHEAP_HASH, scheduler_enabled=False))
    rng = random.Random(seed)
    began = time.perf_counter()
    with app.app_context():
        upgrade(directory=MIGRATIONS_DIR)
        seed_demo(today=date(2026, 12, 1))
        definitions = {d.key: d.id for d in db.session.execute(sa.select(ProcessDefinition)).scalars()}
        db.session.remove()
        seeded, cpu = time.perf_counter(), time.process_time()
        with db.engine.begin() as conn:
            counts = generate(conn, sizes, definitions, rng)
        generated, cpu = time.perf_counter(), time.process_time() - cpu
        with db.engine.connect() as conn:
            if db.engine.dialect.name == "postgresql":
                conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("VACUUM ANALYZE")
            else:
                conn.exec_driver_sql("ANALYZE")
                conn.commit()
        db.engine.dispose()
    print(f"migrations and demo seed: {seeded - began:.1f} s")
    print(f"generated {counts['instances']} cases, {counts['tasks']} done tasks, {counts['events']} events: "
          f"{generated - seeded:.1f} s ({counts['events'] / (generated - seeded):.0f} events/s; "
          f"{cpu:.1f} s of CPU in this process)")
    print(f"analyze: {time.perf_counter() - generated:.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", help="a PostgreSQL server's URL (a scratch database is made next to it)")
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--per-case", type=int, default=8, help="history events per case")
    parser.add_argument("--townships", type=int, default=100)
    parser.add_argument("--units", type=int, default=1000)
    parser.add_argument("--villages", type=int, default=20_000)
    parser.add_argument("--cadres", type=int, default=60_000)
    parser.add_argument("--seed", type=int, default=19)
    parser.add_argument("--keep", action="store_true", help="keep the database (its URL is printed)")
    parser.add_argument("--measure", help=argparse.SUPPRESS)  # the child process: measure this URL
    args = parser.parse_args()
    if args.measure:
        measure(args.measure)
        return
    sizes = Sizes(args.townships, args.units, args.villages, args.cadres, args.events, args.per_case)
    scratch = Path(tempfile.mkdtemp(prefix="cadreflow-ledger-"))
    admin = None
    if args.url:
        server = sa.engine.make_url(Settings(database_url=args.url).database_url)
        name = f"cadreflow_ledger_{uuid.uuid4().hex[:8]}"
        admin = sa.create_engine(server, isolation_level="AUTOCOMMIT", poolclass=sa.NullPool)
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        url = server.set(database=name).render_as_string(hide_password=False)
    else:
        url = f"sqlite:///{scratch / 'ledger.sqlite3'}"
    print(f"database {url.split('@')[-1]}; {sizes}")
    try:
        build(url, sizes, args.seed)
        figures = run_measure(url)
        print(f"\nGET /audit/export?year={YEAR} (auditor, read in chunks as sent):")
        print(f"  rows: {', '.join(f'{title} {count}' for title, count in figures['rows'].items())}; "
              f"file {figures['bytes'] / 2**20:.1f} MiB")
        print(f"  time: {figures['seconds']:.1f} s ({figures['written_seconds']:.1f} s until the response "
              f"began; {figures['cpu_seconds']:.1f} s of CPU: on a busy machine the wall time is longer)")
        peak = figures["rss_peak_kb"] / 1024
        print(f"  peak RSS during the export: {peak:.0f} MB (resident before it "
              f"{figures['rss_before_kb'] / 1024:.0f} MB; the process's peak, start-up included, "
              f"{figures['process_peak_kb'] / 1024:.0f} MB; "
              f"goal < 300 MB: {'ok' if peak < 300 else 'OVER GOAL'})")
    finally:
        if args.keep:
            print(f"\nkept: {url}")
        elif admin is not None:
            with admin.connect() as conn:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)'))
        if admin is not None:
            admin.dispose()
        if not args.keep:
            for path in scratch.iterdir():
                path.unlink()
            scratch.rmdir()


if __name__ == "__main__":
    main()
