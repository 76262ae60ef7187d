"""What the printable forms of a case say: the 审批表 of every case, the 交接清单 of a handover and
the 召回记录 of a recall. Everything is text for people (Chinese names, decision words as the step
gives them, Beijing times), so the templates only lay it out.

Paper is matched to the history chain by the case number and the last event's seq and hash, which
every form carries in its footer. The sections are task_sections' own builders, so a form and the
task pages never describe a case differently.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import sqlalchemy as sa

from service.core.clock import now
from service.core.errors import NotFound
from service.core.labels import PROCESS_NAMES, ROLE_NAMES, STATUS_NAMES
from service.persistence.db import db
from service.persistence.loading import load
from service.persistence.models import HumanTask, Org, ProcessInstance, User
from service.queries.instances import business_data
from service.queries.task_sections import (
    HANDOVER_ITEMS,
    PROCESS_SECTIONS,
    Case,
    Section,
    beijing,
    case_section,
    facts,
    parties_section,
    replacement_section,
)
from service.queries.timeline import history_entries, history_query

Form = dict[str, Any]

# The events that belong on paper: who asked, who decided what, who stopped the case. Claims,
# reminders and other bookkeeping stay in the timeline.
OPINION_KINDS = ("start", "complete", "withdraw", "terminate")
# Each form: its short name (the links), its heading on paper and the processes that have it (None:
# every case). The 审批表's heading starts with the process's name.
FORM_TITLES = {"approval": "审批表", "handover": "交接清单", "recall": "召回记录"}
FORM_HEADINGS = {"handover": "驻村干部工作交接清单", "recall": "驻村干部召回记录"}
FORM_PROCESSES: dict[str, tuple[str, ...] | None] = {"approval": None, "handover": ("handover",),
                                                     "recall": ("recall",)}
# The recall steps whose conclusion the record states, in order: (step ids, heading).
RECALL_STEPS = (
    (("verify_finding_org_dept", "verify_finding_rrb"), "核实情况"),
    (("county_decision",), "县驻村工作领导小组决定"),
    (("record_accountability",), "召回与问责"),
    (("rectification",), "整改报告"),
    (("recheck_rectification_org_dept", "recheck_rectification_rrb"), "整改复核"),
)


def forms_of(row: ProcessInstance) -> list[dict[str, str]]:
    """The printable forms a case has: [{"kind", "title"}], the 审批表 first."""
    return [{"kind": kind, "title": FORM_TITLES[kind]} for kind, processes in FORM_PROCESSES.items()
            if processes is None or row.process_key in processes]


def print_form(row: ProcessInstance, kind: str) -> Form:
    """The form `kind` of the visible case `row`; NotFound when the case has no such form."""
    if kind not in FORM_TITLES or not any(f["kind"] == kind for f in forms_of(row)):
        raise NotFound(f"流程实例 {row.id} 没有可打印的{FORM_TITLES.get(kind, '表单')}。")
    return BUILDERS[kind](_Printed(row))


class _Printed:
    """The case as the forms read it: its row, data, timeline and section builders' view. The
    timeline and the footer's last event come from one read, so the hash on paper is the one of
    the last event the form lists."""

    def __init__(self, row: ProcessInstance) -> None:
        self.row = row
        self.data = business_data(load(row.id, read_only=True).instance)
        events = db.session.execute(history_query(row.id)).scalars().all()
        self.history = history_entries(events)
        last = events[-1] if events else None
        self.last_event = {"seq": last.seq, "hash": last.event_hash, "at": beijing(last.at)} if last else None
        self.case = Case(row, self.data, self.history)


def _orgs(ids: Sequence[str | None]) -> dict[str, Org]:
    wanted = {i for i in ids if i}
    return {o.id: o for o in db.session.execute(sa.select(Org).where(Org.id.in_(wanted))).scalars()} \
        if wanted else {}


def _county_name(township: Org | None) -> str:
    """The county body the case's township hangs under, else the county's top body."""
    if township is not None and township.parent_id:
        parent = db.session.get(Org, township.parent_id)
        if parent is not None and parent.kind == "county_body":
            return parent.name
    top = db.session.execute(sa.select(Org.name).where(Org.kind == "county_body", Org.parent_id.is_(None))
                             .order_by(Org.id).limit(1)).scalar_one_or_none()
    return top or ""


def _outcome(p: _Printed) -> str:
    """办理结果 as people say it: the status, and the last decision or the steps still open."""
    row = p.row
    status = STATUS_NAMES.get(row.status, row.status)
    if row.status == "running":
        steps = db.session.execute(sa.select(HumanTask.name).where(
            HumanTask.instance_id == row.id, HumanTask.status == "open")
            .order_by(HumanTask.created_at, HumanTask.id)).scalars().all()
        return f"{status}（当前环节：{'、'.join(steps)}）" if steps else status
    last = next((h for h in reversed(p.history) if h["kind"] in OPINION_KINDS[1:]), None)
    if last is None:
        return f"{status}（{beijing(row.ended_at)}）" if row.ended_at else status
    if last["task_name"]:  # a step's decision ended it
        said = f"{last['task_name']}：{last['decision_name'] or last['kind_name']}"
    else:  # withdrawn or terminated: who did it, and why
        said = f"{last['actor']['name']}{last['kind_name']}"
        said += f"：{last['comment']}" if last["comment"] else ""
    return f"{status}（{said}，{beijing(last['at'])}）"


def opinion_rows(history: Sequence[Mapping[str, Any]], submitter: str | None) -> list[dict[str, str]]:
    """Each step's opinion: the step, the decision in the step's words, the comment, who and when.
    The start is the submitter's request, or the approval or the date that started the case."""
    rows = []
    for h in history:
        if h["kind"] not in OPINION_KINDS:
            continue
        if h["kind"] == "start":
            step, word = "发起", "提出申请" if h["actor"]["login"] == submitter else "发起"
        else:
            step, word = h["task_name"] or h["kind_name"], h["decision_name"] or h["kind_name"]
        rows.append({"step": step, "decision": word, "comment": h["comment"] or "",
                     "who": h["actor"]["name"] or "", "role": ROLE_NAMES.get(h["actor"]["role"] or "", ""),
                     "at": beijing(h["at"])})
    return rows


def _header(p: _Printed, kind: str) -> Form:
    row = p.row
    orgs = _orgs([row.township_id, row.unit_id])
    township, unit = orgs.get(row.township_id or ""), orgs.get(row.unit_id or "")
    submitter = db.session.get(User, row.submitter) if row.submitter else None
    process = PROCESS_NAMES.get(row.process_key, row.process_key)
    source = p.data.get("source_instance_id")
    return {
        "kind": kind, "title": FORM_HEADINGS.get(kind, f"{process}{FORM_TITLES[kind]}"),
        "county": _county_name(township), "case_no": row.id, "process_name": process,
        "status": row.status, "status_name": STATUS_NAMES.get(row.status, row.status),
        "general": [
            {"label": "流程", "value": process},
            {"label": "派出单位", "value": unit.name if unit else "—"},
            {"label": "乡镇", "value": township.name if township else "—"},
            {"label": "发起人", "value": submitter.display_name if submitter else (row.submitter or "—")},
            {"label": "发起时间", "value": beijing(row.created_at)},
            *([{"label": "源案件编号", "value": str(source)}] if source else []),
        ],
        "outcome": _outcome(p), "last_event": p.last_event, "printed_at": beijing(now()),
    }


def _sections(p: _Printed, builders: Sequence[Callable[[Case], Section | None]]) -> list[Section]:
    return [s for s in (build(p.case) for build in builders) if s is not None]


def approval_form(p: _Printed) -> Form:
    """审批表: the request as recorded, then every step's opinion in order, then the outcome."""
    form = _header(p, "approval")
    form.update(sections=_sections(p, PROCESS_SECTIONS.get(p.row.process_key, ())),
                opinions=opinion_rows(p.history, p.row.submitter))
    return form


def _signature(p: _Printed, spec_id: str, party: str, name: str | None, pending: str,
               body: Org | None = None) -> dict[str, str]:
    """A signature row: the cadre named by the case (or, for the witness, who signed for the
    township, and the township itself until then), what they signed and when."""
    signed = p.case.decided(spec_id)
    if name is None:
        name = signed["actor"]["name"] if signed else body.name if body is not None else None
    return {"party": party, "name": name or "—",
            "state": signed["decision_name"] if signed else pending,
            "at": beijing(signed["at"]) if signed else "", "comment": (signed or {}).get("comment") or ""}


def handover_form(p: _Printed) -> Form:
    """交接清单: the parties, the six items (三个说得清 and more), both signatures and the witness."""
    form = _header(p, "handover")
    c = p.case
    township = _orgs([p.row.township_id]).get(p.row.township_id or "")
    prepared = c.decided("prepare_handover_list")
    reviewed = c.decided("review_handover_list")
    form.update(
        sections=_sections(p, (parties_section,)),
        handover_items=[{"label": c.labels.get(k, k), "value": c.text(k) or "—"} for k in HANDOVER_ITEMS],
        prepared=f"{prepared['actor']['name']}，{beijing(prepared['at'])}" if prepared else "尚未编制",
        reviewed=(f"{reviewed['decision_name']}（{reviewed['actor']['name']}，{beijing(reviewed['at'])}）"
                  if reviewed else "尚未确认"),
        signatures=[
            _signature(p, "sign_old", "原任干部", p.data.get("old_cadre_name"), "尚未签字"),
            _signature(p, "sign_new", "新任干部", p.data.get("new_cadre_name"), "尚未签字"),
            _signature(p, "witness_handover", "乡镇监交", None, "尚未监交", township),
        ],
        arrival=[{"label": label, "value": p.data.get(key) or "—"}
                 for key, label in (("arrival_date", "新任干部到岗日期"),
                                    ("party_transfer_date", "党组织关系转接日期"))],
    )
    return form


def _step_record(p: _Printed, spec_ids: Sequence[str], title: str) -> Section | None:
    decided = [d for d in (p.case.decided(s) for s in spec_ids) if d]
    if not decided:
        return None
    d = max(decided, key=lambda h: h["seq"])
    return facts(f"step_{d['task_spec_id']}", title, [
        ("结论", d["decision_name"]), ("意见", d["comment"]), ("办理人、时间", _by(d)),
    ])


def _by(entry: Mapping[str, Any]) -> str:
    """Who took a decision and when: 县委组织部 郭静（县委组织部），2026-12-01 15:30."""
    role = ROLE_NAMES.get(entry["actor"]["role"] or "")
    return f"{entry['actor']['name']}{f'（{role}）' if role else ''}，{beijing(entry['at'])}"


def _statement(p: _Printed) -> Section | None:
    statement, given = p.case.text("statement"), p.case.decided("cadre_statement")
    if statement:
        return facts("statement", "本人陈述", [("陈述内容", statement),
                                               ("陈述人、时间", _by(given) if given else None)])
    if p.case.step_status("cadre_statement") == "cancelled":
        return facts("statement", "本人陈述", [("陈述内容", "本人未在期限内陈述，视为放弃陈述")])
    return None


def recall_form(p: _Printed) -> Form:
    """召回记录: the finding, the verification, the cadre's statement, the county's decision and
    what followed (accountability or rectification, the replacement)."""
    form = _header(p, "recall")
    opened = next((h for h in p.history if h["kind"] == "start"), None)
    case = case_section(p.case)
    if case is not None and opened is not None:
        case["rows"].append({"label": "立案", "value": _by(opened)})
    steps = [_step_record(p, ids, title) for ids, title in RECALL_STEPS]
    accountability = p.case.text("accountability_measures")
    if accountability and steps[2] is not None:
        steps[2]["rows"].insert(1, {"label": "问责措施", "value": accountability})
    report = p.case.text("rectification_report")
    if report and steps[3] is not None:
        steps[3]["rows"].insert(1, {"label": "整改情况", "value": report})
    replacement = replacement_section(p.case)
    if replacement is not None:
        for spec_ids, label in ((("nominate_replacement",), "提名"),
                                (("replacement_filing_org_dept", "replacement_filing_rrb"), "审核备案")):
            done = [d for d in (p.case.decided(s) for s in spec_ids) if d]
            if done:
                d = max(done, key=lambda h: h["seq"])
                said = f"{d['decision_name']}：" if label != "提名" else ""
                replacement["rows"].append({"label": label, "value": f"{said}{_by(d)}"})
    ordered = [case, steps[0], _statement(p), *steps[1:], replacement]
    form.update(sections=[s for s in ordered if s is not None])
    return form


BUILDERS: dict[str, Callable[[_Printed], Form]] = {"approval": approval_form, "handover": handover_form,
                                                    "recall": recall_form}
