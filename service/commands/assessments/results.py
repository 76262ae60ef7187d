"""A completed assessment's result (the reaction to its completion, in the grade's transaction):
the record the supplier counts as the cadre's grade in the unit (驻村干部年度考核结果等同于派出单位的
年度考核等次) and the entry of the cadre's personal file (进入个人档案). The supplier's HR (or the
supplying township) and the cadre are told the grade."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from service.commands.notify import Notice, add_notifications
from service.commands.outbox import Reported
from service.core.labels import ASSESSMENT_GRADE_NAMES, ASSESSMENT_KIND_NAMES, POSTING_ROLE_NAMES
from service.persistence.db import db
from service.persistence.models import OPEN_STATUSES, AssessmentResult, HumanTask, ProcessInstance
from service.queries.assessments.keys import ANNUAL, recall_business_key
from service.queries.holders import role_holders

NOTICE_KIND = "assessment"
SUPPLIER_STEPS = ("unit_opinion", "township_supplier_opinion")


def _comments(instance_id: str) -> dict[str, str | None]:
    """The last comment given on each step (the township's evaluation, the supplier's opinion)."""
    rows = db.session.execute(sa.select(HumanTask.spec_id, HumanTask.comment).where(
        HumanTask.instance_id == instance_id, HumanTask.status == "done")
        .order_by(HumanTask.completed_at, HumanTask.id)).all()
    return {spec_id: comment for spec_id, comment in rows}


def _recall(row: ProcessInstance, cadre_id: str, grade: str) -> tuple[str | None, str | None]:
    """(recall instance id, why none was opened) for a 不称职 grade."""
    if grade != "incompetent":
        return None, None
    started = db.session.execute(sa.select(ProcessInstance.id).where(
        ProcessInstance.business_key == recall_business_key(row.id))).scalar_one_or_none()
    if started is not None:
        return started, None
    already = db.session.execute(sa.select(ProcessInstance.id).where(
        ProcessInstance.process_key == "recall", ProcessInstance.status.in_(OPEN_STATUSES),
        ProcessInstance.cadre_id == cadre_id).limit(1)).scalar_one_or_none()
    if already is not None:
        return already, "该干部已有正在办理的召回案件，考核结果已记入档案，未另行启动召回。"
    return None, "该干部已不在村任职，未启动召回。"


def record_result(reported: Reported) -> None:
    data, row = reported.data, reported.row
    grade = str(data["grade"])
    cadre_id = str(data["cadre_id"])
    comments = _comments(row.id)
    recall_id, note = _recall(row, cadre_id, grade)
    result = AssessmentResult(
        instance_id=row.id, kind=str(data["kind"]), year=int(data["year"]), round_id=data.get("round_id"),
        cadre_id=cadre_id, cadre_name=str(data.get("cadre_name") or cadre_id),
        posting_id=data.get("posting_id"), role=str(data["role"]), village_id=str(data["village_id"]),
        village_name=str(data.get("village_name") or data["village_id"]),
        township_id=str(data["township_id"]), supplier_id=str(data["supplier_id"]),
        period_start=date.fromisoformat(str(data["period_start"])),
        period_end=date.fromisoformat(str(data["period_end"])), grade=grade,
        summary=str(data.get("summary") or ""), township_opinion=comments.get("township_evaluation"),
        township_suggested_grade=data.get("township_suggested_grade"),
        supplier_opinion=next((comments[s] for s in SUPPLIER_STEPS if comments.get(s)), None),
        supplier_suggested_grade=data.get("unit_suggested_grade"),
        county_comment=str(reported.comment or "").strip() or None,
        graded_by=reported.actor.login, graded_at=reported.at, recall_instance_id=recall_id, recall_note=note)
    db.session.add(result)
    _tell(reported, result)


def _tell(reported: Reported, result: AssessmentResult) -> None:
    data = reported.data
    supplier_role = "township" if data.get("supplied_by_township") else "unit_hr"
    logins = role_holders(supplier_role, result.supplier_id) + role_holders("cadre", result.cadre_id)
    title = (f"{result.year}年度考核" if result.kind == ANNUAL
             else ASSESSMENT_KIND_NAMES.get(result.kind, result.kind))
    who = f"{result.village_name}{POSTING_ROLE_NAMES.get(result.role, result.role)}{result.cadre_name}"
    text = (f"【考核结果】{who}{title}等次：{ASSESSMENT_GRADE_NAMES.get(result.grade, result.grade)}"
            f"（县驻村工作领导小组确定），等同于派出单位年度考核等次，已存入个人档案。")
    if result.recall_instance_id and not result.recall_note:
        text += "因确定为不称职，已启动召回程序。"
    told = [login for login in dict.fromkeys(logins) if login != reported.actor.login]
    add_notifications([Notice(login, NOTICE_KIND, text) for login in told], at=reported.at,
                      instance_id=reported.row.id)
