"""The dispatch unit's yearly duties (domain rules 9 and 12) as unit_duties checks them.

The seed (三（一）, 三（二）, 四（二）) fixes some figures and leaves others as "X". Each figure is a
standard with a default; the service overrides the defaults from CADREFLOW_DUTY_* and the process
carries the values as start data. A figure the seed fixes may be raised, never lowered below the
seed's number; an "X" figure is at least 1 (the seed asks for the duty, only its size is open).

Work funds are owed per stationed village: 驻村第一书记派驻单位每年安排不少于1万元的驻村工作经费
(主要用于驻村第一书记和驻村工作队办公经费开支) — a unit with two first-secretary villages owes two
sums. Which villages those are the service reads from the postings and hands to the check with
the report (`villages`). Accident insurance is not the unit's duty: the county buys it
(县级统一办理), and the support ledger keeps it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeGuard

from workflows.rules import Violation, violation


@dataclass(frozen=True)
class Standard:
    label: str  # what the figure counts, in the seed's words
    default: int
    floor: int  # the lowest value a setting may give it
    seed_fixed: bool  # the seed writes the number itself (else "X")
    unit: str  # 次 or 元


DUTY_STANDARDS: dict[str, Standard] = {
    "main_leader_reports_per_half_year":
        Standard("主要领导每半年听取驻村帮扶工作汇报次数", 1, 1, False, "次"),
    "main_leader_visits_per_year": Standard("主要领导每年到村调研次数", 1, 1, False, "次"),
    "deputy_visits_per_half_year": Standard("分管领导每半年到村调研次数", 1, 1, True, "次"),
    "work_funds_per_village_yuan":
        Standard("每个驻村第一书记所在村每年驻村工作经费", 10000, 10000, True, "元"),
    "assistance_funds_per_year_yuan": Standard("每年对驻村帮扶村的帮扶资金", 50000, 1, False, "元"),
    "product_purchase_per_year_yuan": Standard("其中每年认购扶贫产品资金", 10000, 1, False, "元"),
}
DUTY_STANDARD_DEFAULTS: dict[str, int] = {name: s.default for name, s in DUTY_STANDARDS.items()}
# 制定3年定点帮扶工作计划: the plan spans at least this many years, the duty year among them.
PLAN_YEARS = 3

PERIODS = {"first_half": "上半年", "second_half": "下半年"}
# The figures of each half-year's report, whole numbers of times or yuan.
REPORT_NUMBERS = {
    "main_leader_reports": "主要领导听取汇报次数", "main_leader_visits": "主要领导到村调研次数",
    "deputy_visits": "分管领导到村调研次数", "funds_yuan": "拨付驻村工作经费（元）",
    "assistance_funds_yuan": "帮扶资金（元）", "product_purchase_yuan": "认购扶贫产品资金（元）",
}
# The first half-year's report also gives the unit's 3-year plan (帮扶工作计划).
PLAN_FIELDS = {"plan_start_year": "帮扶工作计划起始年度", "plan_end_year": "帮扶工作计划截止年度",
               "plan_content": "帮扶工作计划主要内容"}


def standard_problem(name: str, value: Any) -> str | None:
    """Why `value` cannot be the standard `name` (None: it can). Shared by the settings and the
    process, so neither accepts what the other refuses."""
    standard = DUTY_STANDARDS.get(name)
    if standard is None:
        return f"未知的帮扶责任标准 {name}"
    if isinstance(value, bool) or not isinstance(value, int):
        return f"“{standard.label}”须为整数，现为 {value!r}"
    if value < standard.floor:
        if standard.seed_fixed:
            return (f"“{standard.label}”不能低于驻村帮扶工作方案规定的 {standard.floor} {standard.unit}，"
                    f"现为 {value}")
        return f"“{standard.label}”至少为 {standard.floor} {standard.unit}，现为 {value}"
    return None


def unit_duty_standards(values: Mapping[str, Any]) -> dict[str, int]:
    """The standards of one unit's year, checked once at the start (ValueError names the figure)."""
    out: dict[str, int] = {}
    for name in DUTY_STANDARDS:
        value = values.get(name, DUTY_STANDARDS[name].default)
        problem = standard_problem(name, value)
        if problem:
            raise ValueError(f"帮扶责任标准 {name}: {problem}")
        out[name] = value
    purchase_problem = purchase_within_funds(out)
    if purchase_problem:
        raise ValueError(f"帮扶责任标准 product_purchase_per_year_yuan: {purchase_problem}")
    return out


def purchase_within_funds(standards: Mapping[str, int]) -> str | None:
    """认购扶贫产品资金 is part of (其中) the assistance funds: its standard cannot exceed theirs."""
    purchase = standards["product_purchase_per_year_yuan"]
    funds = standards["assistance_funds_per_year_yuan"]
    if purchase > funds:
        return f"认购扶贫产品资金（{purchase} 元）是帮扶资金的一部分，不能多于帮扶资金标准（{funds} 元）"
    return None


def _village_names(villages: Sequence[Mapping[str, Any]]) -> str:
    return "、".join(str(v.get("village_name") or v.get("village_id")) for v in villages)


def _invalid_numbers(report: Mapping[str, Any], label: str) -> list[Violation]:
    out = []
    for name, name_zh in REPORT_NUMBERS.items():
        value = report.get(name)
        if not _whole(value) or value < 0:
            out.append(violation("duty_report_invalid", name, f"{label}报告的“{name_zh}”须为非负整数"))
    if not out and report["product_purchase_yuan"] > report["assistance_funds_yuan"]:
        out.append(violation("duty_report_invalid", "product_purchase_yuan",
                             f"{label}报告的认购扶贫产品资金（{report['product_purchase_yuan']} 元）"
                             f"是帮扶资金的一部分，不能多于帮扶资金（{report['assistance_funds_yuan']} 元）"))
    return out


def _whole(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _plan_violations(report: Mapping[str, Any], year: int) -> list[Violation]:
    start, end, content = (report.get(k) for k in PLAN_FIELDS)
    if not (_whole(start) and _whole(end) and isinstance(content, str) and content.strip()):
        return [violation("duty_plan_missing", "plan_content", "未报送帮扶工作计划（起止年度和主要内容）")]
    if end < start:
        return [violation("duty_plan_invalid", "plan_end_year",
                          f"帮扶工作计划截止年度（{end}）早于起始年度（{start}）")]
    out = []
    if end - start + 1 < PLAN_YEARS:
        out.append(violation("duty_plan_years", "plan_end_year",
                             f"帮扶工作计划为 {start}—{end} 年，共 {end - start + 1} 年，"
                             f"须制定 {PLAN_YEARS} 年定点帮扶工作计划"))
    if not start <= year <= end:
        out.append(violation("duty_plan_not_current", "plan_start_year",
                             f"帮扶工作计划（{start}—{end} 年）未覆盖 {year} 年度"))
    return out


def check_duty_report(report: Mapping[str, Any], standards: Mapping[str, int], period: str, year: int,
                      villages: Sequence[Mapping[str, Any]],
                      first_half: Mapping[str, Any] | None = None) -> list[Violation]:
    """Shortfalls of a unit's half-year report against its duties.

    Each half-year: the main leader's work reports and the deputy leader's visits; the first
    half-year also the 3-year plan. At the second half-year, on the sum of both reports
    (`first_half` is the first one's): the main leader's visits, the work funds (the per-village
    standard times the unit's first-secretary villages of the year, `villages`), the assistance
    funds and the product purchases.
    """
    if period not in PERIODS:
        raise ValueError(f"未知的考核期 {period!r}")
    label = PERIODS[period]
    out = _invalid_numbers(report, label)
    if out:
        return out

    def short(rule: str, field_name: str, done: int, needed: int, text: str, unit: str = "次") -> None:
        if done < needed:
            out.append(violation(rule, field_name, f"{text} {done} {unit}，少于规定的 {needed} {unit}"))

    short("duty_main_leader_reports", "main_leader_reports", report["main_leader_reports"],
          standards["main_leader_reports_per_half_year"], f"{label}主要领导听取驻村帮扶工作汇报")
    short("duty_deputy_visits", "deputy_visits", report["deputy_visits"],
          standards["deputy_visits_per_half_year"], f"{label}分管领导到村调研")
    if period == "first_half":
        out += _plan_violations(report, year)
        return out

    earlier = first_half or {}

    def total(name: str) -> int:
        return int(report[name]) + int(earlier.get(name) or 0)

    short("duty_main_leader_visits", "main_leader_visits", total("main_leader_visits"),
          standards["main_leader_visits_per_year"], "全年主要领导到村调研")
    per_village = standards["work_funds_per_village_yuan"]
    funds, needed = total("funds_yuan"), per_village * len(villages)
    if funds < needed:
        out.append(violation(
            "duty_work_funds", "funds_yuan",
            f"全年驻村工作经费 {funds} 元，少于规定的 {needed} 元（本单位 {len(villages)} 个驻村第一书记"
            f"所在村：{_village_names(villages)}，每村每年不少于 {per_village} 元）"))
    short("duty_assistance_funds", "assistance_funds_yuan", total("assistance_funds_yuan"),
          standards["assistance_funds_per_year_yuan"], "全年对驻村帮扶村的帮扶资金", "元")
    short("duty_product_purchase", "product_purchase_yuan", total("product_purchase_yuan"),
          standards["product_purchase_per_year_yuan"], "全年认购扶贫产品资金", "元")
    return out
