"""The coverage list as an Excel workbook: one row per village, Chinese headers, a bold frozen
header row with filters. Written in openpyxl's write-only mode: rows go to disk as they come, so a
province's villages do not sit in memory as cells."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

# (header, width in characters)
COLUMNS: list[tuple[str, int]] = [
    ("乡镇", 12), ("村", 14), ("村类别", 36), ("应配岗位", 26), ("第一书记", 10), ("第一书记派出单位", 22),
    ("第一书记任期", 24), ("工作队员", 28), ("在办案件", 10), ("问题", 48),
]
SHEET_TITLE = "驻村覆盖"

# A spreadsheet reads a cell starting with one of these as a formula; names are people's text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _term(holder: dict[str, Any]) -> str:
    start: date = holder["term_start"]
    end: date | None = holder["planned_end"]
    return f"{start.isoformat()} 至 {end.isoformat() if end else '未定'}"


def _row(item: dict[str, Any]) -> list[Any]:
    secretaries = [h for h in item["holders"] if h["role"] == "first_secretary"]
    members = [h for h in item["holders"] if h["role"] == "team_member"]
    return [
        item["township_name"],
        item["village_name"],
        "、".join(item["category_names"]),
        "、".join(item["required_role_names"]),
        "、".join(h["cadre_name"] for h in secretaries),
        "、".join(h["supplier_name"] for h in secretaries),
        "；".join(_term(h) for h in secretaries),
        "、".join(f"{h['cadre_name']}（{h['supplier_name']}）" for h in members),
        item["open_cases"],
        "、".join(flag["name"] for flag in item["flags"]),
    ]


def safe_cell(sheet: Any, value: Any, bold: bool = False) -> Any:
    """A write-only sheet's cell: text stays text, never a formula (other exports use it too)."""
    if not isinstance(value, str):
        return value
    if value.startswith(FORMULA_STARTS):
        value = "'" + value
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"  # text, never a formula
    if bold:
        cell.font = Font(bold=True)
    return cell


def write_coverage_xlsx(items: Iterable[dict[str, Any]], out: IO[bytes]) -> int:
    """Write the workbook to `out`; returns the number of village rows."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET_TITLE)
    # Write-only sheets take their layout before the first row.
    for index, (_, width) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.append([safe_cell(sheet, header, bold=True) for header, _ in COLUMNS])
    count = 0
    for item in items:
        sheet.append([safe_cell(sheet, value) for value in _row(item)])
        count += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{count + 1}"
    workbook.save(out)
    return count
