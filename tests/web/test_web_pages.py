"""Web pages through the Flask test client: the first-secretary replacement from the HR form to the
handover, inline errors, jurisdiction (404, as in the API), claim/transfer, notifications, auditor pages."""

from __future__ import annotations

import io
import json
import re
from typing import Any
from urllib.parse import quote

import pytest
from page_client import Browser as PageClient

TASK_LINK = re.compile(r'href="/tasks/([^"]+)">([^<]+)</a>')

REQUEST = {"cadre_id": "c-zhangwei", "reason": "health", "justification": "", "nominee_id": "c-sunhao",
           "effective_date": "2026-12-20", "evidence": "体检报告\n医院诊断证明"}


def diagram_ids(page: str, which: str) -> list[str]:
    """The element ids the case page hands to its diagram viewer (data-completed / data-active)."""
    found = re.search(rf"data-{which}='([^']*)'", page)
    assert found is not None, which
    return list(json.loads(found.group(1)))


class Browser(PageClient):
    """A signed-in page user who also finds a task of their inbox by its name."""

    def task_id(self, name: str) -> str:
        ids = [tid for tid, text in TASK_LINK.findall(self.get("/inbox")) if text == name]
        assert len(ids) == 1, (name, ids)
        return ids[0]


@pytest.fixture(scope="module")
def flow(app: Any, clock: Any) -> dict[str, str]:
    """State shared by the ordered tests of this module (one database)."""
    return {}


def test_hr_form_lists_only_the_units_posted_cadres_and_nominee_eligibility(app: Any, clock: Any) -> None:
    page = Browser(app, "hr_edu").get("/requests/new")
    assert "<option value=\"张伟（XX县教育局·上庄村 驻村第一书记）\">" in page  # picked by name, not by id
    assert "李娜" not in page  # another unit's cadre
    assert "孙浩（可任第一书记）" in page and "钱立（不可任第一书记）" in page
    assert "驻村第一书记须为中共正式党员" in page  # the reason is shown, not just the verdict


def test_invalid_request_shows_the_rules_next_to_the_fields(app: Any, clock: Any) -> None:
    hr = Browser(app, "hr_edu")
    response = hr.post("/requests/new", {**REQUEST, "reason": "other", "nominee_id": "c-qianli"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert re.search(r'data-error-for="justification">原因为“其他”时须填写具体理由', html)
    assert re.search(r'data-error-for="nominee_id">驻村第一书记须为中共正式党员', html)
    assert 'value="c-qianli"' in html  # the form keeps what was entered
    response = hr.post("/requests/new", {**REQUEST, "effective_date": "", "cadre_id": ""})
    html = response.get_data(as_text=True)
    assert 'data-error-for="effective_date"' in html and 'data-error-for="cadre_id"' in html
    assert "我的申请" in hr.get("/requests") and "驻村干部中途调整" not in hr.get("/requests")


def test_hr_submits_and_sees_the_request(app: Any, clock: Any, flow: dict[str, str]) -> None:
    hr = Browser(app, "hr_edu")
    response = hr.post("/requests/new", REQUEST)
    assert response.status_code == 302, response.get_data(as_text=True)
    flow["instance"] = response.headers["Location"].rsplit("/", 1)[1]
    page = hr.get(f"/instances/{flow['instance']}")
    assert re.search(r'<li class="step current"><span class="state">当前</span>'
                     r'<span class="name">乡镇党委政府审核', page)
    assert "township_consent" in diagram_ids(page, "active")
    assert "办理中" in page and "发起" in page
    mine = hr.get("/requests")
    assert "上庄村 张伟 → 孙浩" in mine and "撤回" in mine
    clock.advance(hours=2)  # the approvals come later: the auditor looks back to this moment


def test_other_township_gets_404_on_the_task_like_the_api(app: Any, clock: Any, tokens: dict[str, str],
                                                           flow: dict[str, str]) -> None:
    """Same rule, same answer: a task or instance the user may not see is 404 on the page and in the
    API, exactly as for an id that does not exist (its existence does not leak)."""
    task_id = Browser(app, "tw_qingshan").task_id("乡镇党委政府审核")
    flow["township_task"] = task_id
    other = Browser(app, "tw_baishui")
    api = {"Authorization": f"Bearer {tokens['tw_baishui']}"}
    hidden = other.get(f"/tasks/{task_id}", status=404)
    missing = other.get("/tasks/no-such-task", status=404)
    assert hidden.replace(task_id, "ID") == missing.replace("no-such-task", "ID")
    assert "不存在或无权查看" in hidden
    for path in (f"/tasks/{task_id}", "/tasks/no-such-task", f"/instances/{flow['instance']}",
                 "/instances/no-such-instance"):
        assert other.client.get(path).status_code == 404, path
        assert other.client.get(f"/api/v1{path}", headers=api).status_code == 404, path
    assert task_id not in other.get("/inbox")
    for action in ("complete", "claim", "unclaim", "transfer"):
        response = other.post(f"/tasks/{task_id}/{action}", {"decision": "approve"}, page="/inbox")
        assert response.status_code == 404, action
    # Seeing is not acting: the unit's HR sees the task (its own request) but may not decide it.
    hr = Browser(app, "hr_edu")
    assert "乡镇党委政府审核" in hr.get(f"/tasks/{task_id}")
    assert hr.post(f"/tasks/{task_id}/complete", {"decision": "approve"}, page="/inbox").status_code == 403
    # The nominee does not read the request that names him (张伟's health is its reason).
    nominee = Browser(app, "cadre_sunhao")
    assert nominee.client.get(f"/instances/{flow['instance']}").status_code == 404
    assert nominee.client.get(f"/tasks/{task_id}").status_code == 404


def test_reject_without_comment_is_refused_next_to_the_comment(app: Any, clock: Any,
                                                                flow: dict[str, str]) -> None:
    township = Browser(app, "tw_qingshan")
    task = flow["township_task"]
    page = township.get(f"/tasks/{task}")
    assert "张伟" in page and "孙浩" in page and "符合条件" in page and "身体健康原因" in page
    response = township.post(f"/tasks/{task}/complete", {"decision": "reject", "comment": " "},
                             page=f"/tasks/{task}")
    assert response.status_code == 422
    assert 'data-error-for="comment"' in response.get_data(as_text=True)
    response = township.post(f"/tasks/{task}/complete", {}, page=f"/tasks/{task}")
    assert 'data-error-for="decision"' in response.get_data(as_text=True)


def test_claim_and_unclaim(app: Any, clock: Any, flow: dict[str, str]) -> None:
    township = Browser(app, "tw_qingshan")
    task = flow["township_task"]
    assert "认领后可转办" in township.get(f"/tasks/{task}")  # transfer is for the claimant only
    township.post(f"/tasks/{task}/claim", {}, page=f"/tasks/{task}")
    assert 'id="claimed-by">青山镇党委 黄磊' in township.get(f"/tasks/{task}")  # a name, not the login
    assert "认领后可转办" not in township.get(f"/tasks/{task}")
    township.post(f"/tasks/{task}/unclaim", {}, page=f"/tasks/{task}")
    assert 'id="claimed-by"' not in township.get(f"/tasks/{task}")


def test_approvals_lead_to_the_handover(app: Any, clock: Any, flow: dict[str, str]) -> None:
    for login, name in (("tw_qingshan", "乡镇党委政府审核"), ("county", "县驻村工作领导小组审核"),
                        ("orgdept", "县委组织部审核备案")):
        user = Browser(app, login)
        task = user.task_id(name)
        response = user.post(f"/tasks/{task}/complete", {"decision": "approve", "comment": "同意"},
                             page=f"/tasks/{task}")
        assert response.status_code == 302, response.get_data(as_text=True)
        assert task not in user.get("/inbox")
        assert name in user.get("/done")
    assert "予以备案" in Browser(app, "orgdept").get("/done")  # the filing step's own word
    handover = response.headers["Location"].rsplit("/", 1)[1]
    page = Browser(app, "orgdept").get(f"/instances/{handover}")
    assert "工作交接" in page and "confirm_arrival" in diagram_ids(page, "active")
    assert "确认新任干部到岗" in Browser(app, "tw_qingshan").get("/inbox")
    done = Browser(app, "hr_edu").get(f"/instances/{flow['instance']}")
    assert "已办结" in done and handover in done
    flow["handover"] = handover


def test_withdraw_from_my_requests_is_refused_after_a_decision(app: Any, clock: Any,
                                                               flow: dict[str, str]) -> None:
    hr = Browser(app, "hr_edu")
    response = hr.post(f"/requests/{flow['instance']}/withdraw", {"reason": "不再需要"}, page="/requests")
    assert response.status_code == 302
    assert "流程已结束，不能撤回" in hr.get("/requests")


def test_notifications_are_listed_and_marked_read(app: Any, clock: Any) -> None:
    from service.persistence.db import db
    from service.persistence.models import Notification

    county = Browser(app, "county")
    county.post("/notifications/read", {}, page="/notifications")  # the earlier flows' notices
    with app.app_context():
        db.session.add_all([Notification(login="county", kind="reminder", message="请尽快办理：测试提醒一"),
                            Notification(login="county", kind="escalation", message="测试督办二"),
                            Notification(login="rrb", kind="reminder", message="别人的提醒")])
        db.session.commit()
        mine = [n.id for n in db.session.query(Notification).filter_by(login="county", read_at=None)]
    page = county.get("/notifications")
    assert "测试提醒一" in page and "别人的提醒" not in page and 'id="unread">2<' in page
    county.post("/notifications/read", {"id": str(mine[0])}, page="/notifications")
    assert 'id="unread">1<' in county.get("/notifications")
    county.post("/notifications/read", {}, page="/notifications")
    assert 'id="unread"' not in county.get("/notifications")


def test_auditor_searches_verifies_and_sees_a_past_state(app: Any, clock: Any, flow: dict[str, str]) -> None:
    auditor = Browser(app, "auditor")
    found = auditor.get("/audit?process=mid_term_replacement&cadre=张伟&status=completed")
    assert flow["instance"] in found
    assert flow["instance"] not in auditor.get("/audit?village=东坪村")
    page = auditor.get(f"/audit/instances/{flow['instance']}?verify=1")
    assert re.search(r"哈希链</dt><dd class=\"ok\">完整", page)
    assert re.search(r"重放</dt><dd class=\"ok\">一致", page)
    # The request was submitted at the module clock's start (09:00 Beijing); approvals came at 11:00.
    page = auditor.get(f"/audit/instances/{flow['instance']}?at=2026-12-01T10:00:00")
    assert "乡镇党委政府审核" in page and "办理中" in page
    page = auditor.get(f"/audit/instances/{flow['instance']}?at=2020-01-01T00:00:00")
    assert "该时刻实例尚未发起" in page
    assert Browser(app, "hr_edu").get(f"/audit/instances/{flow['instance']}", status=403)


def test_auditor_exports_the_ledger_as_excel(app: Any, clock: Any, flow: dict[str, str]) -> None:
    from openpyxl import load_workbook

    auditor = Browser(app, "auditor")
    assert 'name="year" min="2000" max="2100" value="2026"' in auditor.get("/audit")  # this year first
    for query, name in (("start=2026-12-01&end=2026-12-01", "审批台账_2026-12-01_2026-12-01.xlsx"),
                        ("year=2026", "审批台账_2026年.xlsx")):
        response = auditor.client.get(f"/audit/export?{query}")
        assert response.status_code == 200
        assert response.data[:2] == b"PK"  # an .xlsx is a zip
        assert "attachment" in response.headers["Content-Disposition"]
        assert quote(name) in response.headers["Content-Disposition"]
        book = load_workbook(io.BytesIO(response.data))
        assert book.sheetnames == ["案件", "办理经过"]
        cases = [row for row in book["案件"].iter_rows(min_row=2, values_only=True)]
        assert [(c[0], c[2], c[3], c[10]) for c in cases if c[10] == flow["instance"]] == [
            ("驻村干部中途调整", "上庄村", "张伟", flow["instance"])]
        events = [row for row in book["办理经过"].iter_rows(min_row=2, values_only=True)]
        assert any(e[11] == flow["instance"] and e[5] == "发起" for e in events)
    assert auditor.client.get("/audit/export?year=2025").status_code == 200  # a year without history
    for query in ("start=2026-12-02&end=2026-12-01", "year=abc", "year=1999"):
        assert auditor.client.get(f"/audit/export?{query}").status_code == 400
    assert Browser(app, "orgdept").client.get("/audit/export?year=2026").status_code == 403


def test_auditor_pages_refuse_years_out_of_range(app: Any, clock: Any, flow: dict[str, str]) -> None:
    """Near years 1 and 9999 the time zone conversion and the day arithmetic overflowed."""
    auditor = Browser(app, "auditor")
    for at in ("0001-01-01T00:00", "9999-12-31T23:59"):
        page = auditor.get(f"/audit/instances/{flow['instance']}?at={at}")
        assert "时间须在 2000 至 2100 年之间" in page
    for query in ("start=2026-12-01&end=9999-12-31", "start=0001-01-01&end=2026-12-01"):
        response = auditor.client.get(f"/audit/export?{query}")
        assert response.status_code == 400
        assert "须在 2000 至 2100 年之间" in response.get_data(as_text=True)
