"""Field checks shared by the roster commands: every bad field is collected, each message names
the field in Chinese, so a form or an Excel sheet can show all of them at once."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from service.config import get_settings
from service.core.clock import now
from service.core.errors import ValidationFailed

# Ids appear in URLs, file names and the change log: letters, digits and - _ . only, at most the
# column's 64 characters, starting with a letter or digit.
ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
ID_MAX = 64
NAME_MAX = 100  # an organisation's, a village's or a person's name
POST_MAX = 200  # 现任职务
REASON_MAX = 200
# Nobody in the roster was born before this; anything earlier is a typing error.
EARLIEST_BIRTH = date(1940, 1, 1)
# The earliest date any other roster fact may carry (参加工作, 入党, 任职).
EARLIEST_FACT = date(1950, 1, 1)
CONTROL = re.compile(r"[\x00-\x1f\x7f]")

LABELS = {
    "id": "编号", "name": "名称", "township_id": "所属乡镇", "categories": "村类别",
    "level": "单位层级", "unit_kind": "单位性质", "unit_id": "所在单位", "party_status": "政治面貌",
    "party_member_since": "入党时间", "party_confirmed_on": "转正时间", "work_start_date": "参加工作时间",
    "employment_type": "用人性质", "birth_date": "出生日期", "post": "现任职务",
    "rural_expertise": "农村工作经历或农业专长", "cadre_id": "干部", "village_id": "村", "role": "岗位",
    "term_start": "任职开始日期", "planned_end": "计划任期届满日期", "supplier_id": "选派单位",
    "leads_team": "兼任工作队队长", "ended_on": "任职结束日期", "reason": "结束原因",
    "transferred_in_on": "党组织关系转入日期", "transferred_in_org": "接收党组织（转入）",
    "transferred_out_on": "党组织关系转回日期", "transferred_out_org": "接收党组织（转回）",
}


def label(field: str) -> str:
    return LABELS.get(field, field)


def today() -> date:
    """The county's calendar date (Beijing time), from the injectable clock."""
    return now().astimezone(get_settings().tz).date()


class Problems:
    """Collects field -> Chinese messages; raise_if_any() turns them into one 422."""

    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.errors.setdefault(field, []).append(message)

    def has(self, field: str) -> bool:
        return field in self.errors

    def unknown_fields(self, values: Mapping[str, Any], allowed: Iterable[str]) -> None:
        for name in sorted(set(values) - set(allowed)):
            self.add(name, f"未知字段 {name}：名册中没有这一项。")

    def identifier(self, field: str, value: Any, required: bool = True) -> str | None:
        if value is None or value == "":
            if required:
                self.add(field, f"{label(field)}不能为空。")
            return None
        if not isinstance(value, str):
            self.add(field, f"{label(field)}须为文字。")
            return None
        if len(value) > ID_MAX:
            self.add(field, f"{label(field)}过长：最多 {ID_MAX} 个字符，现为 {len(value)} 个。")
        elif not ID_PATTERN.fullmatch(value):
            self.add(field, f"{label(field)}只能由字母、数字和 - _ . 组成，且以字母或数字开头，"
                            f"现为“{value}”。")
        return value

    def text(self, field: str, value: Any, limit: int, required: bool = True,
             title: str | None = None) -> str | None:
        title = title or label(field)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.add(field, f"{title}不能为空。")
            return None
        if not isinstance(value, str):
            self.add(field, f"{title}须为文字。")
            return None
        if len(value) > limit:
            self.add(field, f"{title}过长：最多 {limit} 字，现为 {len(value)} 字。")
        elif CONTROL.search(value) or value != value.strip():
            self.add(field, f"{title}不能含换行、制表等控制字符或首尾空格。")
        return value

    def code(self, field: str, value: Any, names: Mapping[str, str], required: bool = True) -> str | None:
        if value is None or value == "":
            if required:
                self.add(field, f"{label(field)}不能为空。")
            return None
        if value not in names:
            self.add(field, f"{label(field)}“{value}”不是可选值：可选 {'、'.join(names.values())}"
                            f"（{' | '.join(names)}）。")
            return None
        return str(value)

    def day(self, field: str, value: Any, earliest: date, latest: date,
            required: bool = False) -> date | None:
        if value is None:
            if required:
                self.add(field, f"{label(field)}不能为空。")
            return None
        if not isinstance(value, date):
            self.add(field, f"{label(field)}须为日期（年-月-日）。")
            return None
        if value < earliest:
            self.add(field, f"{label(field)}不能早于 {earliest.isoformat()}，现为 {value.isoformat()}。")
            return None
        if value > latest:
            bound = f"今天（{latest.isoformat()}）" if latest == today() else f" {latest.isoformat()}"
            self.add(field, f"{label(field)}不能晚于{bound}，现为 {value.isoformat()}。")
            return None
        return value

    def flag(self, field: str, value: Any) -> bool | None:
        if value is None:
            return None
        if not isinstance(value, bool):
            self.add(field, f"{label(field)}须为“是”或“否”。")
            return None
        return value

    def raise_if_any(self, what: str) -> None:
        if self.errors:
            raise refusal(what, self.errors)


def refusal(what: str, errors: Mapping[str, list[str]]) -> ValidationFailed:
    first = next(iter(errors.values()))[0]
    more = f"（另有 {sum(len(v) for v in errors.values()) - 1} 处问题）" if sum(
        len(v) for v in errors.values()) > 1 else ""
    return ValidationFailed(f"{what}未通过校验：{first}{more}", errors=errors)


def years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)
