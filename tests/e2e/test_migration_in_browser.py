"""An administrator moves a running replacement to a new version in chromium: from the version's
page to 迁移实例, the plan with an editable target per step, a dry run that says why an instance
cannot move when a step has no target, then the move; the case goes on at the new version's step."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

expect = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (dev extra)").expect
V2 = Path(__file__).resolve().parents[1] / "support" / "fixtures" / "mid_term_replacement_v2_migration.bpmn"


def test_administrator_migrates_a_running_request(user_page: Any, shoot: Any, databases: Any) -> None:
    hr = user_page("hr_edu")
    hr.click("text=提出调整申请")
    hr.fill("input[name=cadre_id]", "张伟")
    hr.check("input[name=reason][value=health]")
    hr.fill("input[name=nominee_id]", "孙浩")
    hr.fill("input[name=effective_date]", (date.today() + timedelta(days=20)).isoformat())
    hr.fill("textarea[name=evidence]", "体检报告")
    hr.click("#submit-request")
    expect(hr.locator("#instance-status")).to_have_text("办理中")
    instance_url = hr.url

    township = user_page("tw_qingshan")
    township.click("#inbox a:text-is('乡镇党委政府审核')")
    township.check("input[name=decision][value=approve]")
    township.fill("textarea[name=comment]", "同意")
    township.click("button[type=submit]:has-text('提交')")
    expect(township.locator(".flash.ok")).to_be_visible()

    admin_token = databases.seeded_template("sqlite")[1]["admin"]
    upload = {"name": "mid_term_replacement.bpmn", "mimeType": "application/xml", "buffer": V2.read_bytes()}
    deployed = hr.request.post("/api/v1/definitions", headers={"Authorization": f"Bearer {admin_token}"},
                               multipart={"files": upload})
    assert deployed.status == 201, deployed.text()

    admin = user_page("admin")
    admin.goto("/processes/mid_term_replacement/v1")
    admin.click("#migrate-instances")
    expect(admin.locator("h1")).to_contain_text("第 1 版 → 第 2 版")
    county_step = admin.locator("#plan tr[data-step=county_consent]")
    expect(county_step.locator("select")).to_have_value("county_consent")
    case = admin.locator("#dry-run-table tbody tr").first
    expect(case).to_contain_text("可迁移")
    expect(case).to_contain_text("县驻村工作领导小组审核")

    # no target for the county's step: the dry run says the case cannot move, and why
    county_step.locator("select").select_option("")
    admin.click("#dry-run")
    problem = admin.locator("#plan tr[data-step=county_consent] .problem")
    expect(problem).to_contain_text("目标版本中没有对应环节")
    expect(case).to_contain_text("实例停在「县驻村工作领导小组审核」（county_consent）：目标版本中没有对应环节")
    expect(admin.locator("#migrate")).to_have_count(0)
    shoot(admin, "migration-01-dry-run-not-movable")

    admin.locator("#plan tr[data-step=county_consent] select").select_option("county_consent")
    admin.click("#dry-run")
    expect(admin.locator("#dry-run-summary")).to_contain_text("可迁移 1 个，不能迁移 0 个")
    shoot(admin, "migration-02-plan-and-dry-run")
    admin.fill("#migrate-reason", "新版增加公示环节")
    admin.click("#migrate")
    expect(admin.locator(".flash.ok")).to_have_text("已将 1 个实例迁移到第 2 版。")
    expect(admin.locator("#dry-run-summary")).to_contain_text("共 0 个")
    shoot(admin, "migration-03-moved")

    admin.goto(instance_url)
    expect(admin.locator("ol.timeline")).to_contain_text("迁移版本：第 1 版 → 第 2 版")
    expect(admin.locator("ol.timeline")).to_contain_text("新版增加公示环节")
    county = user_page("county")
    expect(county.locator("#inbox")).to_contain_text("县驻村工作领导小组审议")
    shoot(admin, "migration-04-case-timeline")
