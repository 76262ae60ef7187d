"""The support ledger as an Excel workbook (openpyxl, write-only): a sheet with one row per cadre
and month (what was paid, what is missing), and a sheet with one row per cadre (the year's totals,
insurance, health check and every gap flagged). Amounts are numbers in yuan, so a spreadsheet sums
them; names and notes are text, never formulas."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from service.core.labels import ALLOWANCE_KIND_NAMES
from service.queries.coverage_xlsx import safe_cell

MONTH_COLUMNS: list[tuple[str, int]] = [
    ("派出单位", 20), ("干部", 10), ("驻村（村/身份）", 30), ("年度", 8), ("月份", 6), ("在村任职", 9),
    ("往返交通费报销次数", 12), ("往返交通费（元）", 14), ("生活补助（元）", 14), ("通信补贴（元）", 14),
    ("缺发", 22),
]
YEAR_COLUMNS: list[tuple[str, int]] = [
    ("派出单位", 20), ("干部", 10), ("驻村（村/身份）", 30), ("年度", 8), ("往返交通费报销次数", 12),
    ("往返交通费合计（元）", 16), ("生活补助合计（元）", 16), ("通信补贴合计（元）", 16), ("承保公司", 20),
    ("保单号", 18), ("保额（元）", 12), ("保险期间", 24), ("体检", 16), ("问题", 60),
]


def _money(text: str | None) -> Decimal | None:
    return Decimal(text) if text is not None else None


def _postings(item: dict[str, Any]) -> str:
    return "；".join(f"{p['village_name']}（{p['role_name']}）" for p in item["postings"])


def _health(item: dict[str, Any]) -> str:
    check = item["health_check"]
    if check is None:
        return "未登记"
    return f"已体检 {check['check_date'].isoformat()}" if check["done"] else "未体检"


def _month_rows(item: dict[str, Any]) -> Iterable[list[Any]]:
    for m in item["months"]:
        if not m["stationed"] and not m["trips"] and m["living_yuan"] is None and m["phone_yuan"] is None:
            continue
        yield [item["unit_name"], item["cadre_name"], _postings(item), item["year"], m["month"],
               "是" if m["stationed"] else "否", m["trips"], _money(m["transport_yuan"]) or Decimal(0),
               _money(m["living_yuan"]), _money(m["phone_yuan"]),
               "、".join(ALLOWANCE_KIND_NAMES[k] for k in m["missing"])]


def _year_row(item: dict[str, Any]) -> list[Any]:
    insurance = item["insurance"] or {}
    period = (f"{insurance['period_start'].isoformat()} 至 {insurance['period_end'].isoformat()}"
              if insurance else "")
    flags = "；".join(f["name"] + (f"（{f['detail']}）" if f["detail"] else "") for f in item["flags"])
    totals = item["totals"]
    return [item["unit_name"], item["cadre_name"], _postings(item), item["year"], totals["trips"],
            _money(totals["transport_yuan"]), _money(totals["living_yuan"]), _money(totals["phone_yuan"]),
            insurance.get("insurer", "未登记"), insurance.get("policy_no", ""), insurance.get("cover_yuan"),
            period, _health(item), flags]


def _sheet(workbook: Workbook, title: str, columns: list[tuple[str, int]]) -> Any:
    sheet = workbook.create_sheet(title)
    for index, (_, width) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.append([safe_cell(sheet, header, bold=True) for header, _ in columns])
    return sheet


def write_support_xlsx(items: Iterable[dict[str, Any]], out: IO[bytes]) -> int:
    """Write the workbook to `out`; returns the number of cadres."""
    workbook = Workbook(write_only=True)
    months = _sheet(workbook, "按月台账", MONTH_COLUMNS)
    years = _sheet(workbook, "年度汇总", YEAR_COLUMNS)
    cadres = month_rows = 0
    for item in items:
        for row in _month_rows(item):
            months.append([safe_cell(months, v) for v in row])
            month_rows += 1
        years.append([safe_cell(years, v) for v in _year_row(item)])
        cadres += 1
    months.auto_filter.ref = f"A1:{get_column_letter(len(MONTH_COLUMNS))}{month_rows + 1}"
    years.auto_filter.ref = f"A1:{get_column_letter(len(YEAR_COLUMNS))}{cadres + 1}"
    workbook.save(out)
    return cadres
