"""A case tells people when it reaches them: a new task to those who may act on it, a return, a
rejection or the end to its submitter; a refused command tells nobody."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from command_helpers import open_tasks, request, who

from service import commands
from service.core.errors import ApiError
from service.persistence.db import db
from service.persistence.models import Notification


def notices(login: str) -> list[tuple[str, str]]:
    return [(n.kind, n.message) for n in db.session.execute(
        sa.select(Notification).where(Notification.login == login).order_by(Notification.id)).scalars()]


@pytest.fixture
def fresh(make_app):
    app = make_app()
    with app.app_context():
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
