"""A recall of a team member the township supplies itself: the township finds 乡镇限期整改 in its
待办, reads the county's decision first and submits the report on the page; the case diagram shows
the township's step taken in its own lane, not the unit HR's."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from process_helpers import Api, post_team_member

from workflows.rules import add_years

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"

# Without playwright the module is skipped (the chromium fixture says why when it is missing).
expect = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (dev extra)").expect


def test_the_township_rectifies_its_own_team_member_on_the_page(live_app: Any, databases: Any,
                                                                user_page: Any, shoot: Any) -> None:
    _, app = live_app
    tokens = dict(databases.seeded_template("sqlite")[1])  # valid in the served copy
    api = Api(app.test_client(), lambda login: {"Authorization": f"Bearer {tokens[login]}"})
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    post_team_member(api, "tw_qingshan", "c-xuming", "v-xiahe", add_years(today, -1).isoformat())
    iid = api.post("rrb", "/recalls", {"cadre_id": "c-xuming", "source": "supervision",
                                       "finding": "连续两月驻村天数不足", "evidence": ["督查通报"]},
                   status=201)["instance_id"]
    api.act("rrb", iid, comment="经核实属实")
    api.act("cadre_xuming", iid, data={"statement": "家中有事，已补假"})
    api.act("county", iid, "rectify", comment="限期 20 个工作日整改")

    township = user_page("tw_qingshan")
    township.goto("/inbox")
    expect(township.locator("#inbox")).to_contain_text("乡镇限期整改")
    township.click("#inbox a:text-is('乡镇限期整改')")
    expect(township.locator("h1")).to_contain_text("乡镇限期整改")
    expect(township.locator("#sections section").first).to_have_id("section-opinions")
    expect(township.locator("#sections")).to_contain_text("限期 20 个工作日整改")
    shoot(township, "township-recall-01-rectification-task")
    township.fill("[name='data.rectification_report']", "已补足驻村天数，考勤逐日公示")
    township.check("input[name=decision][value=approve]")
    township.click("#submit-decision")
    expect(township.locator(".flash.ok").first).to_contain_text("已办理「乡镇限期整改」")

    township.goto(f"/instances/{iid}")
    diagram = "#diagram .djs-element"
    expect(township.locator(f"{diagram}.done[data-element-id=rectification_township]")).to_have_count(1)
    expect(township.locator(f"{diagram}.done[data-element-id=rectification]")).to_have_count(0)
    expect(township.locator(f"{diagram}.active[data-element-id=recheck_rectification_rrb]")).to_have_count(1)
    shoot(township, "township-recall-02-case")
    township.locator("#diagram").scroll_into_view_if_needed()
    township.locator("#diagram").screenshot(path=str(SCREENSHOTS / "township-recall-03-diagram.png"))
