"""Each task page shows what its step decides on, and offers the step's own decision words: a
replacement, its handover and a recall walked as each holder (tests/support/step_walk.py)."""

from __future__ import annotations

import re
from datetime import date
from html import unescape
from typing import Any

import sqlalchemy as sa
from page_client import Browser
from step_walk import RECALL, REPLACEMENT, STEPS, fill

from service import commands
from service.core.principal import Principal
from service.persistence.db import db
from service.persistence.models import HumanTask, ProcessInstance, User

# the clock starts 2026-12-01 and the walk stays on that day: effective and arrival both that day
DATES = {"ARRIVAL": "2026-12-01", "EFFECTIVE": "2027-01-04"}
DECISION_LABEL = re.compile(r'<input type="radio" name="decision" value="[a-z]+"[^>]*>\s*([^<]+?)\s*(?:<|$)')
SECTION = re.compile(r'<section class="panel( focus)?" id="section-([a-z_]+)"')


def who(login: str) -> Principal:
    return Principal.from_user(db.session.get(User, login))


def open_task(process: str, spec_id: str) -> HumanTask:
    return db.session.execute(sa.select(HumanTask)
                              .join(ProcessInstance, ProcessInstance.id == HumanTask.instance_id)
                              .where(ProcessInstance.process_key == process, HumanTask.status == "open",
                                     HumanTask.spec_id == spec_id)).scalar_one()


def test_every_step_shows_what_it_decides_on_in_its_own_words(app: Any, clock: Any) -> None:
    with app.app_context():
        commands.submit_adjustment(who("hr_edu"), {**REPLACEMENT, "effective_date": date(2026, 12, 1)})
    recall_opened = False
    for step in STEPS:
        clock.advance(minutes=30)
        with app.app_context():
            if step.case == "recall" and not recall_opened:
                commands.open_recall(who("orgdept"), RECALL)
                recall_opened = True
            process = {"replacement": "mid_term_replacement"}.get(step.case, step.case)
            task_id = open_task(process, step.spec_id).id
        page = unescape(Browser(app, step.login).get(f"/tasks/{task_id}"))
        assert f"<h1>{step.name}" in page
        words = tuple(w.strip() for w in DECISION_LABEL.findall(page))
        assert words == step.words, (step.spec_id, words)
        for text in fill(step.shows, DATES):
            assert text in page, (step.spec_id, text)
        sections = SECTION.findall(page)
        assert sections and sections[0] == (" focus", step.focus), (step.spec_id, sections)
        assert "{" not in page.split('id="sections"')[1].split("</div>")[0]  # no JSON dumped
        with app.app_context():
            commands.complete_task(who(step.login), task_id, step.decision, step.comment,
                                   fill(step.data, DATES))


def test_the_api_task_detail_carries_the_same_sections(app: Any, client: Any, auth: Any) -> None:
    with app.app_context():
        task_id = db.session.execute(sa.select(HumanTask.id).where(
            HumanTask.spec_id == "review_handover_list")).scalars().first()
        assert task_id is not None
    body = client.get(f"/api/v1/tasks/{task_id}", headers=auth("cadre_sunhao")).get_json()
    (listing,) = [s for s in body["sections"] if s["id"] == "handover_list"]
    assert listing["kind"] == "table" and ["帮扶档案", "帮扶档案 12 卷"] not in listing["rows"]
    assert ["档案", "帮扶档案 12 卷"] in listing["rows"] and listing["focus"] is True
    assert body["decision_name"] == "确认清单" and body["decision_names"] == {"approve": "确认清单",
                                                                              "return": "退回补充"}
