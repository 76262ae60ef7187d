"""POST /leaves and GET /leaves over HTTP: 请假 by the cadre, approvals in the approvers' own inbox
with the leave shown on the task, the return (销假) with its reminders, overlaps refused.

One module app and clock (2026-12-01 09:00 Beijing, moving forward only): 张伟 (上庄村, 青山镇,
教育局) takes leave; 刘洋 (same village) takes the long one.
"""

from __future__ import annotations

from datetime import datetime

import pytest
from process_helpers import Api, problem_fields

from service import commands
from service.persistence.db import db

SHORT = {"leave_type": "personal", "start_date": "2026-12-08", "end_date": "2026-12-10",
         "reason": "家中老人住院"}


@pytest.fixture
def api(client, auth, clock):
    return Api(client, auth)


def fire(app, instance_id: str, at: str) -> None:
    with app.app_context():
        commands.fire_due_timers(instance_id, datetime.fromisoformat(at))
        db.session.remove()


def test_refusals_name_the_field(api):
    body = api.post("cadre_zhangwei", "/leaves", {**SHORT, "leave_type": "holiday"}, status=422)
    assert "leave_type" in problem_fields(body)
    body = api.post("cadre_zhangwei", "/leaves", {**SHORT, "start_date": "2026-11-30"}, status=422)
    assert "不能早于今天" in problem_fields(body)["start_date"][0]
    body = api.post("cadre_zhangwei", "/leaves", {**SHORT, "end_date": "2026-12-07"}, status=422)
    assert "不能早于开始日期" in problem_fields(body)["end_date"][0]
    body = api.post("cadre_zhangwei", "/leaves", {**SHORT, "days": 3}, status=422)
    assert "days" in problem_fields(body)
    api.post("hr_edu", "/leaves", SHORT, status=403)
    body = api.post("cadre_sunhao", "/leaves", SHORT, status=422)  # not posted anywhere
    assert "没有在村任职" in body["detail"]
    # The generic start is not a way around the command (its checks and computed lengths).
    body = api.post("admin", "/definitions/leave/instances", {"data": {"cadre_id": "c-zhangwei"}}, status=403)
    assert body["type"].endswith("dedicated-command") and "POST /api/v1/leaves" in body["errors"]["key"][0]


def test_a_leave_is_approved_by_the_township_and_returned_by_the_cadre(app, api, clock):
    started = api.post("cadre_zhangwei", "/leaves", SHORT, status=201)
    iid = started["instance_id"]
    assert started["process"] == "leave"
    assert [t["spec_id"] for t in started["open_tasks"]] == ["township_approval"]
    # An overlapping second leave is refused, naming both dates.
    body = api.post("cadre_zhangwei", "/leaves", {**SHORT, "start_date": "2026-12-10",
                                                   "end_date": "2026-12-11"}, status=422)
    assert set(problem_fields(body)) == {"start_date", "end_date"} and "重叠" in body["detail"]
    # The township's own inbox; the task page's sections show the leave first.
    task = api.task_of("tw_qingshan", iid)
    assert task["name"] == "乡镇党委政府审批请假" and task["decision_names"] == {"approve": "准假",
                                                                               "reject": "不准假"}
    detail = api.get("tw_qingshan", f"/tasks/{task['id']}")
    first = detail["sections"][0]
    assert first["id"] == "leave" and first["focus"] is True
    rows = {r["label"]: r["value"] for r in first["rows"]}
    assert rows["请假日期"] == "2026-12-08 至 2026-12-10" and rows["请假类别"] == "事假"
    assert "工作日 3 天" in rows["请假天数"] and "乡镇审批即可" in rows["请假天数"]
    api.act("tw_qingshan", iid)
    [leave] = api.get("cadre_zhangwei", "/leaves?cadre_id=c-zhangwei")["items"]
    assert (leave["state"], leave["state_name"], leave["working_days"]) == ("approved", "已准假（待销假）", 3)
    # Nothing to do until the last day; then the cadre is asked, and reminded on working days.
    assert api.inbox("cadre_zhangwei") == []
    fire(app, iid, "2026-12-10T00:00:01+08:00")
    task = api.task_of("cadre_zhangwei", iid)
    assert task["spec_id"] == "confirm_return"
    form = api.get("cadre_zhangwei", f"/tasks/{task['id']}")
    assert [f["id"] for f in form["form_fields"]] == ["return_date", "return_note"]
    timers = {t["kind"]: t["fire_at"] for t in api.instance("cadre_zhangwei", iid)["timers"]}
    assert timers["reminder"].startswith("2026-12-10T16:00:01") and timers["escalation"].startswith(
        "2026-12-14T16:00:01")  # Fri 11 and Tue 15 December, 00:00:01 Beijing
    fire(app, iid, "2026-12-11T08:00:00+08:00")
    reminded = api.get("cadre_zhangwei", "/notifications?unread=true")["items"]
    assert any(n["kind"] == "reminder" and "销假" in n["message"] for n in reminded)
    fire(app, iid, "2026-12-15T08:00:00+08:00")
    escalated = api.get("tw_qingshan", "/notifications?unread=true")["items"]
    assert any(n["kind"] == "escalation" and "销假" in n["message"] for n in escalated)
    clock.set(datetime.fromisoformat("2026-12-15T09:00:00+08:00"))
    body = api.act("cadre_zhangwei", iid, data={"return_date": "2026-12-16"}, status=422)
    assert "不能晚于今天" in problem_fields(body)["data.return_date"][0]
    api.act("cadre_zhangwei", iid, data={"return_date": "2026-12-14", "return_note": "11 日晚返村"})
    assert api.instance("auditor", iid)["status"] == "completed"
    [leave] = api.get("hr_edu", "/leaves?cadre_id=c-zhangwei&year=2026")["items"]
    assert (leave["state"], leave["return_date"]) == ("returned", "2026-12-14")


def test_a_long_leave_goes_to_the_county_and_the_others_see_only_their_own(api):
    # 17 to 31 December: 11 working days.
    long = {**SHORT, "start_date": "2026-12-17", "end_date": "2026-12-31", "leave_type": "sick",
            "reason": "手术住院"}
    iid = api.post("cadre_liuyang", "/leaves", long, status=201)["instance_id"]
    api.act("tw_qingshan", iid)
    task = api.task_of("county", iid)
    assert task["spec_id"] == "county_approval"
    rows = {r["label"]: r["value"] for r in api.get("county", f"/tasks/{task['id']}")["sections"][0]["rows"]}
    assert "须报县驻村工作领导小组审批" in rows["请假天数"]
    api.act("county", iid, "reject", comment="年底考核期间，请调整")
    assert api.instance("cadre_liuyang", iid)["status"] == "rejected"
    assert api.get("cadre_liuyang", "/leaves?state=rejected")["total"] == 1
    # Another unit's HR and another township read none of 青山镇's leaves; the cadre only their own.
    assert api.get("hr_hospital", "/leaves")["total"] == 0
    assert api.get("tw_baishui", "/leaves")["total"] == 0
    assert {i["cadre_id"] for i in api.get("cadre_liuyang", "/leaves")["items"]} == {"c-liuyang"}
    api.get("tw_baishui", f"/instances/{iid}", status=404)
    assert api.get("county", "/leaves?year=2026")["total"] >= 2
