"""Field checks of the support ledger's commands: every bad field collected, each message naming
the field in Chinese (the roster's Problems, with the ledger's own field names)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from service.commands.roster.fields import Problems, today
from service.core.bounds import EARLIEST_YEAR, LATEST_YEAR
from service.core.money import yuan_problem
from service.core.text_limits import LONG_TEXT

LABELS = {
    "cadre_id": "干部", "cadre_ids": "参保干部", "year": "年度", "month": "月份", "insurer": "承保公司",
    "policy_no": "保单号", "cover_yuan": "保额（元）", "period_start": "保险起始日期",
    "period_end": "保险截止日期", "trip_date": "往返日期", "route": "往返路线", "amount_yuan": "金额（元）",
    "note": "备注", "kind": "补助类别", "done": "是否已体检", "check_date": "体检日期",
}
NOTE_MAX = LONG_TEXT
ROUTE_MAX = 200
INSURER_MAX = 200
POLICY_MAX = 64
COVER_MAX = 10**9  # yuan of cover: far above any policy, far below the column's range


def label(field: str) -> str:
    return LABELS.get(field, field)


class Fields(Problems):
    """Problems with the ledger's labels; each check returns the value, or None when refused."""

    def known(self, values: Mapping[str, Any], allowed: Iterable[str]) -> None:
        for name in sorted(set(values) - set(allowed)):
            self.add(name, f"未知字段 {name}。")

    def line(self, field: str, value: Any, limit: int, required: bool = True) -> str | None:
        return self.text(field, value, limit, required=required, title=label(field))

    def note(self, field: str, value: Any) -> str | None:
        """Free text that may run over lines; None when empty."""
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if not isinstance(value, str):
            self.add(field, f"{label(field)}须为文字。")
            return None
        if len(value) > NOTE_MAX:
            self.add(field, f"{label(field)}过长：最多 {NOTE_MAX} 字，现为 {len(value)} 字。")
            return None
        return value.strip()

    def whole(self, field: str, value: Any, low: int, high: int, unit: str = "") -> int | None:
        if value is None or value == "":
            self.add(field, f"{label(field)}不能为空。")
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.add(field, f"{label(field)}须为整数，现为“{value}”。")
            return None
        if not low <= value <= high:
            self.add(field, f"{label(field)}须在 {low} 至 {high}{unit} 之间，现为 {value}。")
            return None
        return value

    def year(self, field: str, value: Any) -> int | None:
        return self.whole(field, value, EARLIEST_YEAR, LATEST_YEAR, " 年")

    def month(self, field: str, value: Any) -> int | None:
        return self.whole(field, value, 1, 12, " 月")

    def date(self, field: str, value: Any, *, required: bool = True,
             not_after_today: bool = False) -> date | None:
        if value is None or value == "":
            if required:
                self.add(field, f"{label(field)}不能为空。")
            return None
        if not isinstance(value, date):
            self.add(field, f"{label(field)}须为日期（年-月-日）。")
            return None
        if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
            self.add(field, f"{label(field)}须在 {EARLIEST_YEAR} 至 {LATEST_YEAR} 年之间，"
                            f"现为 {value.isoformat()}。")
            return None
        if not_after_today and value > today():
            self.add(field, f"{label(field)}不能晚于今天（{today().isoformat()}），"
                            f"现为 {value.isoformat()}。")
            return None
        return value

    def money(self, field: str, value: Any, *, allow_zero: bool) -> int | None:
        """Fen of an amount in yuan."""
        fen, problem = yuan_problem(value, allow_zero=allow_zero)
        if problem:
            self.add(field, f"{label(field)}{problem}。")
        return fen

    def boolean(self, field: str, value: Any) -> bool | None:
        if not isinstance(value, bool):
            self.add(field, f"{label(field)}须为“是”或“否”。")
            return None
        return value
