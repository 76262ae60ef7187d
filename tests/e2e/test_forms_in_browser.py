"""Unit HR in chromium: lands on 我的申请, picks the cadre and the nominee by typing their names, sees
where the request stands (step, holders, working days left, 催办), and withdraws it only after a
confirmation page that insists on a reason; the township is told why."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

expect = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (dev extra)").expect


def test_pick_by_name_then_withdraw_with_a_reason(user_page: Any, shoot: Any) -> None:
    hr = user_page("hr_edu")
    assert hr.url.endswith("/requests")  # unit HR lands on 我的申请
    expect(hr.locator("#new-request")).to_have_text("提出调整申请")
    shoot(hr, "forms-01-hr-landing")

    hr.click("#new-request")
    # The pickers offer names with unit and village; typing a name is enough.
    expect(hr.locator("#cadre-options option")).to_have_count(3)  # 教育局's posted cadres
    hr.fill("#cadre-picker", "张伟")
    hr.check("input[name=reason][value=health]")
    hr.fill("#nominee-picker", "郑凯")
    hr.fill("input[name=effective_date]", (date.today() - timedelta(days=1)).isoformat())
    hr.fill("textarea[name=evidence]", "体检报告")
    shoot(hr, "forms-02-request-by-name")
    hr.click("#submit-request")
    expect(hr.locator("[data-error-for=effective_date]")).to_contain_text("生效日期不能早于今天")
    expect(hr.locator("#nominee-picker")).to_have_value("郑凯")
    shoot(hr, "forms-03-past-effective-date")
    hr.fill("input[name=effective_date]", (date.today() + timedelta(days=20)).isoformat())
    hr.click("#submit-request")
    expect(hr.locator("#instance-status")).to_have_text("办理中")
    expect(hr.locator("h1")).to_contain_text("张伟 → 郑凯")

    hr.click("nav >> text=我的申请")
    row = hr.locator("#my-requests tbody tr").first
    expect(row).to_contain_text("「乡镇党委政府审核」")
    expect(row).to_contain_text("乡镇党委政府（青山镇")
    expect(row.locator(".deadline")).to_contain_text("个工作日")
    expect(row.locator("button:text-is('催办')")).to_have_count(1)
    shoot(hr, "forms-04-my-requests")

    row.locator("a.withdraw").click()
    expect(hr.locator("#withdraw-confirm")).to_contain_text("不能恢复")
    hr.click("#confirm-withdraw")  # no reason yet
    expect(hr.locator("[data-error-for=reason]")).to_contain_text("请填写撤回原因")
    shoot(hr, "forms-05-withdraw-needs-reason")
    hr.fill("textarea[name=reason]", "人选另有安排")
    hr.click("#confirm-withdraw")
    expect(hr.locator(".flash.ok")).to_contain_text("申请已撤回")
    expect(hr.locator("#my-requests tbody tr").first).to_contain_text("已撤回")
    shoot(hr, "forms-06-withdrawn")

    township = user_page("tw_qingshan")
    expect(township.locator("#unread")).to_be_visible()
    township.click("#nav-notifications")
    expect(township.locator("main")).to_contain_text("撤回原因：人选另有安排")
    shoot(township, "forms-07-township-told")
