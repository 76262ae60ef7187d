"""The Organization Department starts a recall (召回) from its pages in chromium: errors beside
their fields, the cadre picked by name, the case then on its page with the first step open."""

from __future__ import annotations

from typing import Any

import pytest

expect = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (dev extra)").expect


def test_org_dept_starts_a_recall(user_page: Any, shoot: Any) -> None:
    orgdept = user_page("orgdept")
    orgdept.click("nav >> text=启动召回")
    expect(orgdept.locator("h1")).to_have_text("启动召回（召回和问责）")
    shoot(orgdept, "recall-01-form")

    orgdept.click("#submit-recall")
    expect(orgdept.locator("#form-errors")).to_have_text("召回未启动：请按各栏提示修改。")
    expect(orgdept.locator("[data-error-for=cadre_id]")).to_have_text("请填写被召回干部的姓名，并从列表中选择。")
    expect(orgdept.locator("[data-error-for=source]")).to_contain_text("请选择问题来源")
    expect(orgdept.locator("[data-error-for=finding]")).to_contain_text("请填写发现的问题")
    shoot(orgdept, "recall-02-errors")

    orgdept.fill("#cadre-picker", "王强")  # by name; the server resolves it
    orgdept.check("input[name=source][value=supervision]")
    orgdept.fill("textarea[name=finding]", "连续两个月不在岗，群众反映强烈")
    orgdept.fill("textarea[name=evidence]", "县委督查室通报\n考勤记录")
    orgdept.click("#submit-recall")
    expect(orgdept.locator(".flash.ok")).to_contain_text("召回案件已启动")
    expect(orgdept.locator("#instance-status")).to_have_text("办理中")
    expect(orgdept.locator("p.meta")).to_contain_text("驻村干部召回与问责")
    expect(orgdept.locator("body")).to_contain_text("王强")
    shoot(orgdept, "recall-03-started")

    # The same cadre cannot have two recalls open: the command's rule, beside the picker.
    rrb = user_page("rrb")
    rrb.click("nav >> text=启动召回")
    rrb.fill("#cadre-picker", "王强")
    rrb.check("input[name=source][value=assessment]")
    rrb.fill("textarea[name=finding]", "年度考核不称职")
    rrb.click("#submit-recall")
    expect(rrb.locator("[data-error-for=cadre_id]")).to_have_text("该干部已有正在办理的召回案件")
    expect(rrb.locator("textarea[name=finding]")).to_have_value("年度考核不称职")
    shoot(rrb, "recall-04-already-open")


def test_unit_hr_has_no_recall_page(user_page: Any) -> None:
    hr = user_page("hr_edu")
    expect(hr.locator("nav >> text=启动召回")).to_have_count(0)
    response = hr.goto("/recalls/new")
    assert response is not None and response.status == 403
