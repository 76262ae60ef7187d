"""The forms and the submitter's pages: landing pages by role, people picked by name (an ambiguous
name asks to choose), the revision form's name picker and evidence, withdrawing with a confirmation
and a reason, 我的申请 with the current step, its holders, its deadline in working days, the reason
of a return and the 催办 button; the unread count on every page."""

from __future__ import annotations

import re
from typing import Any

import pytest
from page_client import Browser

REQUEST = {"cadre_id": "张伟", "reason": "health", "justification": "", "nominee_id": "郑凯",
           "effective_date": "2026-12-20", "evidence": "体检报告"}
TASK_LINK = re.compile(r'href="/tasks/([^"]+)">([^<]+)</a>')


@pytest.fixture(scope="module")
def flow(app: Any, clock: Any) -> dict[str, str]:
    return {}


def _task(user: Browser, name: str) -> str:
    ids = [tid for tid, text in TASK_LINK.findall(user.get("/inbox")) if text == name]
    assert len(ids) == 1, (name, ids)
    return ids[0]


@pytest.mark.parametrize("login, landing", [
    ("hr_edu", "/requests"), ("auditor", "/audit"), ("admin", "/roster"), ("county", "/inbox"),
    ("tw_qingshan", "/inbox"), ("cadre_zhangwei", "/inbox"),
])
def test_each_role_lands_on_its_own_page(app: Any, clock: Any, login: str, landing: str) -> None:
    user = Browser.__new__(Browser)
    user.client = app.test_client()
    page = user.client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token is not None
    response = user.client.post("/login", data={"login": login, "password": login,
                                                "csrf_token": token.group(1)})
    assert response.status_code == 302 and response.headers["Location"] == landing
    assert user.client.get("/").headers["Location"] == landing


def test_unit_hr_landing_page_offers_the_request_prominently(app: Any, clock: Any) -> None:
    page = Browser(app, "hr_edu").get("/requests")
    assert re.search(r'<a class="primary" id="new-request" href="/requests/new">提出调整申请</a>', page)


def test_a_request_names_people_by_name_and_an_ambiguous_name_asks_to_choose(
        app: Any, clock: Any, flow: dict[str, str]) -> None:
    from datetime import date

    from service.persistence.db import db
    from service.persistence.models import Cadre

    hr = Browser(app, "hr_edu")
    with app.app_context():  # a second 郑凯 in the same unit
        db.session.add(Cadre(id="c-zhengkai2", name="郑凯", unit_id="unit-edu", party_status="formal",
                             party_member_since=date(2015, 7, 1), work_start_date=date(2012, 8, 1),
                             employment_type="permanent"))
        db.session.commit()
    response = hr.post("/requests/new", REQUEST)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert re.search(r'data-error-for="nominee_id">“郑凯”对应 2 人：郑凯（XX县教育局·未驻村）、'
                     r"郑凯（XX县教育局·未驻村）。请从列表中选择其中一人。", html), html
    response = hr.post("/requests/new", {**REQUEST, "nominee_id": "无此人"})
    assert "没有找到“无此人”" in response.get_data(as_text=True)
    with app.app_context():
        db.session.delete(db.session.get(Cadre, "c-zhengkai2"))
        db.session.commit()
    response = hr.post("/requests/new", REQUEST)  # typing 郑凯 works once the name is unique
    assert response.status_code == 302, response.get_data(as_text=True)
    flow["instance"] = response.headers["Location"].rsplit("/", 1)[1]
    assert "上庄村 张伟 → 郑凯" in hr.get(f"/instances/{flow['instance']}")


def test_a_past_effective_date_is_refused_on_the_form(app: Any, clock: Any) -> None:
    response = Browser(app, "hr_edu").post("/requests/new", {**REQUEST, "cadre_id": "赵敏",
                                                              "effective_date": "2026-11-30"})
    assert response.status_code == 422
    assert re.search(r'data-error-for="effective_date">生效日期不能早于今天（2026-12-01），现为 2026-11-30。',
                     response.get_data(as_text=True))


def test_my_requests_shows_the_step_its_holders_and_the_deadline_in_working_days(
        app: Any, clock: Any, flow: dict[str, str]) -> None:
    page = Browser(app, "hr_edu").get("/requests")
    row = page[page.index(f'data-instance="{flow["instance"]}"'):]
    row = row[:row.index("</tr>")]
    assert "「乡镇党委政府审核」" in row and "乡镇党委政府（青山镇" in row
    # submitted Tuesday 2026-12-01 09:00; due 5 working days later (Tuesday 12-08)
    assert re.search(r'<span class="deadline deadline-normal" title="2026-12-08 09:00（北京时间）">'
                     r"剩余 5 个工作日（12月8日）</span>", row), row
    assert ">催办</button>" in row and ">撤回…</a>" in row


def test_the_submitter_urges_once_a_day_and_the_holders_are_told(app: Any, clock: Any,
                                                                flow: dict[str, str]) -> None:
    hr = Browser(app, "hr_edu")
    page = hr.get("/requests")
    action = re.search(rf'action="(/requests/{flow["instance"]}/urge/[^"]+)"', page)
    assert action is not None
    response = hr.post(action.group(1), {}, page="/requests")
    assert response.status_code == 302
    page = hr.get("/requests")
    assert "已催办「乡镇党委政府审核」，已通知 1 位办理人。" in page and "今日已催办" in page
    assert not re.search(rf'action="/requests/{flow["instance"]}/urge/', page)
    response = hr.client.post(action.group(1), data={"csrf_token": re.search(
        r'name="csrf_token" value="([^"]+)"', page).group(1)})  # type: ignore[union-attr]
    assert "每个任务每天只能催办一次" in hr.get("/requests")
    told = Browser(app, "tw_qingshan").get("/notifications")
    assert "【催办】教育局人事股 王芳（派出单位（人事部门））催办「乡镇党委政府审核」" in told


def test_deadlines_turn_amber_then_red_in_the_inbox(app: Any, clock: Any, flow: dict[str, str]) -> None:
    township = Browser(app, "tw_qingshan")
    assert "剩余 5 个工作日（12月8日）" in township.get("/inbox")
    clock.advance(days=6)  # Monday 12-07 09:00: one working day left (signed in afresh: sessions idle out)
    page = Browser(app, "tw_qingshan").get("/inbox")
    assert re.search(r'deadline-soon[^>]*>剩余 1 个工作日（12月8日）<', page)
    clock.advance(days=3)  # Thursday 12-10 09:00: overdue since Tuesday 09:00
    township = Browser(app, "tw_qingshan")
    page = township.get("/inbox")
    assert re.search(r'deadline-overdue[^>]*>已逾期 2 个工作日（12月8日到期）<', page)
    task = _task(township, "乡镇党委政府审核")
    assert "已逾期 2 个工作日（12月8日到期）" in township.get(f"/tasks/{task}")
    assert "已逾期 2 个工作日" in township.get(f"/instances/{flow['instance']}")


def test_a_return_shows_its_reason_and_the_revision_picks_the_nominee_by_name(
        app: Any, clock: Any, flow: dict[str, str]) -> None:
    township = Browser(app, "tw_qingshan")
    task = _task(township, "乡镇党委政府审核")
    response = township.post(f"/tasks/{task}/complete", {"decision": "return", "comment": "请补充医院证明"},
                             page=f"/tasks/{task}")
    assert response.status_code == 302
    hr = Browser(app, "hr_edu")
    page = hr.get("/requests")
    assert "「乡镇党委政府审核」退回修改：请补充医院证明" in page
    assert "今日已催办" not in page  # the revision is the submitter's own step: nothing to urge
    revise = _task(hr, "修改调整申请")
    form = hr.get(f"/tasks/{revise}")
    assert 'list="nominee-options"' in form and 'value="郑凯（XX县教育局·未驻村）"' in form
    assert "<option value=\"孙浩（XX县教育局·未驻村）\">" in form
    assert '<textarea name="evidence" rows="3">体检报告</textarea>' in form
    response = hr.post(f"/tasks/{revise}/complete", {
        "decision": "resubmit", "comment": "已补充", "data.reason": "health",
        "data.nominee_id": "不存在的人", "evidence": "体检报告\n医院诊断证明"}, page=f"/tasks/{revise}")
    assert response.status_code == 422
    assert 'data-error-for="data.nominee_id">没有找到“不存在的人”' in response.get_data(as_text=True)
    response = hr.post(f"/tasks/{revise}/complete", {
        "decision": "resubmit", "comment": "已补充", "data.reason": "health", "data.nominee_id": "孙浩",
        "evidence": "体检报告\n医院诊断证明"}, page=f"/tasks/{revise}")
    assert response.status_code == 302, response.get_data(as_text=True)
    page = hr.get(f"/instances/{flow['instance']}")
    assert "上庄村 张伟 → 孙浩" in page and "医院诊断证明" in page


def test_withdrawing_asks_for_confirmation_and_a_reason(app: Any, clock: Any) -> None:
    hr = Browser(app, "hr_edu")
    response = hr.post("/requests/new", {**REQUEST, "cadre_id": "刘洋", "nominee_id": "郑凯",
                                         "effective_date": "2026-12-21"})
    assert response.status_code == 302, response.get_data(as_text=True)
    instance = response.headers["Location"].rsplit("/", 1)[1]
    confirm = hr.get(f"/requests/{instance}/withdraw")
    assert "撤回后本申请即告结束，不能恢复" in confirm and 'id="confirm-withdraw"' in confirm
    confirm_page = f"/requests/{instance}/withdraw"
    response = hr.post(confirm_page, {"reason": " "}, page=confirm_page)
    assert response.status_code == 422
    assert 'data-error-for="reason">请填写撤回原因' in response.get_data(as_text=True)
    assert "办理中" in hr.get(f"/instances/{instance}")  # nothing happened yet
    response = hr.post(f"/requests/{instance}/withdraw", {"reason": "人选另有安排"},
                       page=f"/requests/{instance}/withdraw")
    assert response.status_code == 302
    page = hr.get(f"/instances/{instance}")
    assert "已撤回" in page and "人选另有安排" in page
    assert "撤回原因：人选另有安排" in Browser(app, "tw_qingshan").get("/notifications")


@pytest.mark.parametrize("path", ["/inbox", "/done", "/requests", "/requests/new", "/roster/cadres",
                                  "/notifications", "/coverage"])
def test_the_unread_count_is_in_the_menu_on_every_page(app: Any, clock: Any, path: str) -> None:
    from service.persistence.db import db
    from service.persistence.models import Notification

    hr = Browser(app, "hr_edu")
    with app.app_context():
        unread = db.session.query(Notification).filter_by(login="hr_edu", read_at=None).count()
    assert unread > 0  # the case's steps told the submitter
    page = hr.get(path)
    assert f'<span class="badge" id="unread">{unread}</span>' in page, path
