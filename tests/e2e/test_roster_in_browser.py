"""The roster pages in chromium: the Organization Department edits a cadre and a village and sees
the change history; a unit's HR edits its own cadre (unit fixed); the county leading group reads only."""

from __future__ import annotations

from typing import Any

import pytest

expect = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (dev extra)").expect


def test_the_organization_department_keeps_the_roster(user_page: Any, shoot: Any) -> None:
    org = user_page("orgdept")
    org.click("text=名册")
    expect(org.locator("nav.tabs a.current")).to_have_text("干部")
    expect(org.locator("#roster-list")).to_contain_text("张伟")
    shoot(org, "roster-01-cadres")

    org.click("#roster-list tr:has-text('孙浩') >> text=查看")
    org.fill("input[name=post]", "教育局办公室副主任")
    org.fill("input[name=party_confirmed_on]", "2016-07-01")
    org.click("#save-record")
    expect(org.locator(".flash.ok")).to_have_text("干部信息已保存。")
    expect(org.locator("#history li.change").first).to_contain_text("县委组织部 郭静")
    expect(org.locator("#history li.change").first).to_contain_text("教育局办公室副主任")
    shoot(org, "roster-02-cadre-saved")

    org.fill("input[name=birth_date]", "2030-01-01")
    org.click("#save-record")
    expect(org.locator("#form-errors")).to_be_visible()
    expect(org.locator("[data-error-for=birth_date]")).to_contain_text("出生日期不能晚于今天")
    shoot(org, "roster-03-cadre-error")

    org.click("nav.tabs >> text=村")
    org.click("#roster-list tr:has-text('刘家村') >> text=查看")
    org.check("input[name=categories_other][value=red_village]")
    org.click("#save-record")
    expect(org.locator(".flash.ok")).to_have_text("村信息已保存。")
    expect(org.locator("#history")).to_contain_text("党组织软弱涣散村、省市红色名村")
    shoot(org, "roster-04-village")

    org.click("nav.tabs >> text=村")
    org.click("#roster-list tr:has-text('上庄村') >> text=查看")
    expect(org.locator("#stationed")).to_contain_text("张伟")
    shoot(org, "roster-05-village-stationed")
    org.click("nav.tabs >> text=村")
    shoot(org, "roster-05-villages")
    org.click("nav.tabs >> text=派出单位")
    shoot(org, "roster-06-units")


def test_unit_hr_edits_its_own_cadre_and_the_county_reads(user_page: Any, shoot: Any) -> None:
    hr = user_page("hr_edu")
    hr.click("text=名册")
    expect(hr.locator("#roster-list")).not_to_contain_text("李娜")  # another unit's cadre
    hr.click("#roster-list tr:has-text('郑凯') >> text=查看")
    expect(hr.locator("select[name=unit_id]")).to_be_disabled()
    hr.check("input[name=rural_expertise]")
    hr.click("#save-record")
    expect(hr.locator(".flash.ok")).to_have_text("干部信息已保存。")
    shoot(hr, "roster-07-unit-hr-cadre")

    county = user_page("county")
    county.click("text=名册")
    expect(county.locator("#new-record")).to_have_count(0)
    county.click("#roster-list tr:has-text('张伟') >> text=查看")
    expect(county.locator("#read-only")).to_be_visible()
    expect(county.locator("#save-record")).to_have_count(0)
    expect(county.locator("#fact-unit_id")).to_have_text("XX县教育局（派出单位）")
    expect(county.locator("#fact-party_confirmed_on")).to_have_text("—")
    shoot(county, "roster-08-county-read-only")
