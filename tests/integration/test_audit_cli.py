"""`cadreflow audit verify` exit codes and `cadreflow audit export` CSV/XLSX content."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest
from audit_scenarios import build
from click.testing import CliRunner

from service.cli import cli
from service.persistence.db import db
from service.persistence.models import HistoryEvent

EVENTS = HistoryEvent.__table__


@pytest.fixture(scope="module")
def scenarios(app, clock):
    with app.app_context():
        return build(clock)


@pytest.fixture
def run(db_url, scenarios):
    runner = CliRunner()

    def invoke(*args):
        return runner.invoke(cli, list(args), env={"CADREFLOW_DATABASE_URL": db_url})

    return invoke


def test_verify_ids_and_all_exit_zero_when_intact(run, scenarios):
    result = run("audit", "verify", scenarios.ids["fs_replacement"], scenarios.ids["recall_recalled"])
    assert result.exit_code == 0, result.output
    assert result.output.count(" ok（") == 2
    everything = run("audit", "verify", "--all")
    assert everything.exit_code == 0, everything.output
    assert f"共校验 {len(scenarios.ids)} 个实例：{len(scenarios.ids)} 个完整，0 个有问题" in everything.output


def test_verify_usage_errors(run):
    assert run("audit", "verify").exit_code == 2
    assert run("audit", "verify", "--all", "x").exit_code == 2
    missing = run("audit", "verify", "no-such-instance")
    assert missing.exit_code == 2 and "实例不存在" in missing.output


def test_export_csv_has_bom_chinese_headers_and_rows(run, scenarios, tmp_path):
    out = tmp_path / "ledger.csv"
    result = run("audit", "export", "--from", "2026-12-01", "--to", "2026-12-31", "--format", "csv",
                 "-o", str(out))
    assert result.exit_code == 0, result.output
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    # names first; the instance id last, only to find the case again
    assert rows[0] == ["时间（北京时间）", "流程", "村", "干部", "环节", "事项", "办理人", "角色", "决定",
                       "意见", "序号", "实例编号"]
    returned = [r for r in rows if r[9] == "请补充体检报告原件"]
    assert len(returned) == 1
    (r,) = returned
    assert r[11] == scenarios.ids["fs_replacement"] and r[1] == "驻村干部中途调整" and r[3] == "张伟"
    assert r[4] == "乡镇党委政府审核" and r[8] == "退回修改" and r[6].endswith("（tw_qingshan_2）")
    assert r[0].endswith("+08:00") and r[10] == "6"
    assert any(row[5] == "到期自动处理" and row[6] == "系统" for row in rows[1:])
    assert any(row[1] == "驻村干部工作交接" and row[3] == "张伟 → 孙浩" for row in rows[1:])
    # each step's own decision word, as the task page shows it
    assert any(row[4] == "县委组织部审核备案" and row[8] == "予以备案" for row in rows[1:])
    assert any(row[4] == "确认新任干部到岗" and row[8] == "确认到岗" for row in rows[1:])
    assert [row[0] for row in rows[1:]] == sorted(row[0] for row in rows[1:])  # by time
    assert f"已导出 {len(rows) - 1} 条记录" in result.output


def test_export_range_is_respected(run, scenarios, tmp_path):
    out = tmp_path / "none.csv"
    result = run("audit", "export", "--from", "2025-01-01", "--to", "2025-01-31", "-o", str(out))
    assert result.exit_code == 0 and "已导出 0 条记录" in result.output
    assert run("audit", "export", "--from", "2026-12-01T00:00:00", "--to", "2026-12-02").exit_code == 2


@pytest.mark.parametrize("start, end", [("2026-12-01", "9999-12-31"), ("0001-01-01", "2026-12-01"),
                                        ("2026-12-01", "9999-12-31T23:00:00-12:00")])
def test_export_years_out_of_range_are_a_usage_error(run, scenarios, tmp_path, start, end):
    """Not a traceback from the day arithmetic at the end of year 9999."""
    result = run("audit", "export", "--from", start, "--to", end, "-o", str(tmp_path / "x.csv"))
    assert result.exit_code == 2, result.output
    assert "须在 2000 至 2100 年之间" in result.output


def test_export_xlsx_has_a_case_sheet_and_an_event_sheet(run, scenarios, tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "ledger.xlsx"
    result = run("audit", "export", "--from", "2026-12-01", "--to", "2026-12-31", "--format", "xlsx",
                 "-o", str(out))
    assert result.exit_code == 0, result.output
    book = load_workbook(out)
    assert book.sheetnames == ["案件", "办理经过"]
    cases = list(book["案件"].iter_rows(values_only=True))
    assert cases[0] == ("流程", "乡镇", "村", "干部", "派出单位", "提交人", "发起时间（北京时间）",
                        "办结时间（北京时间）", "结果", "用时（工作日）", "实例编号")
    assert len(cases) - 1 == len(scenarios.ids)  # every case of the scenarios has history in December
    by_id = {row[10]: row for row in cases[1:]}
    fs = by_id[scenarios.ids["fs_replacement"]]
    assert fs[:5] == ("驻村干部中途调整", "青山镇", "上庄村", "张伟", "XX县教育局")
    assert fs[5].endswith("（hr_edu）") and fs[8] == "已办结"
    assert fs[6].year == 2026 and fs[7] >= fs[6] and isinstance(fs[9], int) and fs[9] >= 0
    assert by_id[scenarios.ids["fs_handover"]][3] == "张伟 → 孙浩"
    assert by_id[scenarios.ids["withdrawn"]][8] == "已撤回"
    running = by_id[scenarios.ids["tm_handover"]]
    assert running[7] is None and running[8] == "办理中"
    events = list(book["办理经过"].iter_rows(values_only=True))
    assert events[0][:4] == ("时间（北京时间）", "流程", "村", "干部") and events[0][11] == "实例编号"
    (r,) = [row for row in events if row[9] == "请补充体检报告原件"]
    assert r[8] == "退回修改" and r[0].year == 2026 and r[10] == 6
    assert {row[11] for row in events[1:]} <= set(by_id)  # every event's case is on the case sheet
    assert f"已导出 {len(cases) - 1} 个案件、{len(events) - 1} 条记录" in result.output


def test_export_xlsx_layout_bold_frozen_header_filters_widths(run, scenarios, tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "ledger.xlsx"
    assert run("audit", "export", "--from", "2026-12-01", "--to", "2026-12-31", "--format", "xlsx",
               "-o", str(out)).exit_code == 0
    for sheet in load_workbook(out).worksheets:
        assert sheet.freeze_panes == "A2"
        assert all(cell.font.bold for cell in sheet[1])
        assert sheet.auto_filter.ref == f"A1:{sheet.cell(1, sheet.max_column).column_letter}{sheet.max_row}"
        assert sheet.column_dimensions["A"].width >= 12
        assert sheet.column_dimensions[sheet.cell(1, sheet.max_column).column_letter].width >= 36  # the id


def test_verify_exits_non_zero_when_history_was_tampered(run, scenarios, app, backend):
    fs = scenarios.ids["fs_replacement"]
    with app.app_context():
        def rewrite(comment):
            with db.engine.begin() as conn:
                if backend == "postgresql":
                    conn.exec_driver_sql("SET LOCAL session_replication_role = replica")
                conn.execute(EVENTS.update().where(EVENTS.c.instance_id == fs, EVENTS.c.seq == 6)
                             .values(comment=comment))
        rewrite("篡改后的意见")
        try:
            result = run("audit", "verify", "--all", "--quiet")
        finally:
            rewrite("请补充体检报告原件")
    assert result.exit_code == 1, result.output
    assert fs in result.output and "首个问题事件=6" in result.output
    assert "1 个有问题" in result.output
    assert run("audit", "verify", fs).exit_code == 0


def test_export_reads_the_history_in_one_streamed_statement_per_sheet(app, scenarios, backend, monkeypatch):
    """Not page after page (LIMIT/OFFSET rereads everything before each page): one statement per
    sheet, read a batch at a time; on PostgreSQL through a server-side cursor."""
    from sqlalchemy import event

    from service.audit import write_ledger_xlsx
    from service.persistence import streaming

    monkeypatch.setattr(streaming, "BATCH_ROWS", 3)  # several batches even for the scenarios
    seen: list[tuple[str, str]] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if "history_events" in statement:
            seen.append((type(cursor).__name__, statement))

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", record)
        try:
            counts = write_ledger_xlsx(datetime(2026, 12, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC),
                                       io.BytesIO())
        finally:
            event.remove(db.engine, "before_cursor_execute", record)
    assert counts.events > 3 * 3 and counts.cases > 3
    assert len(seen) == 2, [s for _, s in seen]
    assert all("LIMIT" not in statement and "OFFSET" not in statement for _, statement in seen)
    if backend == "postgresql":
        assert {cursor for cursor, _ in seen} == {"ServerCursor"}
