"""Eligibility, reason and term rules of domain.md (usable by the sandbox and by service/).

Violations block; warnings inform. Each is {rule, field, message}: a stable English rule code
for programs and a Chinese message for people.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

ROLES = ("first_secretary", "team_member")
REASONS = {
    "health": "身体健康原因", "post_change": "岗位调整", "family_hardship": "家庭特殊困难", "other": "其他",
}
FORMAL_PARTY = "formal"
TEMPORARY = "temporary"
YOUNG_AGE_LIMIT = 40  # "young" for the team-member preference; a warning threshold, not a rule
TERM_YEARS = 2
PROBATION_YEARS = 1  # 预备期: a member is confirmed (转正) one year after joining, by statute
# Village categories (二、帮扶安排): only these two get a work team besides the first secretary;
# the first secretary of a 软弱涣散村 or 红色名村 comes from a county-level unit.
WORK_TEAM_CATEGORIES = frozenset({"poverty_alleviated", "key_assistance"})
COUNTY_LEVEL_CATEGORIES = frozenset({"weak_party_org", "red_village"})
TOWNSHIP = "township"  # the org kind of a township supplying team members (驻村工作队员由乡镇补齐)
DISPATCH_UNIT = "dispatch_unit"  # the org kind of a dispatch unit (派出单位)

Violation = dict[str, str]


def violation(rule: str, field_name: str, message: str) -> Violation:
    return {"rule": rule, "field": field_name, "message": message}


@dataclass
class Eligibility:
    eligible: bool
    violations: list[Violation] = field(default_factory=list)
    warnings: list[Violation] = field(default_factory=list)


def as_date(value: Any) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def full_years_between(start: date, end: date) -> int:
    years = end.year - start.year
    if (end.month, end.day) < (start.month, start.day):
        years -= 1
    return years


def add_years(start: date, years: int) -> date:
    """The same day `years` later; 29 February becomes 28 February in a common year."""
    try:
        return start.replace(year=start.year + years)
    except ValueError:
        return start.replace(year=start.year + years, day=28)


def planned_term_end(term_start: Any, planned_end: Any) -> date | None:
    """The posting's planned end, else the statutory 2 years after its start.

    Only a posting recorded without a planned end reaches the fallback (every new one gets
    default_planned_end). The fallback stays the anniversary: recorded rule checks of the
    replacement process are replayed with this function, so moving it by a day could change a
    replayed result and break the audit of an instance checked before."""
    planned = as_date(planned_end)
    if planned is not None:
        return planned
    start = as_date(term_start)
    return add_years(start, TERM_YEARS) if start is not None else None


def party_standing_start(facts: Mapping[str, Any]) -> tuple[date | None, bool]:
    """When Party standing (党龄) starts: the confirmation (转正), not joining; the probationary
    year does not count. Without a recorded confirmation: joining + the statutory probation, and
    the second value says so (the caller warns that 转正时间 is missing)."""
    confirmed = as_date(facts.get("party_confirmed_on"))
    if confirmed is not None:
        return confirmed, False
    since = as_date(facts.get("party_member_since"))
    return (add_years(since, PROBATION_YEARS) if since is not None else None), True


def nominee_eligibility(facts: Mapping[str, Any] | None, role: str | None, on_date: Any) -> Eligibility:
    facts = facts or {}
    ref = as_date(on_date)
    violations: list[Violation] = []
    warnings: list[Violation] = []
    if role not in ROLES:
        violations.append(violation("invalid_role", "role", f"未知的驻村岗位: {role!r}"))
        return Eligibility(False, violations, warnings)
    if ref is None:
        violations.append(violation("invalid_date", "effective_date", "缺少或无效的参考日期"))
        return Eligibility(False, violations, warnings)

    if facts.get("employment_type") == TEMPORARY:
        violations.append(temporary_staff_violation())

    party_status = facts.get("party_status")
    work_start = as_date(facts.get("work_start_date"))
    is_formal = party_status == FORMAL_PARTY
    if role == "first_secretary":
        if not is_formal:
            # A probationary member or a non-member has no standing at all: this one reason says it.
            violations.append(violation("nominee_not_formal_party_member", "nominee_facts.party_status",
                                        "驻村第一书记须为中共正式党员"))
        else:
            standing_from, estimated = party_standing_start(facts)
            if estimated:
                warnings.append(violation(
                    "nominee_party_confirmed_on_missing", "nominee_facts.party_confirmed_on",
                    "未登记转正时间，党龄按入党时间加 1 年预备期推算，请补录转正时间"))
            if standing_from is None or full_years_between(standing_from, ref) < 1:
                violations.append(violation("nominee_party_standing_under_1_year",
                                            "nominee_facts.party_confirmed_on",
                                            "党龄须满 1 年（自转正之日起算，预备期不计入）"))
        if work_start is None or full_years_between(work_start, ref) < 2:
            violations.append(violation("nominee_work_experience_under_2_years",
                                        "nominee_facts.work_start_date", "工作经历须满 2 年"))
    else:
        # Team members: young Party members are preferred, which is advice, not a block.
        if not is_formal:
            warnings.append(violation("team_member_not_party_member", "nominee_facts.party_status",
                                      "驻村工作队员宜优先选派党员"))
        birth = as_date(facts.get("birth_date"))
        if birth is not None and full_years_between(birth, ref) >= YOUNG_AGE_LIMIT:
            warnings.append(violation("team_member_not_young", "nominee_facts.birth_date",
                                      "驻村工作队员宜优先选派年轻干部"))
    return Eligibility(not violations, violations, warnings)


def reason_violations(reason: Any, justification: Any) -> list[Violation]:
    if reason not in REASONS:
        return [violation("invalid_reason", "reason",
                          "调整原因须为：身体健康原因、岗位调整、家庭特殊困难或其他")]
    if reason == "other" and not str(justification or "").strip():
        return [violation("justification_required", "justification", "原因为“其他”时须填写具体理由")]
    return []


def term_violations(term_start: Any, effective_date: Any, reason: Any,
                    planned_end: Any = None) -> list[Violation]:
    """A change before the term's planned end is a mid-term change, allowed only with a valid
    reason; a change on or after it is the term-end rotation (期满轮换), which is a dispatch with
    a predecessor, not a mid-term replacement."""
    start, eff = as_date(term_start), as_date(effective_date)
    if start is None:
        return [violation("invalid_term_start", "term_start", "缺少或无效的任期开始日期")]
    if eff is None:
        return [violation("invalid_date", "effective_date", "缺少或无效的生效日期")]
    if eff < start:
        return [violation("effective_before_term_start", "effective_date", "生效日期早于任期开始日期")]
    end = planned_term_end(start, planned_end)
    if end is not None and eff >= end:
        return [violation("term_ended_use_rotation", "effective_date",
                          f"生效日期已到任期届满日（{end.isoformat()}），属于期满轮换，"
                          "请通过选派流程办理期满轮换，不作中途调整")]
    if reason not in REASONS:
        return [violation("mid_term_change_without_reason", "reason",
                          "任期未满 2 年原则上不得中途调整，须说明调整原因")]
    return []


def village_categories_of(data: Mapping[str, Any]) -> list[str]:
    """`village_categories` of process data, else the single `village_category` (older data)."""
    given = data.get("village_categories")
    if isinstance(given, list | tuple) and given:
        return [str(c) for c in given]
    main = data.get("village_category")
    return [str(main)] if main else []


# The codes of the placement rules (who may be posted where, with which term): the dispatch
# process, the replacement and the roster report these, with the same Chinese messages.
PLACEMENT_RULES = frozenset({
    "village_category_missing", "team_member_not_for_village_category",
    "first_secretary_not_from_dispatch_unit", "first_secretary_not_county_level",
    "team_member_not_from_unit_or_own_township", "nominee_temporary_staff",
    "planned_term_under_2_years", "leads_team_not_allowed",
})


def temporary_staff_violation() -> Violation:
    # No hand-down: temporary staff may never be sent, whatever the role.
    return violation("nominee_temporary_staff", "nominee_facts.employment_type",
                     "派出单位不得选派临聘人员驻村")


def _quoted(name: Any, otherwise: str) -> str:
    return f"“{name}”" if name else otherwise


def placement_violations(categories: Any, role: Any, facts: Mapping[str, Any] | None, *,
                         township_id: Any = None, village_name: Any = None) -> list[Violation]:
    """Who may be sent to a village of these categories in this role (二、帮扶安排).

    A 软弱涣散村 or 红色名村 that is not also a 脱贫村 / 重点帮扶村 gets a first secretary only. The
    first secretary comes from a dispatch unit (never a township, which only supplies team
    members of its own villages) and, for a village that is a 软弱涣散村 or 红色名村 at all, from a
    county-level one: the seed's "由县级选派" names the category, whatever other category the
    village carries. `facts` are the nominee's (nominee_facts): supplier_id/kind/level/name, the
    employment type. An unknown supplier (no supplier_kind) is the caller's to refuse.
    """
    cats = set(categories or [])
    facts = facts or {}
    village = _quoted(village_name, "该村")
    supplier = _quoted(facts.get("supplier_name") or facts.get("supplier_id"), "其所在单位")
    kind = facts.get("supplier_kind")
    out: list[Violation] = []
    if facts.get("employment_type") == TEMPORARY:
        out.append(temporary_staff_violation())
    if role == "team_member":
        if not cats & WORK_TEAM_CATEGORIES:
            out.append(violation("team_member_not_for_village_category", "role",
                                 f"{village}的类别不派驻工作队，只能安排驻村第一书记（只有“十三五”脱贫村和"
                                 "“十四五”重点帮扶村派驻工作队，党组织软弱涣散村、红色名村只选派第一书记）。"))
        if kind is not None and kind != DISPATCH_UNIT and (
                township_id is None or facts.get("supplier_id") != township_id):
            out.append(violation("team_member_not_from_unit_or_own_township", "nominee_facts.supplier_id",
                                 f"驻村工作队员须由派出单位或该村所在乡镇选派，{supplier}不是。"))
    if role == "first_secretary":
        if kind is not None and kind != DISPATCH_UNIT:
            out.append(violation("first_secretary_not_from_dispatch_unit", "nominee_facts.supplier_kind",
                                 f"驻村第一书记须由派出单位选派，{supplier}不是派出单位"
                                 "（乡镇只补齐驻村工作队员）。"))
        elif cats & COUNTY_LEVEL_CATEGORIES and facts.get("supplier_level") != "county":
            out.append(violation("first_secretary_not_county_level", "nominee_facts.supplier_level",
                                 f"{village}的第一书记须由县级单位选派（党组织软弱涣散村、红色名村），"
                                 f"{supplier}不是县级单位。"))
    return out


def posting_violations(data: Mapping[str, Any]) -> list[Violation]:
    """Every placement rule of a new posting, for the dispatch process and the roster alike.

    `data` has the shape of dispatch process data: role, village_categories (or
    village_category), village_name, township_id, nominee_facts, term_start, planned_end (none:
    the statutory default) and leads_team. Who else is posted (one active first secretary per
    village, one active posting per cadre) needs the database: the service checks that."""
    role = data.get("role")
    categories = village_categories_of(data)
    out: list[Violation] = []
    if not categories:
        out.append(violation("village_category_missing", "village_id", "该村未登记类别，无法确定选派岗位。"))
    out += placement_violations(categories, role, data.get("nominee_facts"),
                                township_id=data.get("township_id"), village_name=data.get("village_name"))
    start = as_date(data.get("term_start"))
    if start is not None:
        end = planned_term_end(start, data.get("planned_end"))
        earliest = minimum_term_end(start)
        if end is None or end < earliest:
            out.append(violation("planned_term_under_2_years", "planned_end",
                                 f"计划任期届满日期须不早于 {earliest.isoformat()}"
                                 f"（任期至少 {TERM_YEARS} 年，自 {start.isoformat()} 起，首尾两日都算）。"))
    if data.get("leads_team") and (role != "first_secretary" or not set(categories) & WORK_TEAM_CATEGORIES):
        out.append(violation("leads_team_not_allowed", "leads_team",
                             "只有驻村第一书记可以兼任工作队队长，且该村须派驻工作队"
                             "（“十三五”脱贫村或“十四五”重点帮扶村）。"))
    return out


def check_adjustment(data: Mapping[str, Any]) -> list[Violation]:
    """All blocking rules of a mid-term replacement request (used by the `check_rules` script)."""
    out: list[Violation] = []
    role = data.get("role")
    out += reason_violations(data.get("reason"), data.get("justification"))
    out += term_violations(data.get("term_start"), data.get("effective_date"), data.get("reason"),
                           data.get("planned_end"))
    if data.get("nominee_id") and data.get("nominee_id") == data.get("cadre_id"):
        out.append(violation("nominee_same_as_cadre", "nominee_id", "接任人选不能是被调整干部本人"))
    if not data.get("nominee_id"):
        out.append(violation("nominee_required", "nominee_id", "须提名接任人选"))
    out += check_nominee(data.get("nominee_facts"), role, data.get("effective_date"))
    out += placement_violations(village_categories_of(data), role, data.get("nominee_facts"),
                                township_id=data.get("township_id"), village_name=data.get("village_name"))
    return _dedupe(out)


def minimum_term_end(term_start: date) -> date:
    """The earliest planned end of a term of at least 2 years: its last day, 2 years on less a day
    (a term from 2025-03-01 may end on 2027-02-28)."""
    return date.fromordinal(add_years(term_start, TERM_YEARS).toordinal() - 1)


def default_planned_end(term_start: date) -> date:
    """The planned end of a posting when nobody gives one, for every path that makes a posting
    (the roster, its Excel import, a dispatch): the statutory term exactly, both ends counted
    (from 2027-03-01 to 2029-02-28), as a round's term is written."""
    return minimum_term_end(term_start)


def check_dispatch(data: Mapping[str, Any]) -> list[Violation]:
    """All blocking rules of a dispatch (选派) or term-end rotation (期满轮换); used by the
    `check_rules` script of `dispatch` and by the service before it starts one.

    A rotation (`predecessor_cadre_id` set) needs no mid-term reason: the term has ended."""
    out: list[Violation] = []
    role = data.get("role")
    cadre_id = data.get("cadre_id")
    if not cadre_id:
        out.append(violation("cadre_required", "cadre_id", "须选定拟选派的干部"))
    if as_date(data.get("term_start")) is None:
        out.append(violation("invalid_term_start", "term_start", "缺少或无效的任期开始日期"))
    predecessor = data.get("predecessor_cadre_id")
    if predecessor and predecessor == cadre_id:
        out.append(violation("predecessor_same_as_cadre", "predecessor_cadre_id",
                             "轮换接任人选不能是期满干部本人"))
    out += check_nominee(data.get("nominee_facts"), role, data.get("term_start"))
    out += posting_violations(data)
    return _dedupe(out)


def dispatch_warnings(data: Mapping[str, Any]) -> list[Violation]:
    """Preferences of the selection (选派条件) that inform, not block: rural work experience or
    agricultural expertise, and the team members' young Party members."""
    facts = data.get("nominee_facts") or {}
    out = list(nominee_eligibility(facts, data.get("role"), data.get("term_start")).warnings)
    if not facts.get("rural_expertise"):
        out.append(violation("nominee_no_rural_expertise", "nominee_facts.rural_expertise",
                             "宜优先选派有农村工作经验或涉农方面专业技术特长的干部"))
    return out


def check_nominee(facts: Mapping[str, Any] | None, role: str | None, on_date: Any) -> list[Violation]:
    return nominee_eligibility(facts, role, on_date).violations


def _dedupe(items: list[Violation]) -> list[Violation]:
    seen: set[tuple[str, str]] = set()
    out = []
    for v in items:
        key = (v["rule"], v["field"])
        if key not in seen:
            seen.add(key)
            out.append(v)
    return out


# --- dispatch unit duties, first version of unit_duties ----------------------------------------
# The rules the first unit_duties definition calls (work funds per unit, insurance asked of the
# unit). Its instances, running or done, keep calling them: their scripts name these helpers and
# their replay must reach the results they recorded, so they stay exactly as they were. New
# definitions call workflows/duty_rules.py (funds per stationed village, insurance left to the
# county, floors the seed fixes).
DUTY_THRESHOLD_DEFAULTS: dict[str, int | bool] = {
    "main_leader_reports_per_half_year": 1,
    "main_leader_visits_per_year": 1,
    "deputy_visits_per_half_year": 1,
    "funds_per_year_yuan": 10000,
    "insurance_required": True,
}
DUTY_PERIODS = {"first_half": "上半年", "second_half": "下半年"}
DUTY_COUNTS = {"main_leader_reports": "主要领导听取汇报次数", "main_leader_visits": "主要领导到村调研次数",
               "deputy_visits": "分管领导到村调研次数", "funds_yuan": "拨付驻村工作经费（元）"}


def unit_duty_thresholds(values: Mapping[str, Any]) -> dict[str, int | bool]:
    """The thresholds of one unit's year, checked once at the start (ValueError names the figure)."""
    out: dict[str, int | bool] = {}
    for name, default in DUTY_THRESHOLD_DEFAULTS.items():
        value = values.get(name, default)
        if isinstance(default, bool):
            if not isinstance(value, bool):
                raise ValueError(f"责任标准 {name} 须为布尔值: {value!r}")
        elif isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError(f"责任标准 {name} 须为非负整数: {value!r}")
        out[name] = value
    return out


def check_unit_duties(report: Mapping[str, Any], thresholds: Mapping[str, Any], period: str,
                      first_half: Mapping[str, Any] | None = None) -> list[Violation]:
    """Shortfalls of a dispatch unit's half-year report against its duties.

    Half-year duties (main leader's work reports, deputy leader's visits) are checked in each
    period; yearly ones (main leader's visits, work funds, accident insurance) at the second
    half-year, on the sum of both reports (`first_half` is the first one's report).
    """
    if period not in DUTY_PERIODS:
        raise ValueError(f"未知的考核期 {period!r}")
    label = DUTY_PERIODS[period]
    out: list[Violation] = []
    for name, name_zh in DUTY_COUNTS.items():
        value = report.get(name)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            out.append(violation("duty_report_invalid", name, f"{label}报告的“{name_zh}”须为非负整数"))
    if out:
        return out

    def short(rule: str, field_name: str, done: int, needed: int, text: str) -> None:
        if done < needed:
            out.append(violation(rule, field_name, f"{text} {done} 次，少于规定的 {needed} 次"))

    short("duty_main_leader_reports", "main_leader_reports", report["main_leader_reports"],
          thresholds["main_leader_reports_per_half_year"], f"{label}主要领导听取驻村帮扶工作汇报")
    short("duty_deputy_visits", "deputy_visits", report["deputy_visits"],
          thresholds["deputy_visits_per_half_year"], f"{label}分管领导到村调研")
    if period == "second_half":
        earlier = first_half or {}
        visits = report["main_leader_visits"] + int(earlier.get("main_leader_visits") or 0)
        short("duty_main_leader_visits", "main_leader_visits", visits,
              thresholds["main_leader_visits_per_year"], "全年主要领导到村调研")
        funds = report["funds_yuan"] + int(earlier.get("funds_yuan") or 0)
        needed = thresholds["funds_per_year_yuan"]
        if funds < needed:
            out.append(violation("duty_work_funds", "funds_yuan",
                                 f"全年驻村工作经费 {funds} 元，少于规定的 {needed} 元"))
        insured = bool(report.get("insurance_done")) or bool(earlier.get("insurance_done"))
        if thresholds["insurance_required"] and not insured:
            out.append(violation("duty_accident_insurance", "insurance_done",
                                 "全年未为驻村干部办理人身意外伤害保险"))
    return out
