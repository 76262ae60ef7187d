"""The process administration in chromium: an administrator opens the modeller on the latest
replacement process, gives its township step to the county leading group office, deploys, and
the next case starts on the new version with that step in the county's inbox; the versions,
the difference between them and the instance list with its suspend action, as the county reads
them too; all under the pages' CSP (no inline script, bpmn-js served by the service)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

expect = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (dev extra)").expect
KEY = "mid_term_replacement"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


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
    expect(admin.locator("#modeller-basis")).to_have_text("基于「驻村干部中途调整」第 2 版")
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


def test_the_properties_form_writes_what_the_engine_reads(user_page: Any, live_app: Any, shoot: Any) -> None:
    """Decision words and form fields of a step, a reminder's deadline, day count and notified role,
    a flow's condition: edited in the form, deployed, and read back by the engine's parser."""
    from service.persistence.db import db
    from service.persistence.models import ProcessDefinition
    from workflows.parsing import parse_form_fields, safe_parse_xml

    _, app = live_app
    admin = user_page("admin")
    errors = watch_console(admin)
    admin.goto("/modeller?key=recall")
    expect(admin.locator("#modeller")).to_have_attribute("data-ready", "true")
    panel = admin.locator("#properties")

    admin.click('.djs-element[data-element-id="rectification"]')
    expect(panel.locator(".properties-form")).to_have_attribute("data-element", "rectification")
    expect(panel.locator(".kind")).to_have_text("人工环节")
    panel.locator("input[data-field='label:approve']").fill("提交整改报告")
    panel.locator("input[data-field='label:approve']").press("Enter")
    panel.locator("button[data-field=field-add]").click()
    field = panel.locator(".form-field").nth(1)
    expect(field.locator("input[data-field='field-id:1']")).to_have_value("field_2")
    field.locator("input[data-field='field-id:1']").fill("photos_described")
    field.locator("input[data-field='field-id:1']").press("Tab")
    expect(panel.locator(".form-field").nth(1).locator("input[data-field='field-id:1']")).to_have_value(
        "photos_described")
    panel.locator("select[data-field='field-type:1']").select_option("enum")
    panel.locator("input[data-field='field-label:1']").fill("整改照片")
    panel.locator("input[data-field='field-label:1']").press("Tab")
    panel.locator("input[data-field='field-options:1']").fill("已附,未附")
    panel.locator("input[data-field='field-options:1']").press("Tab")
    panel.locator("input[data-field='field-required:1']").check()
    expect(panel.locator("input[data-field='field-required:1']")).to_be_checked()
    panel.locator(".form-field").nth(1).scroll_into_view_if_needed()
    # The viewport as seen (a full-page shot lays the page out again and scrolls the form back).
    admin.screenshot(path=str(SCREENSHOTS / "modeller-form-fields.png"))

    admin.click('.djs-element[data-element-id="county_decision_reminder"]')
    expect(panel.locator(".properties-form")).to_have_attribute("data-element", "county_decision_reminder")
    expect(panel.locator("select[data-field=timer-source]")).to_have_value("deadline_approval_reminder")
    panel.locator("select[data-field=timer-source]").select_option("literal")
    panel.locator("input[data-field=timer-literal]").fill("P2D")
    panel.locator("input[data-field=timer-literal]").press("Tab")
    panel.locator("select[data-field=timer-day-count]").select_option("calendar")
    panel.locator("select[data-field=timer-notify]").select_option("org_dept")
    expect(panel.locator("select[data-field=timer-notify]")).to_have_value("org_dept")
    expect(panel.locator("input[data-field=timer-interrupting]")).not_to_be_checked()
    shoot(admin, "modeller-timer")

    # A click on the canvas's empty edge clears the selection (and its context pad, which may
    # cover the label).
    admin.locator("#canvas").click(position={"x": 400, "y": 4})
    expect(panel.locator("input[data-field=process-id]")).to_have_value("recall")
    admin.click('.djs-element[data-element-id="flow_gw_county_decision_to_gw_rectifier_label"]')
    expect(panel.locator(".properties-form")).to_have_attribute("data-element",
                                                              "flow_gw_county_decision_to_gw_rectifier")
    condition = panel.locator("input[data-field=condition]")
    expect(condition).to_have_value('decision == "rectify"')
    condition.fill('decision in ("rectify",)')
    condition.press("Tab")
    # Undo takes the condition back, redo puts it again.
    admin.click("button[data-command=undo]")
    expect(panel.locator("input[data-field=condition]")).to_have_value('decision == "rectify"')
    admin.click("button[data-command=redo]")
    expect(panel.locator("input[data-field=condition]")).to_have_value('decision in ("rectify",)')
    shoot(admin, "modeller-condition")

    admin.click("#deploy")
    expect(admin.locator("#modeller-status")).to_contain_text("已部署「驻村干部召回与问责」第 2 版")
    admin.click("#deployed-link")
    admin.click("#diff-previous")
    expect(admin.locator("#changed tbody tr")).to_have_count(6)
    changed = {(row.get_attribute("data-element"), row.get_attribute("data-property"))
               for row in admin.locator("#changed tbody tr").all()}
    assert changed == {
        ("rectification", "prop:decision_labels"), ("rectification", "form:photos_described"),
        ("county_decision_reminder", "timer"), ("county_decision_reminder", "prop:day_count"),
        ("county_decision_reminder", "prop:notify"),
        ("flow_gw_county_decision_to_gw_rectifier", "condition"),
    }, changed
    shoot(admin, "process-diff-recall")

    with app.app_context():
        row = db.session.execute(sa.select(ProcessDefinition).where(
            ProcessDefinition.key == "recall", ProcessDefinition.version == 2)).scalar_one()
        root = safe_parse_xml(row.files["recall.bpmn"].encode("utf-8"), "recall.bpmn")
    ns = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL", "camunda": "http://camunda.org/schema/1.0/bpmn"}
    task = root.xpath("//bpmn:userTask[@id='rectification']", namespaces=ns)[0]
    keys = ("id", "label", "type", "required", "default", "options")
    assert [{k: f[k] for k in keys} for f in parse_form_fields(task)] == [
        {"id": "rectification_report", "label": "整改报告", "type": "string", "required": True,
         "default": None, "options": []},
        {"id": "photos_described", "label": "整改照片", "type": "enum", "required": True,
         "default": None, "options": ["已附", "未附"]},
    ]
    props = {p.get("name"): p.get("value") for p in task.xpath(".//camunda:property", namespaces=ns)}
    assert props["decision_labels"] == "approve:提交整改报告" and props["scope"] == "unit:supplier_id"
    reminder = root.xpath("//bpmn:boundaryEvent[@id='county_decision_reminder']", namespaces=ns)[0]
    props = {p.get("name"): p.get("value") for p in reminder.xpath(".//camunda:property", namespaces=ns)}
    assert props == {"timer_kind": "reminder", "notify": "org_dept", "day_count": "calendar"}
    duration = reminder.xpath(".//bpmn:timeDuration", namespaces=ns)[0]
    assert duration.text == '"P2D"'
    assert duration.get("{http://www.w3.org/2001/XMLSchema-instance}type") == "bpmn:tFormalExpression"
    flow = root.xpath("//bpmn:sequenceFlow[@id='flow_gw_county_decision_to_gw_rectifier']", namespaces=ns)[0]
    assert flow.xpath("./bpmn:conditionExpression", namespaces=ns)[0].text == 'decision in ("rectify",)'
    assert errors == [], errors
