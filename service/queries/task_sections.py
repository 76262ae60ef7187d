"""What a task page shows its holder: the things this step decides on, as sections to read.

The one place that says which recorded facts each step shows (STEP_FOCUS) and how each kind of
case lays them out (PROCESS_SECTIONS). Every section a case has recorded is shown; the ones the
step decides on come first and are marked `focus`. Used by the task page and the API's task
detail (`sections`). Values are text for people: Chinese names, dates, Beijing times.

A section is {"id", "title", "kind", "focus", ...}:
* kind "facts": "rows" = [{"label", "value"}], value a text or a list of texts;
* kind "table": "columns" = [header, ...], "rows" = [[cell, ...], ...].
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from service.config import get_settings
from service.core.labels import (
    ASSESSMENT_GRADE_NAMES,
    EMPLOYMENT_NAMES,
    LEAVE_TYPE_NAMES,
    PARTY_NAMES,
    POSTING_ROLE_NAMES,
    RECALL_SOURCE_NAMES,
    VILLAGE_CATEGORY_NAMES,
)
from service.persistence.db import db
from service.persistence.models import (
    GRANTED_STATES,
    AssessmentRound,
    HumanTask,
    LeaveRequest,
    ProcessDefinition,
    ProcessInstance,
)
from service.persistence.runtime import definition_of
from service.queries.assessments.quota import excellent_quota
from service.queries.duty_villages import first_secretary_villages
from service.queries.presence import year_of as presence_year
from workflows.duty_rules import PLAN_YEARS
from workflows.rules import REASONS, nominee_eligibility

Section = dict[str, Any]

# The handover list's items, in the order the old cadre fills them in (the BPMN form's ids).
HANDOVER_ITEMS = ("village_situation", "household_situation", "policy_situation", "open_projects", "funds",
                  "archives")
# A duty report's figures in form order; a report shows those it has (the first unit_duties
# version asked for insurance_done, later ones for the funds and the plan).
DUTY_ITEMS = ("main_leader_reports", "main_leader_visits", "deputy_visits", "funds_yuan",
              "assistance_funds_yuan", "product_purchase_yuan", "plan_start_year", "plan_end_year",
              "plan_content", "insurance_done")

# What each step decides on: these sections come first, marked as the step's basis.
STEP_FOCUS: dict[tuple[str, str], tuple[str, ...]] = {
    ("mid_term_replacement", "township_consent"): ("request",),
    ("mid_term_replacement", "county_consent"): ("request", "opinions"),
    ("mid_term_replacement", "org_dept_filing"): ("request", "opinions"),
    ("mid_term_replacement", "rrb_filing"): ("request", "opinions"),
    ("mid_term_replacement", "revise_request"): ("opinions", "request"),
    ("dispatch", "township_consent"): ("nomination",),
    ("dispatch", "county_consent"): ("nomination", "opinions"),
    ("dispatch", "org_dept_filing"): ("nomination", "opinions"),
    ("dispatch", "rrb_filing"): ("nomination", "opinions"),
    ("handover", "confirm_arrival"): ("parties",),
    ("handover", "prepare_handover_list"): ("parties", "opinions"),
    ("handover", "review_handover_list"): ("handover_list",),
    ("handover", "sign_old"): ("handover_list", "signatures"),
    ("handover", "sign_new"): ("handover_list", "signatures"),
    ("handover", "witness_handover"): ("signatures", "handover_list", "arrival"),
    ("handover", "transfer_party_relation"): ("arrival", "signatures"),
    ("handover", "transfer_party_relation_township"): ("arrival", "signatures"),
    ("recall", "verify_finding_org_dept"): ("case",),
    ("recall", "verify_finding_rrb"): ("case",),
    ("recall", "cadre_statement"): ("case", "opinions"),
    ("recall", "county_decision"): ("statement", "case", "opinions"),
    ("recall", "rectification"): ("opinions", "case"),
    ("recall", "rectification_township"): ("opinions", "case"),
    ("recall", "recheck_rectification_org_dept"): ("rectification", "statement"),
    ("recall", "recheck_rectification_rrb"): ("rectification", "statement"),
    ("recall", "record_accountability"): ("opinions", "statement", "case"),
    ("recall", "nominate_replacement"): ("accountability", "case"),
    ("recall", "nominate_replacement_township"): ("accountability", "case"),
    ("recall", "replacement_filing_org_dept"): ("replacement", "accountability"),
    ("recall", "replacement_filing_rrb"): ("replacement", "accountability"),
    ("unit_duties", "report_first_half"): ("duty_standards",),
    ("unit_duties", "report_second_half"): ("duty_standards", "duty_first_half"),
    ("leave", "township_approval"): ("leave",),
    ("leave", "county_approval"): ("leave", "opinions"),
    ("leave", "confirm_return"): ("leave",),
    ("assessment", "self_summary"): ("assessee", "opinions"),
    ("assessment", "township_evaluation"): ("summary", "assessee"),
    ("assessment", "township_supplier_opinion"): ("summary", "evaluations"),
    ("assessment", "unit_opinion"): ("summary", "evaluations"),
    ("assessment", "county_grade"): ("evaluations", "summary", "quota"),
    ("unit_duties", "rectify_first_half"): ("duty_first_half",),
    ("unit_duties", "rectify_second_half"): ("duty_second_half",),
}


class Case:
    """What the section builders read: the instance's data, its task rows and decisions so far."""

    def __init__(self, row: ProcessInstance, data: Mapping[str, Any], history: Sequence[Mapping[str, Any]]):
        self.row, self.data, self.history = row, data, history
        self.tasks = list(db.session.execute(sa.select(HumanTask).where(HumanTask.instance_id == row.id)
                                             .order_by(HumanTask.created_at, HumanTask.id)).scalars())
        definition = definition_of(db.session.get_one(ProcessDefinition, row.definition_id))
        self.labels: dict[str, str] = {}
        for spec in definition.spec.task_specs.values():
            for f in (getattr(spec, "extensions", None) or {}).get("formFields", []):
                self.labels.setdefault(f["id"], f.get("label") or f["id"])

    def text(self, key: str) -> str | None:
        value = self.data.get(key)
        return str(value).strip() or None if value not in (None, "") else None

    def decided(self, spec_id: str) -> Mapping[str, Any] | None:
        """The last decision taken on a step (its history entry), if any."""
        done = [h for h in self.history if h.get("kind") == "complete" and h.get("task_spec_id") == spec_id]
        return done[-1] if done else None

    def step_status(self, spec_id: str) -> str | None:
        rows = [t for t in self.tasks if t.spec_id == spec_id]
        return rows[-1].status if rows else None


def beijing(value: Any) -> str:
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, datetime):
        return value.astimezone(get_settings().tz).strftime("%Y-%m-%d %H:%M")
    return "" if value is None else str(value)


def facts(section_id: str, title: str, rows: Sequence[tuple[str, Any]]) -> Section | None:
    kept = [{"label": label, "value": value} for label, value in rows if value not in (None, "", [])]
    return {"id": section_id, "title": title, "kind": "facts", "rows": kept} if kept else None


def nominee_text(name: Any, nominee_facts: Mapping[str, Any] | None) -> str | None:
    if not name:
        return None
    f = nominee_facts or {}
    parts = [PARTY_NAMES.get(f.get("party_status") or "", f.get("party_status") or "—")]
    if f.get("party_member_since"):
        parts.append(f"入党 {f['party_member_since']}")
    if f.get("party_confirmed_on"):
        parts.append(f"转正 {f['party_confirmed_on']}")
    if f.get("work_start_date"):
        parts.append(f"参加工作 {f['work_start_date']}")
    if f.get("employment_type"):
        parts.append(EMPLOYMENT_NAMES.get(f["employment_type"], f["employment_type"]))
    return f"{name}（{'，'.join(parts)}）"


def eligibility_text(nominee_facts: Any, role: Any, on_date: Any) -> str | list[str] | None:
    if not nominee_facts or not role:
        return None
    result = nominee_eligibility(nominee_facts, role, on_date)
    if result.eligible and not result.warnings:
        return "符合条件"
    out = [] if not result.eligible else ["符合条件"]
    out += [f"不符合：{v['message']}" for v in result.violations]
    out += [f"提示：{v['message']}" for v in result.warnings]
    return out


def village_text(c: Case) -> str | None:
    name, category = c.data.get("village_name"), c.data.get("village_category")
    if not name:
        return None
    return f"{name}（{VILLAGE_CATEGORY_NAMES.get(category, category)}）" if category else str(name)


def role_text(c: Case) -> str | None:
    role = c.data.get("role")
    return POSTING_ROLE_NAMES.get(role, role) if role else None


# --- sections ----------------------------------------------------------------------------------

def request_section(c: Case) -> Section | None:
    d = c.data
    return facts("request", "调整申请", [
        ("被调整干部", d.get("cadre_name")), ("驻村", village_text(c)), ("岗位", role_text(c)),
        ("任期开始", d.get("term_start")),
        ("调整原因", REASONS.get(d.get("reason") or "", d.get("reason"))),
        ("具体理由", c.text("justification")),
        ("接任人选", nominee_text(d.get("nominee_name"), d.get("nominee_facts"))),
        ("任职资格（按生效日期）", eligibility_text(d.get("nominee_facts"), d.get("role"),
                                                 d.get("effective_date"))),
        ("生效日期", d.get("effective_date")),
        ("证明材料", list(d.get("evidence") or [])),
    ])


def nomination_section(c: Case) -> Section | None:
    d = c.data
    return facts("nomination", "选派提名", [
        ("驻村", village_text(c)), ("岗位", role_text(c)),
        ("提名人选", nominee_text(d.get("cadre_name"), d.get("nominee_facts"))),
        ("任职资格（按任期开始）", eligibility_text(d.get("nominee_facts"), d.get("role"),
                                                 d.get("term_start"))),
        ("任期", f"{d['term_start']} 至 {d['planned_end']}" if d.get("term_start") and d.get("planned_end")
         else None),
        ("期满轮换，接替", d.get("predecessor_name")),
        ("提名方", "乡镇（自行补齐工作队员）" if d.get("nominated_by_township") else None),
    ])


def parties_section(c: Case) -> Section | None:
    d = c.data
    return facts("parties", "交接双方", [
        ("驻村", village_text(c)), ("岗位", role_text(c)), ("原任干部", d.get("old_cadre_name")),
        ("新任干部", d.get("new_cadre_name")),
    ])


def arrival_section(c: Case) -> Section | None:
    return facts("arrival", "到岗与党组织关系", [
        ("新任干部到岗日期", c.data.get("arrival_date")),
        ("党组织关系转接日期", c.data.get("party_transfer_date")),
    ])


def handover_list_section(c: Case) -> Section | None:
    items = [(c.labels.get(k, k), c.text(k)) for k in HANDOVER_ITEMS]
    if not any(v for _, v in items):
        return None
    prepared = c.decided("prepare_handover_list")
    title = "交接清单"
    if prepared:
        title += f"（{prepared['actor']['name']} {beijing(prepared['at'])} 提交）"
    return {"id": "handover_list", "title": title, "kind": "table", "columns": ["事项", "交接内容"],
            "rows": [[label, value or "—"] for label, value in items]}


def signatures_section(c: Case) -> Section | None:
    if c.step_status("sign_old") is None and c.step_status("sign_new") is None:
        return None
    rows = []
    for spec_id, who, name_key in (("sign_old", "原任干部", "old_cadre_name"),
                                   ("sign_new", "新任干部", "new_cadre_name")):
        signed = c.decided(spec_id)
        state = (f"{signed['decision_name']}（{beijing(signed['at'])}）" if signed else "尚未签字")
        rows.append([who, c.data.get(name_key) or "—", state])
    witnessed = c.decided("witness_handover")
    if witnessed:
        rows.append(["乡镇监交", witnessed["actor"]["name"],
                     f"{witnessed['decision_name']}（{beijing(witnessed['at'])}）"])
    return {"id": "signatures", "title": "签字确认", "kind": "table",
            "columns": ["签字方", "姓名", "签字情况"],
            "rows": rows}


def case_section(c: Case) -> Section | None:
    d = c.data
    return facts("case", "召回事项", [
        ("干部", d.get("cadre_name")), ("驻村", village_text(c)), ("岗位", role_text(c)),
        ("问题来源", RECALL_SOURCE_NAMES.get(d.get("source") or "", d.get("source"))),
        ("发现的问题", c.text("finding")), ("证明材料", list(d.get("evidence") or [])),
    ])


def statement_section(c: Case) -> Section | None:
    statement = c.text("statement")
    if statement:
        given = c.decided("cadre_statement")
        when = f"{given['actor']['name']}，{beijing(given['at'])}" if given else None
        return facts("statement", "本人陈述", [("陈述内容", statement), ("陈述人、时间", when)])
    if c.step_status("cadre_statement") == "cancelled":
        return facts("statement", "本人陈述", [("陈述内容", "本人未在期限内陈述，视为放弃陈述")])
    return None


# The rectification step of each supplier: a dispatch unit's HR, or the township (bpmn/recall.bpmn).
RECTIFICATION_STEPS = ("rectification", "rectification_township")


def rectification_section(c: Case) -> Section | None:
    decided = c.decided("county_decision")
    lapsed = any(c.step_status(s) == "cancelled" for s in RECTIFICATION_STEPS)
    return facts("rectification", "整改情况", [
        ("县驻村工作领导小组决定", f"{decided['decision_name']}：{decided['comment']}" if decided and
         decided.get("comment") else (decided or {}).get("decision_name")),
        ("整改报告", c.text("rectification_report") or ("期满未报送整改情况" if lapsed else None)),
    ]) if c.text("rectification_report") or lapsed else None


def accountability_section(c: Case) -> Section | None:
    return facts("accountability", "问责", [("问责措施", c.text("accountability_measures"))])


def replacement_section(c: Case) -> Section | None:
    d = c.data
    if not d.get("nominee_name"):
        return None
    return facts("replacement", "接任人选", [
        ("接任人选", nominee_text(d.get("nominee_name"), d.get("nominee_facts"))),
        ("任职资格（按到任日期）", eligibility_text(d.get("nominee_facts"), d.get("role"),
                                                 d.get("effective_date"))),
        ("到任日期", d.get("effective_date")),
    ])


def duty_section(half: str, title: str) -> Callable[[Case], Section | None]:
    def build(c: Case) -> Section | None:
        report = c.data.get(f"{half}_report")
        if not isinstance(report, Mapping):
            return None
        rows: list[tuple[str, Any]] = []
        for key in DUTY_ITEMS:
            if key not in report:
                continue
            value = report.get(key)
            shown = ("是" if value else "否") if isinstance(value, bool) else value
            rows.append((c.labels.get(key, key), "—" if shown is None else str(shown)))
        villages = c.data.get("duty_villages")
        if isinstance(villages, list) and half == "second_half":
            names = [str(v.get("village_name")) for v in villages if isinstance(v, Mapping)]
            rows.append(("本年度驻村第一书记所在村", "、".join(names) or "无"))
        problems = [v.get("message") for v in c.data.get(f"{half}_violations") or []
                    if isinstance(v, Mapping)]
        rows.append(("核对结果", problems or "达标"))
        return facts(f"duty_{half}", title, rows)
    return build


def duty_standards_section(c: Case) -> Section | None:
    """What the unit owes this year (the standards the instance started with), and the villages its
    work funds are owed for: those recorded with the last report, else the postings' as of now."""
    standards = c.data.get("duty_standards")
    if not isinstance(standards, Mapping) or "work_funds_per_village_yuan" not in standards:
        return None  # the first unit_duties version carried other figures
    villages = c.data.get("duty_villages")
    if not isinstance(villages, list):
        villages = first_secretary_villages(str(c.data.get("unit_id")), int(c.data.get("year") or 0))
    names = "、".join(str(v.get("village_name")) for v in villages if isinstance(v, Mapping)) or "无"
    per_village = int(standards["work_funds_per_village_yuan"])
    return facts("duty_standards", f"{c.data.get('year')} 年度帮扶责任标准", [
        ("主要领导听取驻村帮扶工作汇报", f"每半年不少于 {standards['main_leader_reports_per_half_year']} 次"),
        ("主要领导到村调研", f"每年不少于 {standards['main_leader_visits_per_year']} 次"),
        ("分管领导到村调研", f"每半年不少于 {standards['deputy_visits_per_half_year']} 次"),
        ("驻村第一书记所在村", f"{names}（共 {len(villages)} 个）"),
        ("驻村工作经费", f"每村每年不少于 {per_village} 元，全年合计不少于 {per_village * len(villages)} 元"),
        ("帮扶资金", f"全年不少于 {standards['assistance_funds_per_year_yuan']} 元，"
                     f"其中认购扶贫产品资金不少于 {standards['product_purchase_per_year_yuan']} 元"),
        ("帮扶工作计划", f"{PLAN_YEARS} 年定点帮扶工作计划，须覆盖本年度（随上半年情况报送）"),
        ("人身意外伤害保险", "由县级统一办理，不在此报送"),
    ])


def leave_section(c: Case) -> Section | None:
    d = c.data
    if not d.get("leave_start"):
        return None
    county = d.get("leave_county_days")
    length = f"{d.get('leave_days')} 天（其中工作日 {d.get('leave_working_days')} 天）"
    if county is not None:
        over = (d.get("leave_working_days") or 0) > county
        length += f"，{'超过' if over else '未超过'} {county} 个工作日"
        length += "，须报县驻村工作领导小组审批" if over else "，乡镇审批即可"
    return facts("leave", "请假申请", [
        ("请假人", d.get("cadre_name")), ("驻村", village_text(c)),
        ("岗位", POSTING_ROLE_NAMES.get(d.get("posting_role") or "", d.get("posting_role"))),
        ("请假类别", LEAVE_TYPE_NAMES.get(d.get("leave_type") or "", d.get("leave_type"))),
        ("请假日期", f"{d['leave_start']} 至 {d.get('leave_end')}"), ("请假天数", length),
        ("请假事由", c.text("reason")), ("本年度此前已准假", _granted_this_year(c)),
        ("返岗日期", d.get("return_date")), ("销假说明", c.text("return_note")),
    ])


def _granted_this_year(c: Case) -> str | None:
    """The cadre's other granted leaves of the leave's year, for the approvers to weigh."""
    year = str(c.data.get("leave_start"))[:4]
    cadre_id = c.data.get("cadre_id")
    if not cadre_id or not year.isdigit():
        return None
    leaves = db.session.execute(sa.select(LeaveRequest).where(
        LeaveRequest.cadre_id == str(cadre_id), LeaveRequest.state.in_(GRANTED_STATES),
        LeaveRequest.instance_id != c.row.id)).scalars().all()
    days = sum(lv.days for lv in leaves if lv.start_date.year == int(year))
    count = sum(1 for lv in leaves if lv.start_date.year == int(year))
    return f"{count} 次，共 {days} 天" if count else "无"
def grade_text(grade: Any) -> str | None:
    return ASSESSMENT_GRADE_NAMES.get(grade, grade) if grade else None


def assessee_section(c: Case) -> Section | None:
    d = c.data
    title = f"{d.get('year')}年度考核" if d.get("kind") == "annual" else "期满考核"
    supplier = d.get("supplier_name")
    if supplier and d.get("supplied_by_township"):
        supplier = f"{supplier}（乡镇补齐的工作队员）"
    return facts("assessee", "被考核干部", [
        ("干部", d.get("cadre_name")), ("驻村", village_text(c)), ("岗位", role_text(c)),
        ("派出单位", supplier), ("考核", title),
        ("考核期间", f"{d['period_start']} 至 {d['period_end']}" if d.get("period_start") else None),
        ("任期", f"{d['term_start']} 至 {d.get('planned_end') or '未定'}" if d.get("term_start") else None),
    ])


def presence_section(c: Case) -> Section | None:
    """在岗情况 of the assessed year (在岗管理 feeds the assessment): days in the village month by
    month against the rule, granted leave, and the leaves asked for."""
    d = c.data
    period = str(d.get("period_start") or "")
    year = d.get("year") or (int(period[:4]) if period[:4].isdigit() else None)
    if not d.get("cadre_id") or not isinstance(year, int):
        return None
    tally = presence_year(str(d["cadre_id"]), year)
    months = tally["months"]
    recorded = "；".join(
        f"{m['month']}月 {m['days_present'] if m['days_present'] is not None else '未填报'}"
        f"/{m['required_days']} 天{'（不足）' if m['short'] else ''}" for m in months)
    leaves = "；".join(f"{lv['leave_type_name']} {lv['start_date']} 至 {lv['end_date']}（{lv['state_name']}）"
                      for lv in tally["leaves"])
    return facts("presence", f"{year}年在岗情况", [
        ("在村天数合计", f"{tally['totals']['days_present']} 天（每月至少 {tally['min_days']} 天，"
                         f"扣除准假天数）" if months else None),
        ("各月在村 / 应在村", recorded or None),
        ("在村不足的月份", f"{tally['totals']['short_months']} 个月" if months else None),
        ("准假天数", f"{tally['totals']['leave_days']} 天" if months else None),
        ("请假记录", leaves or "无"),
    ])


def summary_section(c: Case) -> Section | None:
    text = c.text("summary")
    if not text:
        return None
    given = c.decided("self_summary")
    when = f"{given['actor']['name']}，{beijing(given['at'])}" if given else None
    return facts("summary", "本人述职", [("述职报告", text), ("述职人、时间", when)])


def evaluations_section(c: Case) -> Section | None:
    rows = []
    for spec_id, grade_key in (("township_evaluation", "township_suggested_grade"),
                               ("township_supplier_opinion", "unit_suggested_grade"),
                               ("unit_opinion", "unit_suggested_grade")):
        done = c.decided(spec_id)
        if done is None or done.get("decision") != "approve":
            continue
        who = f"{done['actor']['name']}（{done['actor']['role_name'] or ''}）"
        suggested = grade_text(c.data.get(grade_key)) or "未提出"
        rows.append([done["task_name"] or "", who, done["comment"] or "", suggested, beijing(done["at"])])
    if not rows:
        return None
    return {"id": "evaluations", "title": "考核评价", "kind": "table",
            "columns": ["环节", "办理人", "评价意见", "建议等次", "时间（北京时间）"], "rows": rows}


def quota_section(c: Case) -> Section | None:
    """The 优秀 places of the year's round, for the county's grade."""
    if c.data.get("kind") != "annual" or not c.data.get("round_id"):
        return None
    if c.step_status("county_grade") != "open":
        return None
    found = db.session.get(AssessmentRound, str(c.data["round_id"]))
    if found is None:
        return None
    quota = excellent_quota(found)
    return facts("quota", "优秀名额", [
        ("本年度考核", f"参加考核 {quota.assessed} 人，优秀比例 {quota.share_text}，最多 {quota.allowed} 名"),
        ("已确定为优秀", f"{quota.used} 名"), ("还可确定", f"{quota.left} 名"),
        ("说明", "驻村干部的优秀等次比例可适当提高，不占派出单位指标。"),
    ])


def opinions_section(c: Case, current_task_id: str) -> Section | None:
    rows = [[h["task_name"] or "", f"{h['actor']['name']}（{h['actor']['role_name'] or ''}）",
             beijing(h["at"]), h["decision_name"] or "", h["comment"] or ""]
            for h in c.history if h.get("kind") == "complete" and h.get("task_id") != current_task_id]
    if not rows:
        return None
    return {"id": "opinions", "title": "此前各环节意见", "kind": "table",
            "columns": ["环节", "办理人", "时间（北京时间）", "决定", "意见"], "rows": rows}


PROCESS_SECTIONS: dict[str, tuple[Callable[[Case], Section | None], ...]] = {
    "mid_term_replacement": (request_section,),
    "dispatch": (nomination_section,),
    "handover": (parties_section, arrival_section, handover_list_section, signatures_section),
    "recall": (case_section, statement_section, rectification_section, accountability_section,
               replacement_section),
    "leave": (leave_section,),
    "assessment": (assessee_section, presence_section, summary_section, evaluations_section, quota_section),
    "unit_duties": (duty_standards_section, duty_section("first_half", "上半年帮扶责任落实情况"),
                    duty_section("second_half", "下半年帮扶责任落实情况")),
}


def task_sections(task: HumanTask, row: ProcessInstance, data: Mapping[str, Any],
                  history: Sequence[Mapping[str, Any]]) -> list[Section]:
    """The sections of `task`'s page: the step's basis first (focus), then the rest recorded."""
    case = Case(row, data, history)
    built = [build(case) for build in PROCESS_SECTIONS.get(row.process_key, ())]
    built.append(opinions_section(case, task.id))
    sections = [s for s in built if s is not None]
    focus = STEP_FOCUS.get((row.process_key, task.spec_id), ())
    for s in sections:
        s["focus"] = s["id"] in focus
    order = {sid: i for i, sid in enumerate(focus)}
    return sorted(sections, key=lambda s: order.get(s["id"], len(order)))
