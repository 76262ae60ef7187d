"""The county office opens 驻村覆盖 from the menu in chromium, filters on a flag and finds the
export link carrying the filter."""

from __future__ import annotations

from typing import Any

import pytest

expect = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (dev extra)").expect


def test_county_reads_the_coverage_of_the_villages(user_page: Any, shoot: Any) -> None:
    county = user_page("county")
    county.click("text=驻村覆盖")
    expect(county.locator("h1")).to_contain_text("驻村覆盖")
    expect(county.locator("#coverage tbody tr")).to_have_count(12)
    expect(county.locator('tr[data-village="v-shangzhuang"] .tag.ok')).to_have_text("齐全")
    shoot(county, "coverage-01-county")
    county.select_option("select[name=flag]", "missing_work_team")
    county.click("#coverage-filters button[type=submit]")
    expect(county.locator("#coverage tbody tr")).to_have_count(3)
    badge = county.locator('tr[data-village="v-xiahe"] [data-flag="missing_work_team"]')
    expect(badge).to_have_text("缺工作队员")
    export = county.locator("#coverage-export")
    expect(export).to_have_attribute("href", "/coverage.xlsx?flag=missing_work_team")
    shoot(county, "coverage-02-missing-team")
