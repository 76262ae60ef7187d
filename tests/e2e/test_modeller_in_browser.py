"""The process administration in chromium: an administrator opens the modeller on the latest
replacement process, gives its township step to the county leading group office, deploys, and
the next case starts on the new version with that step in the county's inbox; the versions,
the difference between them and the instance list with its suspend action, as the county reads
them too; all under the pages' CSP (no inline script, bpmn-js served by the service)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
import sqlalchemy as sa

expect = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (dev extra)").expect
KEY = "mid_term_replacement"


def watch_console(page: Any) -> list[str]:
    """Console errors (a CSP refusal, a script failing) the page must not have."""
    seen: list[str] = []
    page.on("console", lambda msg: seen.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda err: seen.append(str(err)))
    return seen


def start_replacement(app: Any) -> tuple[str, int, list[tuple[str, str]]]:
    """hr_edu's replacement of 张伟, started as the request page would: (id, version, open steps)."""
    from service import commands
    from service.core.principal import Principal
    from service.persistence.db import db
    from service.persistence.models import HumanTask, ProcessDefinition, User

    with app.app_context():
        row = commands.submit_adjustment(Principal.from_user(db.session.get(User, "hr_edu")), {
            "cadre_id": "c-zhangwei", "village_id": "v-shangzhuang", "role": "first_secretary",
            "reason": "health", "justification": "", "nominee_id": "c-sunhao",
            "effective_date": date.today() + timedelta(days=20), "evidence": ["体检报告"]})
        version = db.session.get_one(ProcessDefinition, row.definition_id).version
        tasks = db.session.execute(sa.select(HumanTask.spec_id, HumanTask.role).where(
            HumanTask.instance_id == row.id, HumanTask.status == "open")).all()
        return row.id, version, [(t.spec_id, t.role) for t in tasks]


def test_the_modeller_gives_a_step_to_another_role_and_the_next_case_follows(
        user_page: Any, live_app: Any, shoot: Any) -> None:
    _, app = live_app
    admin = user_page("admin")
    errors = watch_console(admin)
    admin.click("nav >> text=流程管理")
    expect(admin.locator("#definitions")).to_contain_text("驻村干部中途调整")
    shoot(admin, "processes-list-admin")
    admin.click(f"#definitions tr[data-key={KEY}] >> text=在建模器中编辑")
    expect(admin.locator("#modeller")).to_have_attribute("data-ready", "true")
    expect(admin.locator("#properties")).to_contain_text("流程标识")
    shoot(admin, "modeller-opened")

    admin.click('.djs-element[data-element-id="township_consent"]')
    panel = admin.locator("#properties")
    expect(panel.locator(".properties-form")).to_have_attribute("data-element", "township_consent")
    expect(panel.locator("select[data-field=role]")).to_have_value("township")
    expect(panel.locator("select[data-field=scope-kind]")).to_have_value("township")
    expect(admin.locator("#deploy")).to_be_disabled()  # nothing changed yet
    panel.locator("select[data-field=role]").select_option("county")
    # The county acts county-wide: the scope follows the role in the same change.
    expect(panel.locator("select[data-field=scope-kind]")).to_have_value("county")
    expect(panel.locator("input[data-field=scope-var]")).to_have_count(0)
    expect(admin.locator("#deploy")).to_be_enabled()
    shoot(admin, "modeller-role-changed")

    admin.click("#deploy")
    expect(admin.locator("#modeller-status")).to_contain_text("已部署「驻村干部中途调整」第 2 版")
    expect(admin.locator("#deploy")).to_be_disabled()
    shoot(admin, "modeller-deployed")

    # The next case starts on version 2, its first step waiting on the county leading group.
    instance_id, version, steps = start_replacement(app)
    assert version == 2 and steps == [("township_consent", "county")]
    county = user_page("county")
    county.goto("/inbox")
    expect(county.locator("#inbox")).to_contain_text("乡镇党委政府审核")
    shoot(county, "modeller-new-version-in-county-inbox")
    township = user_page("tw_qingshan")
    township.goto("/inbox")
    expect(township.locator("body")).not_to_contain_text("乡镇党委政府审核")

    # The versions and what changed between them, for the administrator and the county alike.
    admin.click("#deployed-link")
    expect(admin.locator("h1")).to_contain_text("第 2 版")
    step = admin.locator("#steps tr[data-step=township_consent] td.role")
    expect(step).to_contain_text("县驻村工作领导小组")
    expect(admin.locator("#diagram")).to_have_attribute("data-ready", "true")
    shoot(admin, "process-version-2")
    admin.click("#diff-previous")
    changed = admin.locator("#changed tr[data-element=township_consent]")
    expect(changed.first).to_contain_text("办理角色")
    expect(changed.first).to_contain_text("乡镇党委政府（township）")
    expect(changed.first).to_contain_text("县驻村工作领导小组（county）")
    # Only what was changed: the modeller writing defaults its own way is no change.
    expect(admin.locator("#changed tbody tr")).to_have_count(2)  # role and scope
    expect(admin.locator("#added, #removed")).to_have_count(0)
    expect(admin.locator("#text-diff pre.diff .add").first).to_be_visible()
    shoot(admin, "process-diff")
    county.goto(f"/processes/{KEY}")
    expect(county.locator("#versions tr[data-version='2']")).to_contain_text("办理中 1")
    expect(county.locator("body")).not_to_contain_text("在建模器中编辑")
    shoot(county, "process-versions-county")

    # The instances of version 2: the administrator suspends the new case from the list.
    admin.goto(f"/processes/{KEY}/instances?version=2")
    row = admin.locator(f"#instances tr[data-instance='{instance_id}']")
    row.locator("details[data-action=suspend] summary").click()
    row.locator("details[data-action=suspend] input[name=reason]").fill("核对新版本的审批路径")
    shoot(admin, "process-instances-suspend")
    row.locator("details[data-action=suspend] button").click()
    expect(admin.locator(".flash.ok")).to_contain_text("已挂起")
    row = admin.locator(f"#instances tr[data-instance='{instance_id}']")
    expect(row.locator("td.status-suspended")).to_have_text("已挂起")
    county.goto("/inbox")
    county.click("#inbox a:text-is('乡镇党委政府审核')")
    expect(county.locator("#task-suspended")).to_be_visible()
    expect(county.locator("#decide")).to_have_count(0)
    shoot(county, "task-of-suspended-case")
    assert errors == [], errors


def test_the_modeller_opens_a_blank_process(user_page: Any, shoot: Any) -> None:
    admin = user_page("admin")
    errors = watch_console(admin)
    admin.goto("/processes")
    admin.click("text=打开建模器（空白流程）")
    expect(admin.locator("#modeller")).to_have_attribute("data-ready", "true")
    panel = admin.locator("#properties")
    expect(panel.locator("input[data-field=process-id]")).to_have_value("new_process")
    expect(admin.locator("#deploy")).to_be_enabled()  # a new process: deployable as it is
    panel.locator("input[data-field=process-id]").fill("bad key")
    panel.locator("input[data-field=process-name]").focus()
    expect(panel.locator(".problem")).to_contain_text("流程标识须以字母或下划线开头")
    panel.locator("input[data-field=process-id]").fill("township_visit")
    panel.locator("input[data-field=process-name]").focus()
    expect(panel.locator("input[data-field=process-id]")).to_have_value("township_visit")
    panel.locator("input[data-field=process-name]").fill("乡镇走访")
    panel.locator("input[data-field=process-id]").focus()
    shoot(admin, "modeller-blank")
    admin.click("#deploy")
    expect(admin.locator("#modeller-status")).to_contain_text("已部署「乡镇走访」第 1 版")
    assert errors == [], errors
