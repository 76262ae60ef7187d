"""The township's own steps of a recall on its pages: 乡镇限期整改 and 乡镇提名接任人选 for a team
member it supplies itself, found in its inbox, showing what they decide on, in their own words; the
nomination picks the township's own cadres by name. No unit's HR sees them."""

from __future__ import annotations

import re
from datetime import date
from html import unescape
from typing import Any

from command_helpers import open_tasks, who
from page_client import Browser
from roster_helpers import new_cadre, save

from service import commands
from service.commands.roster import save_cadre, save_posting
from service.persistence.db import db
from service.persistence.models import ProcessInstance
from service.queries.print_forms import print_form

TASK_LINK = re.compile(r'href="/tasks/([^"]+)">([^<]+)</a>')
DECISION_LABEL = re.compile(r'<input type="radio" name="decision" value="[a-z]+"[^>]*>\s*([^<]+?)\s*(?:<|$)')
SECTION = re.compile(r'<section class="panel( focus)?" id="section-([a-z_]+)"')
RECALL = {"cadre_id": "c-xuming", "source": "supervision", "finding": "连续两月驻村天数不足",
          "evidence": ["督查通报"]}


def inbox_task(user: Browser, name: str) -> str:
    ids = [tid for tid, text in TASK_LINK.findall(user.get("/inbox")) if text == name]
    assert len(ids) == 1, (name, ids)
    return ids[0]


def act(app: Any, clock: Any, instance_id: str, login: str, decision: str = "approve", comment: str = "",
        data: dict[str, Any] | None = None) -> None:
    clock.advance(minutes=30)
    with app.app_context():
        (task,) = open_tasks(instance_id)
        commands.complete_task(who(login), task.id, decision, comment, data or {})


def test_the_township_rectifies_and_nominates_on_its_pages(app: Any, clock: Any) -> None:
    with app.app_context():
        # 徐明 (青山镇's own) serves in 下河村's team; 林晓 is another of 青山镇's cadres.
        save(save_posting, "tw_qingshan", {"cadre_id": "c-xuming", "village_id": "v-xiahe",
                                           "role": "team_member", "term_start": date(2026, 3, 1)})
        save(save_cadre, "tw_qingshan", new_cadre("c-linxiao", name="林晓", unit_id="tw-qingshan"))
        iid = commands.open_recall(who("rrb"), RECALL).id
    act(app, clock, iid, "rrb", comment="经核实属实")
    act(app, clock, iid, "cadre_xuming", data={"statement": "家中有事，已补假"})
    act(app, clock, iid, "county", "rectify", "限期 20 个工作日整改")

    township = Browser(app, "tw_qingshan")
    for hr in ("hr_edu", "hr_hospital", "hr_power"):
        assert "乡镇限期整改" not in Browser(app, hr).get("/inbox"), hr
    task = inbox_task(township, "乡镇限期整改")
    page = unescape(township.get(f"/tasks/{task}"))
    assert "<h1>乡镇限期整改" in page
    assert tuple(w.strip() for w in DECISION_LABEL.findall(page)) == ("提交整改情况",)
    assert SECTION.findall(page)[0] == (" focus", "opinions")
    assert "限期 20 个工作日整改" in page and "连续两月驻村天数不足" in page and "整改报告" in page
    response = township.post(f"/tasks/{task}/complete", {
        "decision": "approve", "comment": "", "data.rectification_report": "已补足驻村天数"},
        page=f"/tasks/{task}")
    assert response.status_code == 302, response.get_data(as_text=True)

    act(app, clock, iid, "rrb", "reject", "整改不到位")
    act(app, clock, iid, "county", data={"accountability_measures": "诫勉谈话"})
    township = Browser(app, "tw_qingshan")  # signed in again: the session has been idle meanwhile
    task = inbox_task(township, "乡镇提名接任人选")
    page = unescape(township.get(f"/tasks/{task}"))
    assert "<h1>乡镇提名接任人选" in page
    assert tuple(w.strip() for w in DECISION_LABEL.findall(page)) == ("提交提名",)
    assert SECTION.findall(page)[0] == (" focus", "accountability") and "诫勉谈话" in page
    # the picker offers the township's own unposted cadres, not a unit's
    assert 'list="nominee-options"' in page and "林晓（青山镇·未驻村）" in page
    offered = page.split('<datalist id="nominee-options">')[1].split("</datalist>")[0]
    assert "孙浩" not in offered  # (the page's 加签 and 抄送 pickers list every active user)
    response = township.post(f"/tasks/{task}/complete", {
        "decision": "approve", "comment": "", "data.nominee_id": "林晓", "data.effective_date": "2026-12-01"},
        page=f"/tasks/{task}")
    assert response.status_code == 302, response.get_data(as_text=True)
    rrb = Browser(app, "rrb")
    page = unescape(rrb.get(f"/tasks/{inbox_task(rrb, '县乡村振兴局审核备案接任人选')}"))
    assert SECTION.findall(page)[0] == (" focus", "replacement") and "林晓" in page

    # The printed 召回记录 states the township's rectification and nomination, and no unit.
    with app.app_context():
        form = print_form(db.session.get_one(ProcessInstance, iid), "recall")
    rows = {s["id"]: {r["label"]: r["value"] for r in s["rows"]} for s in form["sections"]}
    assert rows["step_rectification_township"]["整改情况"] == "已补足驻村天数"
    assert rows["replacement"]["提名"].startswith("青山镇党委 黄磊（乡镇党委政府）")
    assert {"label": "派出单位", "value": "—"} in form["general"]
