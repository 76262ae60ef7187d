"""An administrator creates an account in chromium (roles and jurisdictions picked by name), hands
over the one-time password, the new user signs in with it, and is then deactivated and shut out."""

from __future__ import annotations

from typing import Any

import pytest

expect = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (dev extra)").expect


def sign_in(chromium: Any, live_server: str, login: str, password: str) -> Any:
    """A new browser context signed in (or refused) with a typed password; closed by the test."""
    context = chromium.new_context(base_url=live_server, locale="zh-CN",
                                   viewport={"width": 1360, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto("/login")
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    return page


def test_administrator_manages_a_user(user_page: Any, shoot: Any, chromium: Any, live_server: str) -> None:
    admin = user_page("admin")
    admin.click("text=用户管理")
    expect(admin.locator("h1")).to_have_text("用户管理")
    admin.select_option("#user-filters select[name=role]", "township")
    admin.click("#user-filters button")
    expect(admin.locator("#users tbody tr")).to_have_count(3)
    shoot(admin, "users-01-list-filtered")

    admin.click("#new-user")
    admin.fill("input[name=login]", "hr_edu_zhao")
    admin.fill("input[name=display_name]", "教育局人事股 赵强")
    admin.select_option("select[name=role_0]", "unit_hr")
    admin.select_option("select[name=scope_0]", label="XX县教育局")
    admin.select_option("select[name=role_1]", "township")
    admin.select_option("select[name=scope_1]", label="XX县教育局")  # the wrong kind: refused on its row
    shoot(admin, "users-02-create-form")
    admin.click("#user-save")
    expect(admin.locator("[data-error-for=row_1]")).to_contain_text("不是乡镇")
    shoot(admin, "users-03-create-error")
    admin.select_option("select[name=role_1]", "")
    admin.click("#user-save")
    password = admin.locator("#one-time-password").inner_text()
    assert len(password) == 14
    shoot(admin, "users-04-one-time-password")

    newcomer = sign_in(chromium, live_server, "hr_edu_zhao", password)
    newcomer.wait_for_url("**/requests")  # a unit HR lands on 我的申请
    expect(newcomer.locator("#who")).to_have_text("教育局人事股 赵强")

    admin.goto("/users/hr_edu_zhao")
    shoot(admin, "users-05-edit")
    admin.check("#activation input[name=confirm]")
    admin.click("#deactivate-submit")
    expect(admin.locator(".flash.ok")).to_contain_text("已停用用户 hr_edu_zhao")
    expect(admin.locator("#reactivate-submit")).to_be_visible()
    shoot(admin, "users-06-deactivated")

    newcomer.goto("/inbox")
    newcomer.wait_for_url("**/login**")  # the session ended with the deactivation
    refused = sign_in(chromium, live_server, "hr_edu_zhao", password)
    expect(refused.locator("text=用户名或密码错误")).to_be_visible()
    for page in (newcomer, refused):
        page.context.close()
