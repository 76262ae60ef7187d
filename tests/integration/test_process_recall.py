"""Recall through HTTP, both outcomes, each leading to a replacement handover.

A: supervision finding -> org_dept verifies -> statement -> county recalls -> accountability ->
   nomination -> filing -> handover.
B: assessment -> rrb verifies -> the cadre stays silent (statement deadline fires, ManualClock) ->
   county orders rectification -> re-check fails -> accountability -> nomination -> handover.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from process_helpers import Api, problem_fields, problem_rules

from service.commands import fire_due_timers


@pytest.fixture
def api(client, auth, clock):
    return Api(client, auth)


def test_recall_is_for_county_bodies_only(api):
    body = {"cadre_id": "c-lina", "source": "supervision", "finding": "长期不在岗", "evidence": []}
    for login in ("hr_hospital", "tw_baishui", "auditor", "cadre_lina", "admin"):
        api.post(login, "/recalls", body, status=403)
    errors = problem_fields(api.post("orgdept", "/recalls", {**body, "source": "rumour"}, status=422))
    assert "source" in errors
    problem = api.post("orgdept", "/recalls", {"cadre_id": "c-sunhao", "source": "supervision",
                                               "finding": "x"}, status=422)
    assert problem_rules(problem) == {"cadre_id": ["cadre_not_posted"]}


def test_recall_after_supervision_finding(api, clock):
    body = {"cadre_id": "c-lina", "source": "supervision", "finding": "长期不在岗，群众反映强烈",
            "evidence": ["督查通报"]}
    started = api.post("orgdept", "/recalls", body, status=201)
    iid = started["instance_id"]
    assert [t["spec_id"] for t in started["open_tasks"]] == ["verify_finding_org_dept"]
    api.post("county", "/recalls", body, status=422)  # duplicate open case
    api.act("orgdept", iid, comment="属实")
    api.act("cadre_lina", iid, data={"statement": "因家中老人患病请假较多"})
    errors = problem_fields(api.act("county", iid, decision="recall", status=422))
    assert "comment" in errors
    api.act("county", iid, decision="recall", comment="不胜任，予以召回")
    api.act("county", iid, spec_id="record_accountability", data={"accountability_measures": "诫勉谈话"})
    problem = api.act("hr_hospital", iid, data={"nominee_id": "c-chenjing", "effective_date": "2026-12-20"},
                      status=422)
    assert "nominee_already_posted" in problem_rules(problem)["data.nominee_id"]
    api.act("hr_hospital", iid, data={"nominee_id": "c-zhoujie", "effective_date": "2026-12-20"})
    done = api.act("orgdept", iid, spec_id="replacement_filing_org_dept")
    assert done["instance_status"] == "completed"
    [hid] = done["started_instances"]
    handover = api.instance("tw_baishui", hid)
    assert (handover["data"]["old_cadre_id"], handover["data"]["new_cadre_id"]) == ("c-lina", "c-zhoujie")
    assert api.postings("v-shuikou", "first_secretary") == ["c-lina"]


def test_recall_after_failed_rectification(api, app, clock):
    body = {"cadre_id": "c-yangfan", "source": "assessment", "finding": "年度考核不称职", "evidence": []}
    iid = api.post("rrb", "/recalls", body, status=201)["instance_id"]
    api.act("rrb", iid)
    statement = api.task_of("cadre_yangfan", iid)
    assert statement["spec_id"] == "cadre_statement" and statement["due_at"]
    # Silence: the statement deadline passes and the case proceeds without it.
    clock.advance(timedelta(days=10))
    with app.app_context():
        result = fire_due_timers(iid, clock.now())
    assert [t.spec_id for t in result.fired] == ["cadre_statement_deadline"]
    assert not [t for t in api.inbox("cadre_yangfan") if t["instance_id"] == iid]
    history = api.get("auditor", f"/instances/{iid}/history")["items"]
    assert history[-1]["kind"] == "timer" and history[-1]["actor"]["login"] == "system"
    api.act("county", iid, decision="rectify", comment="限期一个月整改")
    api.act("hr_power", iid, data={"rectification_report": "已调整工作安排"})
    api.act("rrb", iid, spec_id="recheck_rectification_rrb", decision="reject", comment="整改不到位")
    api.act("county", iid, spec_id="record_accountability", data={"accountability_measures": "通报批评"})
    api.act("hr_power", iid, data={"nominee_id": "c-wuting", "effective_date": "2027-01-10"})
    done = api.act("rrb", iid, spec_id="replacement_filing_rrb")
    [hid] = done["started_instances"]
    found = api.get("cadre_wuting", "/instances?process=handover&cadre_id=c-wuting")["items"]
    assert [i["id"] for i in found] == [hid]
