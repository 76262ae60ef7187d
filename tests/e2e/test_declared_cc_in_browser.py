"""抄送 declared in the diagram, in chromium: an administrator ticks the roles a replacement's
township consent copies the case to, and the process's, in the modeller's form, deploys, and
reads them on the version's page; the township consents to the next case, and the rural
revitalization bureau finds it in 提醒 and reads it, told why, with nothing to act on.

First the modeller as a save tool (bpmn/*.bpmn are edited in one): each bundled file, opened and
downloaded again, is bpmn-js's own serialisation and still keeps the conventions."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from bpmn_conventions import problems

expect = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (dev extra)").expect
KEY = "mid_term_replacement"
BPMN_FILES = sorted((Path(__file__).resolve().parents[2] / "bpmn").glob("*.bpmn"))
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


def watch_console(page: Any) -> list[str]:
    seen: list[str] = []
    page.on("console", lambda msg: seen.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda err: seen.append(str(err)))
    return seen


def start_replacement(app: Any) -> str:
    from service import commands
    from service.core.principal import Principal
    from service.persistence.db import db
    from service.persistence.models import User

    with app.app_context():
        row = commands.submit_adjustment(Principal.from_user(db.session.get(User, "hr_edu")), {
            "cadre_id": "c-zhangwei", "village_id": "v-shangzhuang", "role": "first_secretary",
            "reason": "health", "justification": "", "nominee_id": "c-sunhao",
            "effective_date": date.today() + timedelta(days=20), "evidence": ["体检报告"]})
        return row.id


@pytest.mark.parametrize("path", BPMN_FILES, ids=lambda p: p.name)
def test_a_bundled_file_saved_by_the_modeller_keeps_the_conventions(path: Path, user_page: Any,
                                                                      tmp_path: Path) -> None:
    admin = user_page("admin")
    admin.goto(f"/modeller?key={path.stem}")
    expect(admin.locator("#modeller")).to_have_attribute("data-ready", "true")
    expect(admin.locator("#modeller-basis")).to_contain_text("第 1 版")  # as the seed deployed it
    with admin.expect_download() as download:
        admin.click("button[data-command=download]")
    saved = tmp_path / path.name
    download.value.save_as(str(saved))
    assert saved.read_bytes() != path.read_bytes()  # bpmn-js wrote it out anew
    assert problems(saved) == {}


def test_the_modeller_declares_cc_and_the_next_case_is_copied(user_page: Any, live_app: Any,
                                                              shoot: Any) -> None:
    from service.persistence.db import db
    from service.persistence.models import CaseReader, HumanTask

    _, app = live_app
    admin = user_page("admin")
    errors = watch_console(admin)
    admin.goto(f"/modeller?key={KEY}")
    expect(admin.locator("#modeller")).to_have_attribute("data-ready", "true")
    panel = admin.locator("#properties")

    admin.click('.djs-element[data-element-id="township_consent"]')
    expect(panel.locator(".properties-form")).to_have_attribute("data-element", "township_consent")
    cc = panel.locator("input[data-field='cc:rrb']")
    expect(cc).not_to_be_checked()
    cc.check()
    expect(panel.locator("input[data-field='cc:rrb']")).to_be_checked()
    panel.locator("input[data-field='cc:auditor']").check()
    expect(panel.locator("input[data-field='cc:auditor']")).to_be_checked()
    # Written as the step's property, not among the other properties' lines.
    expect(panel.locator("textarea[data-field=other-props]")).not_to_contain_text("cc=")
    panel.locator("input[data-field='cc:rrb']").scroll_into_view_if_needed()
    admin.screenshot(path=str(SCREENSHOTS / "modeller-step-cc.png"))

    admin.locator("#canvas").click(position={"x": 400, "y": 4})  # the process
    expect(panel.locator("input[data-field=process-id]")).to_have_value(KEY)
    panel.locator("input[data-field='process-cc:county']").check()
    expect(panel.locator("input[data-field='process-cc:county']")).to_be_checked()
    shoot(admin, "modeller-process-cc")

    admin.click("#deploy")
    expect(admin.locator("#modeller-status")).to_contain_text("已部署「驻村干部中途调整」第 2 版")
    admin.click("#deployed-link")
    expect(admin.locator("#steps tr[data-step=township_consent] td.cc")).to_have_text(
        "县乡村振兴局（rrb）、审计监督（auditor）")
    expect(admin.locator("#process-cc")).to_contain_text("县驻村工作领导小组（county）")
    shoot(admin, "process-version-cc")

    iid = start_replacement(app)
    township = user_page("tw_qingshan")
    township.goto("/inbox")
    township.click("#inbox a:text-is('乡镇党委政府审核')")
    township.check("#decide input[name=decision][value=approve]")
    township.click("#submit-decision")
    expect(township.locator(".flash.ok")).to_contain_text("已办理")
    with app.app_context():
        readers = db.session.execute(sa.select(CaseReader.login).where(CaseReader.instance_id == iid)
                                     .order_by(CaseReader.id)).scalars().all()
        assert readers == ["rrb", "auditor"]

    rrb = user_page("rrb")
    rrb.goto("/notifications")
    note = rrb.locator("li, tr", has_text="【抄送】").first
    expect(note).to_contain_text("「乡镇党委政府审核」已办理（同意）")
    shoot(rrb, "declared-cc-notification")
    note.locator("a").click()  # the notice leads to the case
    expect(rrb).to_have_url(f"{live_app[0]}/instances/{iid}")
    expect(rrb.locator("#copied-to-me")).to_contain_text("按流程规定，本案在「乡镇党委政府审核」环节办理后")
    expect(rrb.locator("#copied-to-me")).to_contain_text("不能办理")
    expect(rrb.locator("main form")).to_have_count(0)  # reads, acts on nothing
    expect(rrb.locator("body")).to_contain_text("按流程抄送")  # the timeline's event
    shoot(rrb, "declared-cc-reader")
    with app.app_context():
        open_task = db.session.execute(sa.select(HumanTask.role).where(
            HumanTask.instance_id == iid, HumanTask.status == "open")).scalars().all()
        assert open_task == ["county"]  # the case went on to the county, not to the readers
    assert errors == [], errors
