"""节假日 in chromium: next year shows as missing; the administrator enters it from the notice's
ranges; the year is then covered, and the county reads it without a form."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

expect = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (dev extra)").expect


def test_admin_enters_next_years_holidays(user_page: Any, shoot: Any) -> None:
    # The served app runs on the real clock: next year is the one the bundled calendar lacks.
    next_year = date.today().year + 1
    admin = user_page("admin")
    expect(admin.locator("#calendar-banner")).to_contain_text(f"{next_year} 年节假日安排尚未导入")
    admin.click("#calendar-banner >> text=节假日")
    row = admin.locator(f"#year-{next_year}")
    expect(row).to_contain_text("缺失")
    expect(admin.locator("#calendar-missing")).to_contain_text(f"{next_year} 年")
    shoot(admin, "calendar-01-next-year-missing")

    row.get_by_role("link", name="录入").click()
    admin.fill("textarea[name=holidays]", f"{next_year}-01-01\n{next_year}-13-01")
    admin.click("#save-calendar")
    expect(admin.locator("[data-error-for=holidays]")).to_contain_text(f"“{next_year}-13-01”不是有效日期")
    shoot(admin, "calendar-02-error")

    admin.fill("textarea[name=holidays]", f"{next_year}-01-01\n{next_year}-02-06 至 {next_year}-02-12、"
                                          f"{next_year}-10-01 至 {next_year}-10-07")
    admin.fill("textarea[name=workdays]", f"{next_year}-02-14，{next_year}-10-09")
    admin.fill("input[name=note]", f"国办发明电〔{next_year - 1}〕7号")
    admin.click("#save-calendar")
    expect(admin.locator(".flash.ok")).to_contain_text(f"已录入 {next_year} 年节假日安排（第 1 版）")
    expect(admin.locator("h1")).to_contain_text("已覆盖")
    expect(admin.locator("#current-holidays")).to_contain_text(f"{next_year}-10-07")
    expect(admin.locator("textarea[name=holidays]")).to_have_value(
        f"{next_year}-01-01\n{next_year}-02-06 至 {next_year}-02-12\n{next_year}-10-01 至 {next_year}-10-07")
    shoot(admin, "calendar-03-entered")

    admin.click("text=← 节假日安排")
    expect(admin.locator(f"#year-{next_year}")).to_contain_text("管理员录入")
    expect(admin.locator("#calendar-banner")).to_have_count(0)
    shoot(admin, "calendar-04-covered")

    county = user_page("county")
    county.click("nav >> text=节假日")
    county.locator(f"#year-{next_year}").get_by_role("link", name="查看").click()
    expect(county.locator("#current-workdays")).to_contain_text(f"{next_year}-02-14")
    expect(county.locator("#calendar-form")).to_have_count(0)
    shoot(county, "calendar-05-county-reads")
