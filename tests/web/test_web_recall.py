"""启动召回 from the pages: who may open one, the cadre picked by name, errors in Chinese next to
their fields, and the same command (and rules) as POST /api/v1/recalls."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from page_client import Browser

from service.persistence.db import db
from service.persistence.models import HistoryEvent, ProcessInstance

ZHANGWEI = "张伟（XX县教育局·上庄村 驻村第一书记）"
FORM = {"cadre_id": ZHANGWEI, "source": "supervision", "finding": "长期不在岗，群众反映强烈",
        "evidence": "督查通报\n\n考勤记录"}


@pytest.mark.parametrize("login", ["orgdept", "rrb", "county"])
def test_the_county_bodies_get_the_form_with_the_cadres_in_post(app: Any, clock: Any, login: str) -> None:
    page = Browser(app, login).get("/recalls/new")
    assert ">启动召回</a>" in page  # the menu
    assert f'<option value="{ZHANGWEI}">' in page
    assert "李娜（XX县人民医院·水口村 驻村第一书记）" in page  # every unit's: the county's reach
    assert "孙浩（" not in page  # not posted anywhere: nothing to recall from
    assert "日常监督检查" in page and "考核" in page


@pytest.mark.parametrize("login", ["hr_edu", "tw_qingshan", "auditor", "admin"])
def test_others_may_not_open_a_recall_as_in_the_api(app: Any, clock: Any, login: str) -> None:
    user = Browser(app, login)
    assert user.get("/recalls/new", status=403)
    assert ">启动召回</a>" not in user.get("/inbox")
    assert user.post("/recalls/new", FORM, page="/inbox").status_code == 403


def test_missing_fields_are_named_in_chinese_and_nothing_starts(app: Any, clock: Any) -> None:
    before = _count_recalls(app)
    response = Browser(app, "orgdept").post("/recalls/new", {"cadre_id": "", "finding": "  "})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "召回未启动：请按各栏提示修改。" in html
    assert 'data-error-for="cadre_id">请填写被召回干部的姓名，并从列表中选择。' in html
    assert 'data-error-for="source">请选择问题来源（日常监督检查或考核）。' in html
    assert 'data-error-for="finding">请填写发现的问题' in html
    assert _count_recalls(app) == before


def test_the_commands_own_checks_come_back_next_to_their_fields(app: Any, clock: Any) -> None:
    orgdept = Browser(app, "orgdept")
    long = orgdept.post("/recalls/new", {**FORM, "finding": "问" * 2001})
    assert long.status_code == 422
    html = long.get_data(as_text=True)
    assert 'data-error-for="finding">发现的问题过长：最多 2000 字，现为 2001 字。' in html
    assert "问" * 2001 in html  # what was written is kept
    evidence = orgdept.post("/recalls/new", {**FORM, "evidence": "材" * 201})
    assert 'data-error-for="evidence">证明材料过长：最多 200 字' in evidence.get_data(as_text=True)
    nobody = orgdept.post("/recalls/new", {**FORM, "cadre_id": "孙浩"})
    assert 'data-error-for="cadre_id">没有找到“孙浩”' in nobody.get_data(as_text=True)


def test_a_recall_starts_the_same_command_as_the_api(app: Any, clock: Any) -> None:
    orgdept = Browser(app, "orgdept")
    response = orgdept.post("/recalls/new", FORM)
    assert response.status_code == 302, response.get_data(as_text=True)
    instance_id = response.headers["Location"].rsplit("/", 1)[1]
    page = orgdept.get(f"/instances/{instance_id}")
    assert "召回案件已启动" in page and "驻村干部召回与问责" in page
    with app.app_context():
        row = db.session.get_one(ProcessInstance, instance_id)
        assert (row.process_key, row.cadre_id, row.village_id, row.submitter) == (
            "recall", "c-zhangwei", "v-shangzhuang", "orgdept")
        start = db.session.execute(sa.select(HistoryEvent).where(
            HistoryEvent.instance_id == instance_id, HistoryEvent.seq == 1)).scalar_one()
        assert start.kind == "start" and start.actor_login == "orgdept" and start.actor_role == "org_dept"
    # A second recall of the same cadre is the command's rule, shown at the picker.
    again = Browser(app, "rrb").post("/recalls/new", {**FORM, "source": "assessment"})
    assert again.status_code == 422
    assert 'data-error-for="cadre_id">该干部已有正在办理的召回案件' in again.get_data(as_text=True)


def _count_recalls(app: Any) -> int:
    with app.app_context():
        return db.session.execute(sa.select(sa.func.count()).select_from(ProcessInstance).where(
            ProcessInstance.process_key == "recall")).scalar_one()
