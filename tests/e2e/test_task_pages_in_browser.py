"""A replacement, its handover and a recall walked in chromium as each holder: on every task page
the data the step decides on is visible, its basis comes first, and the decision words offered are
the step's own (tests/support/step_walk.py). A screenshot of each step is kept in
test-artifacts/screenshots/step-*.png."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from step_walk import RECALL, STEPS, fill

# Without playwright the module is skipped (the chromium fixture says why when it is missing).
expect = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (dev extra)").expect


def submit_replacement(page: Any, effective: str) -> None:
    page.goto("/requests/new")
    page.fill("#cadre-picker", "张伟")  # people are picked by name
    page.check("input[name=reason][value=health]")
    page.fill("textarea[name=justification]", "长期病休，无法坚持驻村")
    page.fill("#nominee-picker", "孙浩")
    page.fill("input[name=effective_date]", effective)
    page.fill("textarea[name=evidence]", "体检报告\n县人民医院诊断证明")
    page.click("#submit-request")
    expect(page.locator("#instance-status")).to_have_text("办理中")


def open_recall(app: Any) -> None:
    from service import commands
    from service.core.principal import Principal
    from service.persistence.db import db
    from service.persistence.models import User

    with app.app_context():
        commands.open_recall(Principal.from_user(db.session.get(User, "orgdept")), RECALL)
        db.session.remove()


def fill_field(page: Any, key: str, value: str) -> None:
    field = page.locator(f"[name='data.{key}']")
    if field.evaluate("e => e.tagName") == "SELECT":
        field.select_option(value)
    else:
        field.fill(value)


def test_each_holder_sees_what_the_step_decides_on(live_app: Any, user_page: Any, shoot: Any) -> None:
    _, app = live_app
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()  # the county's date, as the service checks
    dates = {"ARRIVAL": today.isoformat(), "EFFECTIVE": (today + timedelta(days=30)).isoformat()}
    # taking effect today: the arrival, recorded today, may be neither later than today nor earlier
    submit_replacement(user_page("hr_edu"), today.isoformat())
    recall_opened = False
    for n, step in enumerate(STEPS, 1):
        if step.case == "recall" and not recall_opened:
            open_recall(app)
            recall_opened = True
        page = user_page(step.login)
        page.goto("/inbox")  # unit HR lands on 我的申请, the others on 待办
        page.click(f"#inbox a:text-is('{step.name}')")
        expect(page.locator("h1")).to_contain_text(step.name)
        sections = page.locator("#sections")
        for text in fill(step.shows, dates):
            expect(sections).to_contain_text(text)
        first = sections.locator("section").first
        expect(first).to_have_id(f"section-{step.focus}")
        expect(first).to_have_class("panel focus")
        offered = page.locator("#decide fieldset label.choice").all_inner_texts()
        words = [w.split("（")[0].strip() for w in offered]  # without the "须填写理由" hint
        assert tuple(words) == step.words, (step.spec_id, words)
        shoot(page, f"step-{n:02d}-{step.case}-{step.spec_id}")
        for key, value in fill(step.data, dates).items():
            fill_field(page, key, value)
        page.check(f"input[name=decision][value={step.decision}]")
        page.fill("textarea[name=comment]", step.comment)
        page.click("#submit-decision")
        expect(page.locator(".flash.ok").first).to_contain_text(f"已办理「{step.name}」")
        page.context.close()
