"""Province-sized reads (issue #17): the coverage list, the inbox and the audit search over a
province's roster and history, on PostgreSQL.

Generates into a scratch database it creates and drops (kept with --keep): --townships townships
and --units dispatch units under one county body, --villages villages (each carrying one to two
categories), --cadres cadres with the postings a real roster has (most villages staffed, a few
missing a post, some terms ending soon or overdue, a sprinkling of temporary staff and of wrong
team leaders), --instances process instances (a small valid-looking state: the bench reads lists,
it never replays), one done task per instance and an open task per running one, and --events
history events spread over the instances. Everything is bulk-loaded with COPY, then ANALYZEd.

Then it times, through the Flask test client (the whole request: auth, query, JSON), `--samples`
requests of each, after a few warm-up ones, and prints p50/p95/max:

* GET /api/v1/coverage (first page, county user) and with ?township_id= (a township's own user
  and a varying township for the county user); the Excel export of one township.
* GET /api/v1/tasks for a township user with its open tasks (about running/townships of them).
* The audit search page /audit (the auditor's search: no filter, a village name, a cadre name,
  process + status), signed in through the login form.

Goals: each < 300 ms, the inbox < 50 ms. The figures are printed, never asserted. With
--explain the plans of the coverage statements are printed (EXPLAIN ANALYZE, BUFFERS).

Usage: .venv/bin/python bench/province.py [--scale 0.1] [--villages N --cadres N --instances N
       --events N] [--pg postgresql+psycopg://postgres@127.0.0.1:5432/postgres] [--explain] [--keep]
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import random
import re
import statistics
import sys
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402
import sqlalchemy as sa  # noqa: E402
from flask_migrate import upgrade  # noqa: E402

from service.app import MIGRATIONS_DIR, create_app  # noqa: E402
from service.commands.demo_data import seed_demo  # noqa: E402
from service.config import Settings  # noqa: E402
from service.core.clock import ManualClock, install_clock  # noqa: E402
from service.core.credentials import issue_token, set_password  # noqa: E402
from service.core.principal import Grant, Principal  # noqa: E402
from service.persistence.db import db  # noqa: E402
from service.persistence.models import ProcessDefinition, User, UserRole, Village  # noqa: E402
from service.queries import coverage  # noqa: E402

CHEAP_HASH = "pbkdf2:sha256:1000"  # bench logins only
NOW = datetime(2026, 12, 8, 10, 0, tzinfo=UTC)
TODAY = date(2026, 12, 8)
CATEGORIES = [("poverty_alleviated", 30), ("key_assistance", 20), ("weak_party_org", 25), ("red_village", 25)]
TEAM = {"poverty_alleviated", "key_assistance"}
PROCESSES = [("mid_term_replacement", 60), ("handover", 25), ("recall", 15)]
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红燕鹏辉斌宇浩凯健俊帆雪琳晨欣宁博文"
PLACE = "东西南北上下前后大小新老石马牛杨柳桃李杏花山水河湖溪泉岭坪沟湾坝塘庄寨堡屯"


@dataclass
class Sizes:
    townships: int
    units: int
    villages: int
    cadres: int
    instances: int
    events: int
    running_share: float = 0.02


def weighted(rng: random.Random, choices: list[tuple[str, int]]) -> str:
    return rng.choices([c for c, _ in choices], weights=[w for _, w in choices])[0]


def person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def copy_rows(conn: psycopg.Connection, table: str, columns: list[str], rows: Iterable[tuple]) -> int:
    count = 0
    with conn.cursor() as cur, cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
            count += 1
    return count


# -- generation -----------------------------------------------------------------------------------


@dataclass
class Roster:
    townships: list[str]
    units: list[str]
    villages: list[tuple[str, str, str]]  # id, township, main category
    village_names: list[str]
    cadre_units: list[str]
    cadre_names: list[str]


def generate_reference(conn: psycopg.Connection, sizes: Sizes, rng: random.Random) -> Roster:
    townships = [f"tw-p{n:04d}" for n in range(sizes.townships)]
    units = [f"unit-p{n:05d}" for n in range(sizes.units)]
    copy_rows(
        conn,
        "orgs",
        ["id", "name", "kind", "parent_id", "level", "unit_kind"],
        [
            *(
                (t, f"{rng.choice(PLACE)}{rng.choice(PLACE)}镇{n}", "township", "county", None, None)
                for n, t in enumerate(townships)
            ),
            *(
                (
                    u,
                    f"第{n}派出单位",
                    "dispatch_unit",
                    "county",
                    rng.choice(("county", "county", "city", "province")),
                    rng.choice(("party_government", "institution", "stationed", "enterprise")),
                )
                for n, u in enumerate(units)
            ),
        ],
    )
    villages, names, categories = [], [], []
    for n in range(sizes.villages):
        vid, township = f"v-p{n:06d}", townships[n % len(townships)]
        main = weighted(rng, CATEGORIES)
        villages.append((vid, township, main))
        names.append(f"{rng.choice(PLACE)}{rng.choice(PLACE)}村{n}")
        categories.append((vid, main))
        if rng.random() < 0.05:
            extra = weighted(rng, CATEGORIES)
            if extra != main:
                categories.append((vid, extra))
    copy_rows(
        conn,
        "villages",
        ["id", "name", "category", "township_id"],
        ((v[0], names[i], v[2], v[1]) for i, v in enumerate(villages)),
    )
    copy_rows(conn, "village_categories", ["village_id", "category"], categories)
    cadre_units = [units[rng.randrange(len(units))] for _ in range(sizes.cadres)]
    cadre_names = [person(rng) for _ in range(sizes.cadres)]
    copy_rows(
        conn,
        "cadres",
        [
            "id",
            "name",
            "unit_id",
            "party_status",
            "party_member_since",
            "party_confirmed_on",
            "work_start_date",
            "employment_type",
            "birth_date",
            "rural_expertise",
        ],
        (
            (
                f"c-p{n:06d}",
                cadre_names[n],
                cadre_units[n],
                "formal",
                date(2010, 7, 1),
                date(2011, 7, 1),
                date(2008, 8, 1),
                "temporary"
                if rng.random() < 0.003
                else rng.choice(("permanent", "permanent", "formal_staff")),
                date(1985, 1, 1) + timedelta(days=rng.randrange(5000)),
                rng.random() < 0.2,
            )
            for n in range(sizes.cadres)
        ),
    )
    return Roster(townships, units, villages, names, cadre_units, cadre_names)


def generate_postings(conn: psycopg.Connection, roster: Roster, rng: random.Random) -> int:
    """Most villages staffed as the rules say; terms spread so that some end soon or are overdue."""
    cadre = iter(range(len(roster.cadre_units)))
    rows = []

    def planned_end() -> date:
        return TODAY + timedelta(days=rng.randrange(-30, 700))

    def post(village: str, role: str, leads: bool) -> None:
        n = next(cadre, None)
        if n is None:
            return
        end = planned_end()
        rows.append(
            (f"c-p{n:06d}", village, role, end - timedelta(days=730), end, True, roster.cadre_units[n], leads)
        )

    for vid, _township, main in roster.villages:
        team = main in TEAM
        if rng.random() < 0.97:
            post(vid, "first_secretary", team and rng.random() > 0.01)
        if team:
            for _ in range(2 if rng.random() < 0.92 else 0):
                post(vid, "team_member", rng.random() < 0.002)
        elif rng.random() < 0.005:
            post(vid, "team_member", False)
    return copy_rows(
        conn,
        "postings",
        [
            "cadre_id",
            "village_id",
            "role",
            "term_start",
            "planned_end",
            "active",
            "supplier_id",
            "leads_team",
        ],
        rows,
    )


def generate_instances(
    conn: psycopg.Connection, roster: Roster, sizes: Sizes, definitions: dict[str, int], rng: random.Random
) -> tuple[list[str], int]:
    """Instances, their tasks (one done per instance, one open per running one) and `events`
    history events spread over them. Returns the instance ids and the open task count."""
    ids = [str(uuid.UUID(int=rng.getrandbits(128), version=4)) for _ in range(sizes.instances)]
    start = NOW - timedelta(days=3 * 365)
    span = int((NOW - start).total_seconds())
    statuses = [("completed", 80), ("rejected", 8), ("withdrawn", 6), ("terminated", 1)]
    meta: list[tuple[str, str, str, str, datetime]] = []  # process, status, township, unit, created

    def instance_rows() -> Iterator[tuple]:
        for n, iid in enumerate(ids):
            process = weighted(rng, PROCESSES)
            status = "running" if rng.random() < sizes.running_share else weighted(rng, statuses)
            vid, township, _ = roster.villages[rng.randrange(len(roster.villages))]
            c = rng.randrange(len(roster.cadre_units))
            other = rng.randrange(len(roster.cadre_units))
            unit = roster.cadre_units[c]
            created = start + timedelta(seconds=rng.randrange(span))
            meta.append((process, status, township, unit, created))
            ended = None if status == "running" else created + timedelta(days=rng.randrange(5, 60))
            cadre_id = f"c-p{c:06d}"
            # One open case per cadre: a second running replacement/recall of a cadre would break
            # the partial unique index, so running ones take a cadre no earlier one took.
            yield (
                iid,
                definitions[process],
                process,
                f"{process}:{n}",
                status,
                json.dumps({"bench": True, "n": n}),
                1,
                cadre_id if status != "running" or process == "handover" else f"c-run-{n}",
                cadre_id if process == "handover" else None,
                f"c-p{other:06d}",
                vid,
                township,
                unit,
                None,
                created,
                ended or created,
                ended,
            )

    copy_rows(
        conn,
        "process_instances",
        [
            "id",
            "definition_id",
            "process_key",
            "business_key",
            "status",
            "state",
            "revision",
            "cadre_id",
            "old_cadre_id",
            "new_cadre_id",
            "village_id",
            "township_id",
            "unit_id",
            "submitter",
            "created_at",
            "updated_at",
            "ended_at",
        ],
        instance_rows(),
    )

    open_count = 0

    def task_rows() -> Iterator[tuple]:
        nonlocal open_count
        for iid, (_process, status, township, unit, created) in zip(ids, meta, strict=True):
            yield (
                f"{iid}-t1",
                iid,
                "township_consent",
                "乡镇党委政府审核",
                "township",
                "township",
                township,
                '["approve", "reject", "return"]',
                "done",
                created,
                created + timedelta(days=5),
                created + timedelta(days=2),
                "bench",
                "approve",
            )
            if status == "running":
                role, kind, scope = rng.choice(
                    [
                        ("township", "township", township),
                        ("county", "county", "county"),
                        ("unit_hr", "unit", unit),
                        ("org_dept", "county", "county"),
                    ]
                )
                open_count += role == "township"
                due = NOW + timedelta(days=rng.randrange(-10, 20))
                yield (
                    f"{iid}-t2",
                    iid,
                    f"{role}_step",
                    "待办",
                    role,
                    kind,
                    scope,
                    '["approve", "reject", "return"]',
                    "open",
                    created,
                    due,
                    None,
                    None,
                    None,
                )

    copy_rows(
        conn,
        "human_tasks",
        [
            "id",
            "instance_id",
            "spec_id",
            "name",
            "role",
            "scope_kind",
            "scope_id",
            "decisions",
            "status",
            "created_at",
            "due_at",
            "completed_at",
            "completed_by",
            "decision",
        ],
        task_rows(),
    )

    per = max(1, sizes.events // max(1, len(ids)))
    extra = sizes.events - per * len(ids)

    def event_rows() -> Iterator[tuple]:
        hex64 = "%064x"
        for index, (iid, (_p, _s, township, _u, created)) in enumerate(zip(ids, meta, strict=True)):
            count = per + (1 if index < extra else 0)
            prev = None
            for seq in range(1, count + 1):
                digest = hex64 % rng.getrandbits(256)
                kind = "start" if seq == 1 else "complete"
                yield (
                    iid,
                    seq,
                    created + timedelta(hours=seq),
                    "bench",
                    "township",
                    township,
                    kind,
                    "{}",
                    None,
                    None,
                    hex64 % rng.getrandbits(256),
                    prev,
                    digest,
                )
                prev = digest

    copy_rows(
        conn,
        "history_events",
        [
            "instance_id",
            "seq",
            "at",
            "actor_login",
            "actor_role",
            "actor_scope",
            "kind",
            "inputs",
            "task_id",
            "decision",
            "state_hash",
            "prev_hash",
            "event_hash",
        ],
        event_rows(),
    )
    return ids, open_count


# -- measuring ------------------------------------------------------------------------------------


@dataclass
class Figure:
    name: str
    goal_ms: float
    times_ms: list[float]

    def line(self) -> str:
        ordered = sorted(self.times_ms)
        p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
        verdict = "ok" if p95 < self.goal_ms else "OVER GOAL"
        return (
            f"{self.name:<58} p50 {statistics.median(ordered):7.1f} ms  p95 {p95:7.1f} ms  "
            f"max {ordered[-1]:7.1f} ms  (goal < {self.goal_ms:.0f} ms: {verdict})"
        )


def timed(name: str, goal_ms: float, samples: int, call: Callable[[int], Any]) -> Figure:
    for n in range(3):
        call(n)
    times = []
    for n in range(samples):
        began = time.perf_counter()
        call(n)
        times.append((time.perf_counter() - began) * 1000)
    return Figure(name, goal_ms, times)


def check(response: Any, status: int = 200) -> Any:
    if response.status_code != status:
        raise SystemExit(
            f"{response.request.path}: {response.status_code} {response.get_data(as_text=True)[:300]}"
        )
    return response


def web_login(app: Any, login: str) -> Any:
    client = app.test_client()
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").get_data(as_text=True))
    check(client.post("/login", data={"login": login, "password": login, "csrf_token": token.group(1)}), 302)
    return client


def explain(app: Any, township: str) -> None:
    county = Principal("county", "县", (Grant("county", "county", "county"),))
    statements: list[tuple[str, Any]] = []
    with app.app_context():
        window = coverage.term_window()
        for label, filters in (
            ("first page", coverage.CoverageFilter()),
            ("township", coverage.CoverageFilter(township_id=township)),
            ("flag missing_work_team", coverage.CoverageFilter(flag="missing_work_team")),
        ):
            conditions = coverage._conditions(county, filters, window)
            chosen = coverage._chosen(conditions).limit(20)
            statements.append((f"coverage {label}: page", coverage._village_statement(chosen, window)))
            statements.append(
                (
                    f"coverage {label}: count",
                    sa.select(sa.func.count()).select_from(Village).where(*conditions),
                )
            )
        for label, stmt in statements:
            compiled = stmt.compile(db.engine, compile_kwargs={"literal_binds": True})
            plan = db.session.execute(sa.text(f"EXPLAIN (ANALYZE, BUFFERS) {compiled}")).scalars().all()
            print(f"\n-- {label}\n" + "\n".join(plan))
        db.session.rollback()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--pg",
        default=os.environ.get(
            "CADREFLOW_BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
        ),
    )
    parser.add_argument("--scale", type=float, default=1.0, help="multiplies the default sizes")
    parser.add_argument("--townships", type=int)
    parser.add_argument("--units", type=int)
    parser.add_argument("--villages", type=int)
    parser.add_argument("--cadres", type=int)
    parser.add_argument("--instances", type=int)
    parser.add_argument("--events", type=int)
    parser.add_argument("--samples", type=int, default=40)
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--keep", action="store_true", help="do not drop the database (its URL is printed)")
    args = parser.parse_args()
    s = args.scale
    sizes = Sizes(
        townships=args.townships or max(3, int(100 * min(1.0, s * 4))),
        units=args.units or max(3, int(1000 * min(1.0, s * 4))),
        villages=args.villages or int(20_000 * s),
        cadres=args.cadres or int(60_000 * s),
        instances=args.instances or int(500_000 * s),
        events=args.events or int(5_000_000 * s),
    )
    logging.getLogger("cadreflow.access").disabled = True
    rng = random.Random(args.seed)

    server = sa.engine.make_url(Settings(database_url=args.pg).database_url)
    name = f"cadreflow_province_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT", poolclass=sa.NullPool)
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = server.set(database=name).render_as_string(hide_password=False)
    print(f"database {name}; sizes {sizes}")
    app = create_app(Settings(database_url=url, password_hash=CHEAP_HASH, scheduler_enabled=False))
    try:
        began = time.perf_counter()
        with app.app_context():
            upgrade(directory=MIGRATIONS_DIR)
            seed_demo(today=TODAY)
            definitions = {d.key: d.id for d in db.session.execute(sa.select(ProcessDefinition)).scalars()}
            db.session.remove()
        dsn = server.set(drivername="postgresql", database=name).render_as_string(hide_password=False)
        phases: list[tuple[str, float]] = []
        with psycopg.connect(dsn) as conn:
            mark = time.perf_counter()
            roster = generate_reference(conn, sizes, rng)
            posted = generate_postings(conn, roster, rng)
            conn.commit()
            phases.append(
                (
                    f"roster ({sizes.villages} villages, {sizes.cadres} cadres, {posted} postings)",
                    time.perf_counter() - mark,
                )
            )
            mark = time.perf_counter()
            ids, township_open = generate_instances(conn, roster, sizes, definitions, rng)
            conn.commit()
            phases.append(
                (f"{len(ids)} instances, their tasks and {sizes.events} events", time.perf_counter() - mark)
            )
            mark = time.perf_counter()
            conn.autocommit = True
            conn.execute("VACUUM ANALYZE")
            phases.append(("vacuum analyze", time.perf_counter() - mark))
        generation = time.perf_counter() - began
        for label, seconds in phases:
            print(f"  {label}: {seconds:.1f} s")
        print(f"generation (migrations and demo seed included): {generation:.1f} s")

        clock = install_clock(app, ManualClock(NOW))
        assert clock is not None
        township = roster.townships[0]
        with app.app_context():
            tokens = {}
            for login, role, scope in (
                ("bench_county", "county", "county"),
                ("bench_tw", "township", township),
                ("bench_auditor", "auditor", "county"),
            ):
                user = User(login=login, display_name=login, active=True)
                user.roles.append(
                    UserRole(
                        role=role, scope_kind="county" if role != "township" else "township", scope_id=scope
                    )
                )
                set_password(user, login, CHEAP_HASH)
                tokens[login] = issue_token(user, NOW + timedelta(days=30))
                db.session.add(user)
            db.session.commit()
            open_tasks = db.session.execute(
                sa.text(
                    "SELECT count(*) FROM human_tasks"
                    " WHERE status = 'open' AND role = 'township' AND scope_id = :t"
                ),
                {"t": township},
            ).scalar_one()
        print(
            f"\ntownship {township}: {open_tasks} open tasks in its inbox "
            f"({township_open} township tasks open in the province)"
        )
        client = app.test_client()

        def get(login: str, path: str) -> Any:
            return check(client.get(path, headers={"Authorization": f"Bearer {tokens[login]}"}))

        auditor = web_login(app, "bench_auditor")
        villages, cadres = roster.village_names, roster.cadre_names
        figures = [
            timed(
                "GET /api/v1/coverage (county, first page)",
                300,
                args.samples,
                lambda n: get("bench_county", "/api/v1/coverage"),
            ),
            timed(
                "GET /api/v1/coverage?township_id= (county, varying township)",
                300,
                args.samples,
                lambda n: get(
                    "bench_county",
                    f"/api/v1/coverage?township_id={roster.townships[n % len(roster.townships)]}",
                ),
            ),
            timed(
                "GET /api/v1/coverage (township user, its own villages)",
                300,
                args.samples,
                lambda n: get("bench_tw", "/api/v1/coverage"),
            ),
            timed(
                "GET /api/v1/coverage?flag=missing_work_team (county)",
                300,
                args.samples,
                lambda n: get("bench_county", "/api/v1/coverage?flag=missing_work_team"),
            ),
            timed(
                "GET /api/v1/coverage?flag=term_ending_soon&page=5 (county)",
                300,
                args.samples,
                lambda n: get("bench_county", "/api/v1/coverage?flag=term_ending_soon&page=5"),
            ),
            timed(
                "GET /api/v1/coverage.xlsx?township_id= (one township)",
                300,
                max(5, args.samples // 4),
                lambda n: get("bench_county", f"/api/v1/coverage.xlsx?township_id={township}"),
            ),
            timed(
                "GET /api/v1/tasks (township user, open tasks)",
                50,
                args.samples,
                lambda n: get("bench_tw", "/api/v1/tasks"),
            ),
            timed(
                "/audit (auditor, no filter, first page)",
                300,
                args.samples,
                lambda n: check(auditor.get("/audit")),
            ),
            timed(
                "/audit?village=<village name>",
                300,
                args.samples,
                lambda n: check(auditor.get(f"/audit?village={villages[(n * 7919) % len(villages)]}")),
            ),
            timed(
                "/audit?cadre=<cadre name>",
                300,
                args.samples,
                lambda n: check(auditor.get(f"/audit?cadre={cadres[(n * 7919) % len(cadres)]}")),
            ),
            timed(
                "/audit?process=recall&status=running",
                300,
                args.samples,
                lambda n: check(auditor.get("/audit?process=recall&status=running")),
            ),
        ]
        print()
        for figure in figures:
            print(figure.line())
        if args.explain:
            explain(app, township)
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        if args.keep:
            print(f"\nkept: {url}")
        else:
            with admin.connect() as conn:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


if __name__ == "__main__":
    main()
