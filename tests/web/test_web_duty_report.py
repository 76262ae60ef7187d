"""The unit's half-year duty report in the pages: its task page shows the year's standards and the
first-secretary villages the work funds are owed for, the form asks for the funds and the 3-year
plan and no insurance, and a short second half-year is flagged on the Organization Department's
page, naming both villages."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from page_client import Browser
from process_helpers import Api

from service.commands import fire_due_timers


def task_id(api: Api, login: str, iid: str) -> str:
    return api.task_of(login, iid)["id"]


def test_the_report_page_shows_what_is_owed_per_village(app: Any, client: Any, auth: Any, clock: Any) -> None:
    api = Api(client, auth)
    iid = api.post("orgdept", "/definitions/unit_duties/instances",
                   {"data": {"unit_id": "unit-edu", "year": 2027}}, status=201)["instance_id"]
    clock.set(datetime.fromisoformat("2027-06-02T09:00:00+08:00"))
    with app.app_context():
        fire_due_timers(iid, clock.now())
    hr = Browser(app, "hr_edu")
    page = hr.get(f"/tasks/{task_id(api, 'hr_edu', iid)}")
    assert "2027 年度帮扶责任标准" in page
    assert "红岩村、上庄村（共 2 个）" in page and "每村每年不少于 10000 元，全年合计不少于 20000 元" in page
    assert "由县级统一办理，不在此报送" in page
    assert 'name="data.plan_content"' in page and 'name="data.assistance_funds_yuan"' in page
    assert "insurance_done" not in page

    first = {"main_leader_reports": 1, "main_leader_visits": 1, "deputy_visits": 1, "funds_yuan": 6000,
             "assistance_funds_yuan": 30000, "product_purchase_yuan": 6000, "plan_start_year": 2027,
             "plan_end_year": 2029, "plan_content": "产业帮扶、人居环境整治"}
    api.act("hr_edu", iid, data=first)
    clock.set(datetime.fromisoformat("2027-12-02T09:00:00+08:00"))
    with app.app_context():
        fire_due_timers(iid, clock.now())
    second = {k: v for k, v in first.items() if not k.startswith("plan_")}
    api.act("hr_edu", iid, data={**second, "funds_yuan": 4000, "assistance_funds_yuan": 20000,
                                 "product_purchase_yuan": 4000})
    urge = Browser(app, "orgdept").get(f"/tasks/{task_id(api, 'orgdept', iid)}")
    assert "下半年帮扶责任落实情况" in urge
    assert ("全年驻村工作经费 10000 元，少于规定的 20000 元（本单位 2 个驻村第一书记所在村："
            "红岩村、上庄村") in urge
    assert "本年度驻村第一书记所在村" in urge
