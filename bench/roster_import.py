"""Time a 5,000-cadre roster import: read + preview (a rolled-back run) and commit (one transaction).

A fresh database per backend (SQLite file, and PostgreSQL when CADREFLOW_TEST_DATABASE_URL or --pg
names one: a scratch database `bench_roster_import` is created next to it), seeded with the demo
county; the workbook names the demo units. Prints seconds; the goal is under 10 s for each step.
A second commit of the same file is timed too (every row unchanged).

Usage: .venv/bin/python bench/roster_import.py [--cadres 5000] [--pg postgresql+psycopg://...]
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "support"))

import sqlalchemy as sa  # noqa: E402
from app_support import build_app, dispose, migrate_to_head, seed  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from service.commands.demo_data import DEMO_ACTOR  # noqa: E402
from service.commands.roster_excel import commit, upload  # noqa: E402
from service.commands.roster_excel.sheets import CADRES  # noqa: E402

UNITS = ("unit-edu", "unit-hospital", "unit-power")
PARTY = ("中共正式党员", "中共预备党员", "群众")


def cadre_workbook(count: int) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(CADRES.title)
    sheet.append([c.header for c in CADRES.columns])
    for i in range(count):
        party = PARTY[i % 3]
        born = date(1970, 1, 1) + timedelta(days=(i * 37) % 9000)
        joined = born + timedelta(days=365 * 22) if party != "群众" else None
        confirmed = joined + timedelta(days=400) if party == "中共正式党员" and joined else None
        sheet.append([f"c-bench-{i:05d}", f"测试干部{i}", UNITS[i % 3], None, party, joined, confirmed,
                      born + timedelta(days=365 * 21), ("在编", "正式职工", "临聘")[i % 3], born,
                      "科员" if i % 2 else None, "是" if i % 5 == 0 else "否"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def run(label: str, url: str, content: bytes) -> None:
    app = build_app(url)
    try:
        with app.app_context():
            migrate_to_head()
            seed()
            start = time.perf_counter()
            result = upload(DEMO_ACTOR, content, "bench.xlsx", "cadres")
            previewed = time.perf_counter() - start
            assert result.outcome.ok, result.outcome.error_map()
            start = time.perf_counter()
            committed = commit(DEMO_ACTOR, result.id)
            first = time.perf_counter() - start
            start = time.perf_counter()
            again = commit(DEMO_ACTOR, result.id)
            second = time.perf_counter() - start
        print(f"{label:<11} preview {previewed:6.2f} s  commit {first:6.2f} s "
              f"(new {committed.outcome.count('new')})  re-commit {second:6.2f} s "
              f"(unchanged {again.outcome.count('unchanged')})")
    finally:
        dispose(app)


def scratch_pg(base: str) -> str:
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text("DROP DATABASE IF EXISTS bench_roster_import"))
        conn.execute(sa.text("CREATE DATABASE bench_roster_import"))
    admin.dispose()
    return base.rsplit("/", 1)[0] + "/bench_roster_import"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cadres", type=int, default=5000)
    parser.add_argument("--pg", default=os.environ.get("CADREFLOW_TEST_DATABASE_URL"))
    args = parser.parse_args()
    start = time.perf_counter()
    content = cadre_workbook(args.cadres)
    print(f"workbook: {args.cadres} cadres, {len(content) // 1024} KiB, written in "
          f"{time.perf_counter() - start:.2f} s")
    with tempfile.TemporaryDirectory() as tmp:
        run("SQLite", f"sqlite:///{tmp}/bench.sqlite3", content)
    if args.pg:
        run("PostgreSQL", scratch_pg(args.pg), content)
    else:
        print("PostgreSQL: skipped (pass --pg or set CADREFLOW_TEST_DATABASE_URL)")


if __name__ == "__main__":
    main()
