"""在岗管理 walked in chromium: the cadre asks for a day's leave, the township approves it from its
待办, the cadre confirms the return (销假) from theirs; the cadre records last month's days in the
village and the township confirms them, short of the rule, which alerts the township and the unit.
Screenshots in test-artifacts/screenshots/presence-*.png."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

expect = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (dev extra)").expect


def test_leave_and_return_then_a_month_confirmed(user_page: Any, shoot: Any) -> None:
    # The county's date, as the service checks it: a one-day leave today ends today, so the
    # return is asked for as soon as the township approves.
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    last_month = f"{today.year - 1}-12" if today.month == 1 else f"{today.year}-{today.month - 1:02d}"

    cadre = user_page("cadre_liuyang")
    cadre.click("nav >> text=请假申请")
    expect(cadre.locator("h1")).to_contain_text("请假申请")
    cadre.select_option("select[name=leave_type]", "personal")
    cadre.fill("input[name=start_date]", today.isoformat())
    cadre.fill("input[name=end_date]", today.isoformat())
    cadre.fill("textarea[name=reason]", "回县城办理社保卡，当日返村")
    shoot(cadre, "presence-01-leave-form")
    cadre.click("#submit-leave")
    expect(cadre.locator(".flash.ok").first).to_contain_text("等待乡镇党委政府审批")
    expect(cadre.locator("#instance-status")).to_have_text("办理中")
    cadre.click("nav >> text=我的请假")
    expect(cadre.locator("#my-leaves")).to_contain_text("审批中")
    shoot(cadre, "presence-02-my-leaves")

    township = user_page("tw_qingshan")
    township.goto("/inbox")
    township.click("#inbox a:text-is('乡镇党委政府审批请假')")
    first = township.locator("#sections section").first
    expect(first).to_have_id("section-leave")
    expect(first).to_contain_text(f"{today.isoformat()} 至 {today.isoformat()}")
    expect(first).to_contain_text("事假")
    expect(first).to_contain_text("回县城办理社保卡")
    shoot(township, "presence-03-township-approves")
    township.check("input[name=decision][value=approve]")
    township.click("#submit-decision")
    expect(township.locator(".flash.ok").first).to_contain_text("已办理「乡镇党委政府审批请假」")

    cadre.goto("/inbox")
    cadre.click("#inbox a:text-is('销假')")
    expect(cadre.locator("[name='data.return_date']")).to_be_visible()
    expect(cadre.locator("#sections")).to_contain_text("本年度此前已准假")
    cadre.fill("[name='data.return_date']", today.isoformat())
    cadre.fill("[name='data.return_note']", "已于当日返村")
    shoot(cadre, "presence-04-cadre-returns")
    cadre.check("input[name=decision][value=approve]")
    cadre.click("#submit-decision")
    expect(cadre.locator(".flash.ok").first).to_contain_text("已办理「销假」")
    cadre.goto("/leaves")
    expect(cadre.locator("#my-leaves")).to_contain_text("已销假")

    cadre.click("nav >> text=在村情况")
    cadre.select_option("#month-picker select[name=month]", last_month)
    cadre.click("#month-picker button")
    cadre.fill("#record-form input[name=days_present]", "16")
    cadre.fill("#record-form input[name=note]", "参加县委党校培训 5 天")
    cadre.click("#submit-presence")
    expect(cadre.locator(".flash.ok").first).to_contain_text("等待乡镇确认")
    shoot(cadre, "presence-05-cadre-records-month")

    township.click("nav >> text=在村情况")
    township.select_option("#month-picker select[name=month]", last_month)
    township.click("#month-picker button")
    row = township.locator("#cadre-c-liuyang")
    expect(row).to_contain_text("本人已填报，待乡镇确认")
    row.locator("input[name=note]").fill("经核实，培训属实")
    row.locator("button:text-is('确认')").click()
    expect(township.locator(".flash.warn").first).to_contain_text("已通知乡镇和派出单位")
    expect(township.locator("#cadre-c-liuyang")).to_contain_text("不足")
    shoot(township, "presence-06-township-confirms")
    township.click("#nav-notifications")
    expect(township.locator("main")).to_contain_text("刘洋")
    expect(township.locator("main")).to_contain_text("低于规定的 20 天")

    hr = user_page("hr_edu")
    hr.goto("/roster/cadre/c-liuyang")
    expect(hr.locator("#presence-year")).to_contain_text("不足")
    expect(hr.locator("#presence-leaves")).to_contain_text("已销假")
    shoot(hr, "presence-07-roster-cadre-page")
