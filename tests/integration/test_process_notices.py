"""A case tells people when it reaches them: a new task to those who may act on it, a return, a
rejection or the end to its submitter; a refused command tells nobody."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from command_helpers import open_tasks, request, who
from timer_helpers import at_clock, bj

from service import commands
from service.core.errors import ApiError
from service.persistence.db import db
from service.persistence.models import Notification


def notices(login: str) -> list[tuple[str, str]]:
    return [(n.kind, n.message) for n in db.session.execute(
        sa.select(Notification).where(Notification.login == login).order_by(Notification.id)).scalars()]


@pytest.fixture
def fresh(make_app):
    # The requests' effective date (2026-12-20) must not be in the past: the clock is fixed.
    with at_clock(make_app(), bj(2026, 12, 1, 9)):
        yield


def test_a_new_task_reaches_the_people_who_may_act_on_it(fresh):
    row = commands.submit_adjustment(who("hr_edu"), request())
    (task,) = open_tasks(row.id)
    (kind, text), = notices("tw_qingshan")
    assert kind == "task"
    assert text.startswith("【新待办】「驻村干部中途调整」（上庄村·张伟）：请办理「")
    assert task.name in text and "（北京时间）" in text
    assert notices("tw_baishui") == []  # another township's task list stays quiet
    assert notices("hr_edu") == []  # the submitter is not told of their own step


def test_a_return_tells_the_submitter_once_with_the_reason(fresh):
    row = commands.submit_adjustment(who("hr_edu"), request())
    (task,) = open_tasks(row.id)
    commands.complete_task(who("tw_qingshan"), task.id, "return", "请补充医院证明")
    assert notices("hr_edu") == [("returned", "【退回修改】「驻村干部中途调整」（上庄村·张伟）"
                                                "「乡镇党委政府审核」：退回修改，理由：请补充医院证明。"
                                                "请修改后重新提交。")]


def test_the_end_of_a_case_reaches_its_submitter(fresh):
    row = commands.submit_adjustment(who("hr_edu"), request())
    for login in ("tw_qingshan", "county", "orgdept"):
        (task,) = open_tasks(row.id)
        commands.complete_task(who(login), task.id, "approve", "同意")
    # the filing step's own word, not the general 同意
    assert notices("hr_edu")[-1] == ("completed", "【已办结】「驻村干部中途调整」（上庄村·张伟）"
                                                  "「县委组织部审核备案」：予以备案，意见：同意。")
    kinds = [kind for kind, _ in notices("county")]
    assert kinds.count("task") == 1  # the county's consent step


def test_a_rejection_reaches_its_submitter(fresh):
    row = commands.submit_adjustment(who("hr_edu"), request())
    (task,) = open_tasks(row.id)
    commands.complete_task(who("tw_qingshan"), task.id, "reject", "人选不合适")
    assert notices("hr_edu") == [("rejected", "【未通过】「驻村干部中途调整」（上庄村·张伟）"
                                                "「乡镇党委政府审核」：不同意，理由：人选不合适。")]


def test_a_refused_command_tells_nobody(fresh):
    row = commands.submit_adjustment(who("hr_edu"), request())
    (task,) = open_tasks(row.id)
    before = db.session.execute(sa.select(sa.func.count()).select_from(Notification)).scalar()
    with pytest.raises(ApiError):
        commands.complete_task(who("tw_baishui"), task.id, "approve", "")
    assert db.session.execute(sa.select(sa.func.count()).select_from(Notification)).scalar() == before


# --- one notification per person per event, for every kind of event --------------------------------

def _counts() -> dict[str, list[tuple[str, str]]]:
    out: dict[str, list[tuple[str, str]]] = {}
    for n in db.session.execute(sa.select(Notification).order_by(Notification.id)).scalars():
        out.setdefault(n.login, []).append((n.kind, n.message))
    return out


def _new_since(before: dict[str, list[tuple[str, str]]]) -> dict[str, list[tuple[str, str]]]:
    after = _counts()
    return {login: items[len(before.get(login, [])):] for login, items in after.items()
            if len(items) > len(before.get(login, []))}


def _event(action) -> dict[str, tuple[str, str]]:
    """Run `action`; the notifications it made, by login, each person exactly one."""
    before = _counts()
    action()
    made = _new_since(before)
    assert all(len(items) == 1 for items in made.values()), made
    return {login: items[0] for login, items in made.items()}


def _kinds(made: dict[str, tuple[str, str]]) -> dict[str, str]:
    return {login: kind for login, (kind, _) in made.items()}


def test_each_step_tells_each_person_concerned_once(fresh):
    from service.queries.holders import role_holders

    county = role_holders("county", "county")
    orgdept = role_holders("org_dept", "county")
    made = _event(lambda: commands.submit_adjustment(who("hr_edu"), request()))
    assert _kinds(made) == {"tw_qingshan": "task"}
    row = db.session.execute(sa.select(Notification.instance_id)).scalars().first()

    def act(login, decision="approve", comment="同意", data=None):
        (task,) = open_tasks(row)
        return lambda: commands.complete_task(who(login), task.id, decision, comment, data)

    # township consent: the county gets the task, the submitter hears how far the case got
    made = _event(act("tw_qingshan"))
    assert _kinds(made) == {**{login: "task" for login in county}, "hr_edu": "progress"}
    kind, text = made["hr_edu"]
    assert text.startswith("【办理进展】「驻村干部中途调整」（上庄村·张伟）：「")
    assert "（乡镇党委政府）办理（同意），现由县驻村工作领导小组（" in text
    # a return: the submitter only (the revision task is theirs: no second notice for it)
    made = _event(act("county", "return", "请补充材料"))
    assert _kinds(made) == {"hr_edu": "returned"}
    # the submitter resubmits: the township is told, the submitter (who acted) is not
    made = _event(act("hr_edu", "resubmit", "已补充", {"justification": "已补充"}))
    assert _kinds(made) == {"tw_qingshan": "task"}
    made = _event(act("tw_qingshan"))
    assert _kinds(made) == {**{login: "task" for login in county}, "hr_edu": "progress"}
    made = _event(act("county"))
    assert _kinds(made) == {**{login: "task" for login in orgdept}, "hr_edu": "progress"}
    # filing completes the case and starts the handover: the end to the submitter, the arrival
    # step to the township (the handover's start is no step of the submitter's to hear about)
    made = _event(act("orgdept"))
    assert _kinds(made) == {"hr_edu": "completed", "tw_qingshan": "task"}


def test_a_withdrawal_tells_the_holders_of_the_open_task_with_the_reason(fresh):
    row = commands.submit_adjustment(who("hr_edu"), request())
    made = _event(lambda: commands.withdraw_instance(who("hr_edu"), row.id, "人选另有安排"))
    assert _kinds(made) == {"tw_qingshan": "withdrawn"}
    assert made["tw_qingshan"][1] == (
        "【已撤回】「驻村干部中途调整」（上庄村·张伟）已由申请人教育局人事股 王芳"
        "撤回，「乡镇党委政府审核」无需再办理。撤回原因：人选另有安排。")


def test_a_withdrawal_needs_a_reason_and_records_it(fresh):
    from service.core.errors import ValidationFailed
    from service.persistence.models import HistoryEvent

    row = commands.submit_adjustment(who("hr_edu"), request())
    with pytest.raises(ValidationFailed) as refused:
        commands.withdraw_instance(who("hr_edu"), row.id, "  ")
    assert refused.value.errors == {"reason": ["请填写撤回原因。"]}
    commands.withdraw_instance(who("hr_edu"), row.id, "人选另有安排")
    event = db.session.execute(sa.select(HistoryEvent).where(
        HistoryEvent.instance_id == row.id, HistoryEvent.kind == "withdraw")).scalar_one()
    assert event.comment == "人选另有安排" and event.inputs["reason"] == "人选另有安排"


def test_a_termination_tells_the_submitter_and_the_holders_once(fresh):
    row = commands.submit_adjustment(who("hr_edu"), request())
    made = _event(lambda: commands.terminate_instance(who("admin"), row.id, "重复录入"))
    assert _kinds(made) == {"hr_edu": "terminated", "tw_qingshan": "terminated"}
    assert "「乡镇党委政府审核」无需再办理" in made["tw_qingshan"][1]


def test_a_handover_step_tells_the_next_holder_and_the_submitter(fresh, make_app):
    row = commands.submit_adjustment(who("hr_edu"), request(effective_date=_today()))
    for login in ("tw_qingshan", "county", "orgdept"):
        (task,) = open_tasks(row.id)
        commands.complete_task(who(login), task.id, "approve", "同意")
    handover = db.session.execute(sa.select(Notification.instance_id).where(
        Notification.login == "tw_qingshan", Notification.instance_id != row.id)).scalars().first()
    (task,) = open_tasks(handover)
    made = _event(lambda: commands.complete_task(who("tw_qingshan"), task.id, "approve", None,
                                                 {"arrival_date": _today().isoformat()}))
    assert _kinds(made) == {"cadre_zhangwei": "task", "hr_edu": "progress"}
    assert made["hr_edu"][1].endswith("现由驻村干部（张伟）办理「原任干部编制交接清单」。"), made["hr_edu"]


def _today():
    from service.config import get_settings
    from service.core.clock import now

    return now().astimezone(get_settings().tz).date()
