"""An administrator terminates a running request from its page in chromium: the form is folded
away, needs a reason and the confirmation, and the page then shows the instance as terminated."""

from __future__ import annotations

import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

expect = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (dev extra)").expect
BUNDLED = Path(__file__).resolve().parents[2] / "bpmn" / "mid_term_replacement.bpmn"


def submit(hr: Any) -> None:
    hr.click("text=提出调整申请")
    hr.fill("input[name=cadre_id]", "张伟")
    hr.check("input[name=reason][value=health]")
    hr.fill("input[name=nominee_id]", "孙浩")
    hr.fill("input[name=effective_date]", (date.today() + timedelta(days=20)).isoformat())
    hr.fill("textarea[name=evidence]", "体检报告")
    hr.click("#submit-request")
    expect(hr.locator("#instance-status")).to_have_text("办理中")


def test_administrator_terminates_a_request(user_page: Any, shoot: Any) -> None:
    hr = user_page("hr_edu")
    submit(hr)
    expect(hr.locator("#terminate")).to_have_count(0)  # the submitter has no such form
    instance_url = hr.url

    admin = user_page("admin")
    admin.goto(instance_url)
    expect(admin.locator("#terminate summary")).to_have_text("系统管理员：终止该流程实例…")
    expect(admin.locator("#terminate-submit")).to_be_hidden()  # folded away until asked for
    shoot(admin, "terminate-01-admin-instance")
    admin.click("#terminate summary")
    admin.click("#terminate-submit")
    expect(admin.locator("[data-error-for=reason]")).to_have_text("请填写终止原因。")
    expect(admin.locator("[data-error-for=confirm]")).to_have_text("请勾选确认：终止后不能恢复。")
    expect(admin.locator("#instance-status")).to_have_text("办理中")
    shoot(admin, "terminate-02-needs-reason-and-confirmation")

    admin.fill("#terminate textarea[name=reason]", "申请人已调离，终止办理")
    admin.check("#terminate input[name=confirm]")
    admin.click("#terminate-submit")
    expect(admin.locator("#instance-status")).to_have_text("已终止")
    expect(admin.locator(".flash.ok")).to_contain_text("已终止该流程实例")
    expect(admin.locator("#open-tasks")).to_have_count(0)
    expect(admin.locator("#terminate")).to_have_count(0)
    expect(admin.locator("ol.timeline")).to_contain_text("申请人已调离，终止办理")
    shoot(admin, "terminate-03-terminated")

    hr.reload()
    expect(hr.locator("#instance-status")).to_have_text("已终止")


def test_a_runaway_condition_errors_the_request_and_the_administrator_ends_it(
        user_page: Any, shoot: Any, databases: Any, live_server: str) -> None:
    # A new version of the process whose township condition would count to 8.1e9.
    admin_token = databases.seeded_template("sqlite")[1]["admin"]
    xml = BUNDLED.read_text(encoding="utf-8").replace(
        'decision == "approve"</bpmn:conditionExpression>',
        'decision == "approve" and len([1 for i in range(90000) for j in range(90000)]) &gt; 0'
        '</bpmn:conditionExpression>', 1)
    hr = user_page("hr_edu")
    deployed = hr.request.post("/api/v1/definitions", headers={"Authorization": f"Bearer {admin_token}"},
                               multipart={"files": {"name": "mid_term_replacement.bpmn",
                                                    "mimeType": "application/xml", "buffer": xml.encode()}})
    assert deployed.status == 201, deployed.text()
    submit(hr)
    instance_url = hr.url

    township = user_page("tw_qingshan")
    township.click("#inbox a:text-is('乡镇党委政府审核')")
    township.check("input[name=decision][value=approve]")
    township.fill("textarea[name=comment]", "同意")
    began = time.monotonic()
    township.click("#submit-decision")
    expect(township.locator("main")).to_contain_text("超出运行限制")
    assert time.monotonic() - began < 5.0  # answered once the budget ran out, not hours later
    expect(township.locator("main")).to_contain_text("请联系系统管理员")
    shoot(township, "terminate-04-township-sees-the-stop")

    admin = user_page("admin")
    admin.goto(instance_url)
    expect(admin.locator("#instance-status")).to_have_text("出错")
    expect(admin.locator("#instance-error")).to_contain_text("脚本超出运行预算")
    expect(admin.locator("ol.timeline")).to_contain_text("超出运行限制")
    admin.click("#terminate summary")
    admin.fill("#terminate textarea[name=reason]", "流程定义的条件有误，终止后重新申请")
    admin.check("#terminate input[name=confirm]")
    shoot(admin, "terminate-05-errored-instance")
    admin.click("#terminate-submit")
    expect(admin.locator("#instance-status")).to_have_text("已终止")
    shoot(admin, "terminate-06-errored-then-terminated")
