"""Scenario instances for the audit tests, driven through the command layer (service.commands).

Every process path the auditors must trust: mid-term replacement of a first secretary (with a
claim, a transfer, an unclaim, a return and a resubmission) and of a team member (with a reminder
timer firing), both handovers they start, a withdrawn request, a recall ending in rectification and
a recall ending in a recall (its statement deadline fires: silence proceeds) with its handover.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from service import commands
from service.core.principal import Principal
from service.persistence.db import db
from service.persistence.models import HumanTask, User, UserRole

SECOND_TOWNSHIP_USER = "tw_qingshan_2"
HANDOVER_LIST = {"village_situation": "村情已介绍", "household_situation": "户况已逐户交接",
                 "policy_situation": "政策已讲清", "open_projects": "道路硬化在建",
                 "funds": "帮扶资金 1 万元", "archives": "档案 12 卷"}


@dataclass
class Scenarios:
    ids: dict[str, str] = field(default_factory=dict)
    # moments of the recall whose statement deadline fires: name -> (time, open task spec ids)
    moments: dict[str, tuple[datetime, list[str]]] = field(default_factory=dict)


def who(login: str) -> Principal:
    return Principal.from_user(db.session.get(User, login))


def open_task(instance_id: str, spec_id: str) -> HumanTask:
    return db.session.execute(sa.select(HumanTask).where(
        HumanTask.instance_id == instance_id, HumanTask.status == "open",
        HumanTask.spec_id == spec_id)).scalar_one()


def open_specs(instance_id: str) -> list[str]:
    return sorted(db.session.execute(sa.select(HumanTask.spec_id).where(
        HumanTask.instance_id == instance_id, HumanTask.status == "open")).scalars())


def act(clock: Any, instance_id: str, spec_id: str, login: str, decision: str = "approve",
        comment: str = "", data: dict[str, Any] | None = None) -> commands.CompleteResult:
    clock.advance(minutes=30)
    task = open_task(instance_id, spec_id)
    return commands.complete_task(who(login), task.id, decision, comment, data or {})


def _replacement(clock: Any, cadre_id: str, role: str, nominee_id: str) -> str:
    clock.advance(minutes=30)
    row = commands.submit_adjustment(who("hr_edu"), {
        "cadre_id": cadre_id, "village_id": "v-shangzhuang", "role": role, "reason": "health",
        "justification": "身体原因", "nominee_id": nominee_id, "effective_date": date(2026, 12, 1),
        "evidence": ["体检报告"]})  # effective on the clock's first day: arrival may follow at once
    return row.id


def _handover(clock: Any, instance_id: str, old: str, new: str, township: str, hr: str) -> None:
    act(clock, instance_id, "confirm_arrival", township, data={"arrival_date": "2026-12-01"})
    act(clock, instance_id, "prepare_handover_list", old, data=HANDOVER_LIST)
    act(clock, instance_id, "review_handover_list", new)
    act(clock, instance_id, "sign_old", old)
    act(clock, instance_id, "sign_new", new)
    act(clock, instance_id, "witness_handover", township)
    act(clock, instance_id, "transfer_party_relation", hr, data={"party_transfer_date": "2026-12-01"})


def _add_second_township_user() -> None:
    if db.session.get(User, SECOND_TOWNSHIP_USER) is None:
        user = User(login=SECOND_TOWNSHIP_USER, display_name="青山镇党委 李明", active=True)
        user.roles.append(UserRole(role="township", scope_kind="township", scope_id="tw-qingshan"))
        db.session.add(user)
        db.session.commit()


def build(clock: Any) -> Scenarios:
    s = Scenarios()
    _add_second_township_user()

    # 1. First secretary: claim, unclaim, claim, transfer, return, resubmit, approvals -> handover.
    fs = s.ids["fs_replacement"] = _replacement(clock, "c-zhangwei", "first_secretary", "c-sunhao")
    task = open_task(fs, "township_consent")
    clock.advance(minutes=10)
    commands.claim_task(who("tw_qingshan"), task.id)
    clock.advance(minutes=10)
    commands.unclaim_task(who("tw_qingshan"), task.id)
    clock.advance(minutes=10)
    commands.claim_task(who("tw_qingshan"), task.id)
    clock.advance(minutes=10)
    commands.transfer_task(who("tw_qingshan"), task.id, SECOND_TOWNSHIP_USER)
    act(clock, fs, "township_consent", SECOND_TOWNSHIP_USER, "return", "请补充体检报告原件")
    act(clock, fs, "revise_request", "hr_edu", "resubmit", "已补充",
        {"reason": "health", "justification": "身体原因，已补充原件", "nominee_id": "c-sunhao",
         "effective_date": "2026-12-01"})
    act(clock, fs, "township_consent", "tw_qingshan", comment="同意")
    act(clock, fs, "county_consent", "county", comment="同意")
    done = act(clock, fs, "org_dept_filing", "orgdept", comment="予以备案")
    (handover,) = done.started
    s.ids["fs_handover"] = handover.id
    _handover(clock, handover.id, "cadre_zhangwei", "cadre_sunhao", "tw_qingshan", "hr_edu")

    # 2. Team member: the approval reminder fires after 3 working days, then approvals.
    tm = s.ids["tm_replacement"] = _replacement(clock, "c-liuyang", "team_member", "c-zhengkai")
    clock.advance(days=5)
    fired = commands.fire_due_timers(tm, clock.now())
    assert fired.fired, "the reminder should have fired"
    act(clock, tm, "township_consent", "tw_qingshan")
    act(clock, tm, "county_consent", "county")
    done = act(clock, tm, "rrb_filing", "rrb")
    s.ids["tm_handover"] = done.started[0].id  # left running: a verify of an open handover

    # 3. Withdrawn before any decision.
    clock.advance(minutes=30)
    wd = commands.submit_adjustment(who("hr_edu"), {
        "cadre_id": "c-zhaomin", "village_id": "v-hongyan", "role": "first_secretary",
        "reason": "post_change", "justification": "岗位调整", "nominee_id": "c-zhengkai",
        "effective_date": date(2026, 12, 28), "evidence": []}).id
    clock.advance(minutes=30)
    commands.withdraw_instance(who("hr_edu"), wd, "岗位调整另有安排")
    s.ids["withdrawn"] = wd

    # 4. Recall ending in rectification.
    clock.advance(minutes=30)
    rr = s.ids["recall_rectified"] = commands.open_recall(who("orgdept"), {
        "cadre_id": "c-lina", "source": "supervision", "finding": "多次无故离岗",
        "evidence": ["考勤记录"]}).id
    act(clock, rr, "verify_finding_org_dept", "orgdept", comment="属实")
    act(clock, rr, "cadre_statement", "cadre_lina", data={"statement": "家中有事，已改正"})
    act(clock, rr, "county_decision", "county", "rectify", "限期整改")
    act(clock, rr, "rectification", "hr_hospital", data={"rectification_report": "已整改到位"})
    act(clock, rr, "recheck_rectification_org_dept", "orgdept", comment="整改到位")

    # 5. Recall ending in a recall; the cadre stays silent and the statement deadline fires.
    clock.advance(minutes=30)
    rc = s.ids["recall_recalled"] = commands.open_recall(who("orgdept"), {
        "cadre_id": "c-wangqiang", "source": "assessment", "finding": "年度考核不称职",
        "evidence": ["考核结果"]}).id
    s.moments["opened"] = (clock.now(), ["verify_finding_org_dept"])
    act(clock, rc, "verify_finding_org_dept", "orgdept", comment="属实")
    s.moments["statement_open"] = (clock.now(), ["cadre_statement"])
    clock.advance(days=9)
    s.moments["deadline_passed_not_fired"] = (clock.now() - timedelta(seconds=1), ["cadre_statement"])
    fired = commands.fire_due_timers(rc, clock.now())
    assert [t.spec_id for t in fired.fired] == ["cadre_statement_deadline"], fired.fired
    s.moments["timer_fired"] = (clock.now(), ["county_decision"])
    act(clock, rc, "county_decision", "county", "recall", "予以召回")
    act(clock, rc, "record_accountability", "county", data={"accountability_measures": "诫勉谈话"})
    s.moments["nominating"] = (clock.now(), ["nominate_replacement"])
    act(clock, rc, "nominate_replacement", "hr_power",
        data={"nominee_id": "c-wuting", "effective_date": "2027-01-04"})
    done = act(clock, rc, "replacement_filing_org_dept", "orgdept", comment="同意")
    s.moments["ended"] = (clock.now(), [])
    s.ids["recall_handover"] = done.started[0].id
    return s
