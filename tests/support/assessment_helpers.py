"""Helpers for the assessment tests (command layer, inside an app context): open a round, find a
cadre's assessment and its open step, walk it to the county's grade."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from command_helpers import who

from service import commands
from service.persistence.db import db
from service.persistence.models import HumanTask, ProcessInstance

# The demo's posted cadres: (cadre id, cadre login, the supplier's HR, the village's township).
DEMO_POSTED = {
    "c-zhangwei": ("cadre_zhangwei", "hr_edu", "tw_qingshan"),
    "c-liuyang": ("cadre_liuyang", "hr_edu", "tw_qingshan"),
    "c-lina": ("cadre_lina", "hr_hospital", "tw_baishui"),
    "c-chenjing": ("cadre_chenjing", "hr_hospital", "tw_baishui"),
    "c-wangqiang": ("cadre_wangqiang", "hr_power", "tw_hongqi"),
    "c-yangfan": ("cadre_yangfan", "hr_power", "tw_hongqi"),
    "c-zhaomin": ("cadre_zhaomin", "hr_edu", "tw_baishui"),
}
SUMMARY = {"summary": "全年驻村 236 天，走访农户 312 户，引进产业项目 2 个。"}


def assessment_of(cadre_id: str, year: int = 2026) -> ProcessInstance:
    return db.session.execute(sa.select(ProcessInstance).where(
        ProcessInstance.business_key == f"assessment:annual:{year}:{cadre_id}")).scalar_one()


def open_step(instance_id: str) -> HumanTask:
    return db.session.execute(sa.select(HumanTask).where(
        HumanTask.instance_id == instance_id, HumanTask.status == "open")).scalar_one()


def act(login: str, instance_id: str, comment: str | None = None, data: dict[str, Any] | None = None,
        decision: str = "approve") -> commands.CompleteResult:
    return commands.complete_task(who(login), open_step(instance_id).id, decision, comment, data or {})


def to_county_grade(instance_id: str, cadre_login: str, supplier_login: str, township_login: str) -> None:
    """述职, the township's evaluation and the supplier's opinion."""
    act(cadre_login, instance_id, data=SUMMARY)
    act(township_login, instance_id, "吃住在村，群众认可", {"township_suggested_grade": "competent"})
    act(supplier_login, instance_id, "同意乡镇评价", {"unit_suggested_grade": "competent"})
    assert open_step(instance_id).spec_id == "county_grade"
