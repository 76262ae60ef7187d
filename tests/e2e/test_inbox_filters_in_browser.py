"""待办's search, filters and order in chromium, on a phone and on a PC: the Organization Department
finds a case by a name, narrows to a process and a deadline, orders by the time received, and the
address carries what it chose (tests/support/inbox_cases.py has the cases, on a manual clock).
Screenshots: test-artifacts/screenshots/inbox-filter-*.png."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import parse_qs, urlparse

import inbox_cases
import pytest

expect = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (dev extra)").expect

START = "2026-12-01T09:00:00+08:00"  # the cases' clock; it stands at 12-02 10:30 once they are made


@pytest.fixture(scope="module")
def cases(live_app: tuple[str, Any]) -> dict[str, str]:
    """Case name -> its task's title words, on this module's own served app and clock."""
    from service.core.clock import ManualClock, install_clock

    _, app = live_app
    clock = install_clock(app, ManualClock(datetime.fromisoformat(START)))
    inbox_cases.build(app, clock)
    return {"wangqiang": "兴隆村 王强", "zhangwei": "上庄村 张伟 → 孙浩", "lina": "水口村 李娜"}


def rows(page: Any) -> list[str]:
    return page.locator("#inbox tbody tr td[data-label=事项]").all_inner_texts()


def titles(cases: dict[str, str], *names: str) -> list[str]:
    process = {"zhangwei": "驻村干部中途调整"}
    return [f"{process.get(n, '驻村干部召回与问责')}：{cases[n]}" for n in names]


@pytest.mark.parametrize("width, height", [(390, 844), (1280, 900)], ids=["phone", "desktop"])
def test_the_org_dept_searches_filters_and_orders_its_inbox(chromium: Any, live_server: str, shoot: Any,
                                                            cases: dict[str, str], width: int,
                                                            height: int) -> None:
    context = chromium.new_context(base_url=live_server, locale="zh-CN",
                                   viewport={"width": width, "height": height})
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto("/login")
    page.fill("input[name=login]", "orgdept")
    page.fill("input[name=password]", "orgdept")
    page.click("button[type=submit]")
    page.goto("/inbox")
    assert rows(page) == titles(cases, "wangqiang", "zhangwei", "lina")

    page.fill("#inbox-filters input[name=q]", "李娜")
    page.click("#inbox-filters button[type=submit]")
    assert rows(page) == titles(cases, "lina")
    expect(page.locator("#inbox-filters input[name=q]")).to_have_value("李娜")

    page.click("#inbox-reset")  # 清除条件
    assert rows(page) == titles(cases, "wangqiang", "zhangwei", "lina")
    page.select_option("#inbox-filters select[name=process]", "recall")
    page.select_option("#inbox-filters select[name=sort]", "received")
    page.click("#inbox-filters button[type=submit]")
    assert rows(page) == titles(cases, "lina", "wangqiang")
    assert parse_qs(urlparse(page.url).query) == {"process": ["recall"], "sort": ["received"]}

    page.select_option("#inbox-filters select[name=due]", "overdue")
    page.click("#inbox-filters button[type=submit]")
    expect(page.locator("#inbox-empty")).to_have_text("没有符合条件的待办任务。")
    page.select_option("#inbox-filters select[name=due]", "5")  # Wednesday: 12-08 and 12-09 are within 5
    page.select_option("#inbox-filters select[name=township_id]", "tw-hongqi")
    page.click("#inbox-filters button[type=submit]")
    assert rows(page) == titles(cases, "wangqiang")
    expect(page.locator("#inbox-filters select[name=township_id]")).to_have_value("tw-hongqi")
    name = "phone" if width < 760 else "desktop"
    shoot(page, f"inbox-filter-{name}")
    sideways = page.evaluate("[document.documentElement.scrollWidth, document.body.scrollWidth, innerWidth]")
    assert max(sideways[:2]) <= sideways[2] == width, sideways
    context.close()
