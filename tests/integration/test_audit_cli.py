"""`cadreflow audit verify` exit codes and `cadreflow audit export` CSV/XLSX content."""

from __future__ import annotations

import csv
import io

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
    assert rows[0] == ["实例编号", "流程", "干部", "村", "环节", "事项", "办理人", "角色", "决定", "意见",
                       "时间", "序号"]
    returned = [r for r in rows if r[9] == "请补充体检报告原件"]
    assert len(returned) == 1
    (r,) = returned
    assert r[0] == scenarios.ids["fs_replacement"] and r[1] == "驻村干部中途调整" and r[2] == "张伟"
    assert r[4] == "乡镇党委政府审核" and r[8] == "退回修改" and r[6].endswith("（tw_qingshan_2）")
    assert r[10].endswith("+08:00") and r[11] == "6"
    assert any(row[5] == "到期自动处理" and row[6] == "系统" for row in rows[1:])
    assert any(row[1] == "驻村干部工作交接" and row[2] == "张伟 → 孙浩" for row in rows[1:])
    # each step's own decision word, as the task page shows it
    assert any(row[4] == "县委组织部审核备案" and row[8] == "予以备案" for row in rows[1:])
    assert any(row[4] == "确认新任干部到岗" and row[8] == "确认到岗" for row in rows[1:])
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


def test_export_xlsx(run, scenarios, tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "ledger.xlsx"
    result = run("audit", "export", "--from", "2026-12-01", "--to", "2026-12-31", "--format", "xlsx",
                 "-o", str(out))
    assert result.exit_code == 0, result.output
    sheet = load_workbook(out).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("实例编号", "流程", "干部", "村") and rows[0][10] == "时间（Asia/Shanghai）"
    (r,) = [row for row in rows if row[9] == "请补充体检报告原件"]
    assert r[8] == "退回修改" and r[10].year == 2026 and r[11] == 6


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
