"""Excel workbooks of the assessments: a year's summary (one sheet per unit, one per cadre's
grade) and a cadre's personal file (results, postings, recall cases). Chinese headers, a bold
frozen header row with filters; text a spreadsheet would run as a formula stays text."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from service.config import get_settings
from service.core.labels import ASSESSMENT_GRADE_NAMES

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
GRADE_COLUMNS = [(name, 8) for name in ASSESSMENT_GRADE_NAMES.values()]
SUMMARY_COLUMNS: list[tuple[str, int]] = [
    ("单位", 22), ("类别", 8), ("年度考核人数", 12), *GRADE_COLUMNS, ("未定等次", 10), ("期满考核", 10),
    ("召回案件", 10), ("其中召回", 10), ("其中整改到位", 12), ("办理中", 8), ("核实不属实", 10),
    ("帮扶责任落实", 16), ("责任落实问题", 48),
]
RESULT_COLUMNS: list[tuple[str, int]] = [
    ("派出单位", 22), ("干部", 10), ("岗位", 14), ("村", 12), ("乡镇", 10), ("考核", 18), ("考核期间", 24),
    ("等次", 8), ("本人述职", 40), ("乡镇评价", 30), ("乡镇建议等次", 12), ("派出单位意见", 30),
    ("派出单位建议等次", 14), ("县驻村工作领导小组意见", 30), ("确定人", 22), ("确定时间", 18), ("召回", 30),
]
POSTING_COLUMNS: list[tuple[str, int]] = [
    ("村", 12), ("乡镇", 12), ("岗位", 14), ("派出方", 22), ("任期开始", 12), ("计划期满", 12),
    ("结束日期", 12), ("在岗", 6),
]
RECALL_COLUMNS: list[tuple[str, int]] = [
    ("启动时间", 18), ("问题来源", 12), ("发现的问题", 48), ("结果", 22), ("问责措施", 30), ("结案时间", 18),
]


def _cell(sheet: Any, value: Any, bold: bool = False) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(get_settings().tz).strftime("%Y-%m-%d %H:%M")
    if not isinstance(value, str):
        return value
    if value.startswith(FORMULA_STARTS):
        value = "'" + value
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"  # text, never a formula
    if bold:
        cell.font = Font(bold=True)
    return cell


def _sheet(workbook: Workbook, title: str, columns: Sequence[tuple[str, int]],
           rows: Iterable[Sequence[Any]]) -> None:
    sheet = workbook.create_sheet(title)
    for index, (_, width) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.append([_cell(sheet, header, bold=True) for header, _ in columns])
    count = 0
    for row in rows:
        sheet.append([_cell(sheet, value) for value in row])
        count += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{count + 1}"


def _period(start: date, end: date) -> str:
    return f"{start.isoformat()} 至 {end.isoformat()}"


def _recall_text(item: dict[str, Any]) -> str:
    if item["recall_note"]:
        return item["recall_note"]
    return "已启动召回程序" if item["recall_instance_id"] else ""


def result_row(item: dict[str, Any]) -> list[Any]:
    return [item["supplier_name"], item["cadre_name"], item["role_name"], item["village_name"],
            item["township_name"], item["title"], _period(item["period_start"], item["period_end"]),
            item["grade_name"], item["summary"], item["township_opinion"] or "",
            item["township_suggested_grade_name"] or "", item["supplier_opinion"] or "",
            item["supplier_suggested_grade_name"] or "", item["county_comment"] or "",
            item["graded_by_name"], item["graded_at"], _recall_text(item)]


def _unit_row(unit: dict[str, Any]) -> list[Any]:
    duties = unit["duties"]
    recalls = unit["recalls"]
    return [unit["unit_name"], unit["kind_name"], unit["assessed"], *unit["grades"].values(),
            unit["ungraded"], unit["term_end"], recalls["opened"], recalls["recalled"], recalls["rectified"],
            recalls["running"], recalls["unfounded"], duties["state_name"] if duties else "—",
            "；".join(duties["problems"]) if duties else ""]


def write_summary_xlsx(summary: dict[str, Any], out: IO[bytes]) -> None:
    workbook = Workbook(write_only=True)
    _sheet(workbook, "单位汇总", SUMMARY_COLUMNS, (_unit_row(u) for u in summary["units"]))
    _sheet(workbook, "干部考核等次", RESULT_COLUMNS, (result_row(r) for r in summary["results"]))
    workbook.save(out)


def write_file_xlsx(file: dict[str, Any], out: IO[bytes]) -> None:
    workbook = Workbook(write_only=True)
    _sheet(workbook, "考核结果", RESULT_COLUMNS, (result_row(r) for r in file["results"]))
    _sheet(workbook, "任职经历", POSTING_COLUMNS, ([
        p["village_name"], p["township_name"], p["role_name"], p["supplier_name"] or "", p["term_start"],
        p["planned_end"], p["ended_on"], "是" if p["active"] else "否"] for p in file["postings"]))
    _sheet(workbook, "召回问责", RECALL_COLUMNS, ([
        r["opened_at"], r["source_name"], r["finding"] or "", r["outcome"], r["accountability"] or "",
        r["ended_at"]] for r in file["recalls"]))
    workbook.save(out)
