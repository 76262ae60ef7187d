"""工作保障台账 in chromium: the rural revitalization bureau insures every stationed cadre with one
group policy on the insurance page; the education bureau's HR reads its ledger with the gaps
flagged, records 赵敏's round trips home (the third in a month is refused on the form, naming the
date), her allowances and her health check, sees the gaps close, and downloads the Excel ledger.

The served app's clock is set to Tue 2026-12-01 09:00 (Beijing): November is over, December not.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

expect = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (dev extra)").expect


@pytest.fixture(scope="module", autouse=True)
def december_first(live_app: tuple[str, Any]) -> None:
    from service.core.clock import ManualClock, install_clock

    install_clock(live_app[1], ManualClock(datetime.fromisoformat("2026-12-01T09:00:00+08:00")))


def test_the_county_insures_everyone_with_one_group_policy(user_page: Any, shoot: Any) -> None:
    rrb = user_page("rrb")
    rrb.click("nav >> text=保障台账")
    expect(rrb.locator("h1")).to_contain_text("2026 年度")
    expect(rrb.locator("#support-ledger tbody tr")).to_have_count(7)
    expect(rrb.locator('tr[data-cadre="c-lina"] [data-flag="no_insurance"]')).to_have_text(
        "未登记本年度人身意外伤害保险")
    rrb.click("#support-tabs >> text=人身意外伤害保险")
    expect(rrb.locator("#insurance-list tbody input[type=checkbox]:checked")).to_have_count(7)
    rrb.fill("input[name=insurer]", "中国人寿XX县支公司")
    rrb.fill("input[name=policy_no]", "GP-2026-0001")
    rrb.fill("input[name=period_start]", "2026-01-01")
    rrb.fill("input[name=period_end]", "2026-12-31")
    shoot(rrb, "support-01-county-insurance-form")
    rrb.click("#save-insurance")
    expect(rrb.locator(".flash.ok")).to_have_text("已登记 7 名干部 2026 年度的人身意外伤害保险。")
    expect(rrb.locator('tr[data-cadre="c-zhaomin"]')).to_contain_text("500,000 元")
    expect(rrb.locator("#insurance-list tbody tr.flagged")).to_have_count(0)
    shoot(rrb, "support-02-county-insured")


def test_the_unit_keeps_its_cadres_support(user_page: Any, shoot: Any, tmp_path: Path) -> None:
    hr = user_page("hr_edu")
    hr.click("nav >> text=保障台账")
    expect(hr.locator("#support-ledger tbody tr")).to_have_count(3)
    zhaomin = hr.locator('tr[data-cadre="c-zhaomin"]')
    expect(zhaomin.locator('td[data-month="11"] .gap-mark')).to_have_text("缺补助")
    expect(zhaomin.locator('[data-flag="no_health_check"]')).to_be_visible()
    expect(zhaomin.locator('[data-flag="no_insurance"]')).to_have_count(0)  # the county insured her
    shoot(hr, "support-03-unit-ledger-gaps")

    zhaomin.locator("a", has_text="赵敏").click()
    expect(hr.locator("h1")).to_contain_text("赵敏")
    for day in ("2026-11-02", "2026-11-16", "2026-11-30"):
        hr.fill("#transport-form input[name=trip_date]", day)
        hr.fill("#transport-form input[name=route]", "红岩村—县城")
        hr.fill("#transport-form input[name=amount_yuan]", "42.50")
        hr.click("#save-transport")
    refusal = hr.locator('#transport-form [data-error-for="trip_date"]')
    expect(refusal).to_have_text("赵敏 2026 年 11 月已报销往返交通费 2 次，"
                                 "每月至多报销往返 2 次（因公出差、开会和培训除外）。")
    expect(hr.locator("#transport-form input[name=trip_date]")).to_have_value("2026-11-30")
    refusal.scroll_into_view_if_needed()
    shoot(hr, "support-04-third-trip-refused")

    for kind, amount in (("living", "990"), ("phone", "100")):
        hr.select_option("#allowance-form select[name=month]", "11")
        hr.check(f"#allowance-form input[name=kind][value={kind}]")
        hr.fill("#allowance-form input[name=amount_yuan]", amount)
        hr.click("#save-allowance")
        expect(hr.locator(".flash.ok")).to_have_text("已登记补助。")
    hr.check("#health-form input[name=done][value=yes]")
    hr.fill("#health-form input[name=check_date]", "2026-10-20")
    hr.click("#save-health")
    expect(hr.locator(".flash.ok")).to_have_text("已登记体检情况。")
    expect(hr.locator('#support-months tr[data-month="11"]')).to_contain_text("2 次，85.00 元")
    expect(hr.locator('#support-months tr[data-month="11"]')).not_to_have_class("gap")
    expect(hr.locator("#health-fact")).to_contain_text("2026-10-20")
    shoot(hr, "support-05-cadre-page")

    hr.click("text=← 返回台账")
    zhaomin = hr.locator('tr[data-cadre="c-zhaomin"]')
    expect(zhaomin.locator('td[data-month="11"]')).to_have_text("2次")
    expect(zhaomin.locator('[data-flag="no_health_check"]')).to_have_count(0)
    shoot(hr, "support-06-unit-ledger-after")

    with hr.expect_download() as info:
        hr.click("#support-export")
    saved = tmp_path / "ledger.xlsx"
    info.value.save_as(saved)
    assert info.value.suggested_filename == "工作保障台账2026.xlsx"
    book = load_workbook(saved, read_only=True)
    summary = {r[1]: r for r in list(book["年度汇总"].iter_rows(values_only=True))[1:]}
    assert set(summary) == {"张伟", "赵敏", "刘洋"}
    assert summary["赵敏"][4] == 2 and summary["赵敏"][9] == "GP-2026-0001"
