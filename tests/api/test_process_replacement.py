"""Mid-term replacement of a first secretary through HTTP, end to end, into the handover.

hr_edu -> 青山镇 (tw_qingshan) -> county -> orgdept; then the handover instance: arrival, list,
review, both signatures, witness, Party relation; the postings switch only at the very end.
"""

from __future__ import annotations

import pytest
from process_helpers import FS_REQUEST, HANDOVER_LIST, Api


@pytest.fixture
def api(client, auth, clock):
    return Api(client, auth)


state: dict = {}


def test_submit_creates_instance_and_township_task(api):
    body = api.post("hr_edu", "/adjustments", FS_REQUEST, status=201)
    assert body["status"] == "running" and body["instance_id"]
    state["id"] = body["instance_id"]
    [task] = body["open_tasks"]
    assert (task["spec_id"], task["role"], task["scope_id"]) == (
        "township_consent", "township", "tw-qingshan")
    inbox = api.inbox("tw_qingshan")
    item = next(t for t in inbox if t["instance_id"] == state["id"])
    assert item["name"] == "乡镇党委政府审核" and item["process"] == "mid_term_replacement"
    assert set(item["decisions"]) == {"approve", "reject", "return"}
    assert item["due_at"] and item["summary"]["cadre_name"] == "张伟"
    assert not [t for t in api.inbox("tw_baishui") if t["instance_id"] == state["id"]]
    detail = api.instance("hr_edu", state["id"])
    assert detail["process"] == "mid_term_replacement" and detail["version"] == 1
    assert detail["data"]["nominee_id"] == "c-sunhao" and detail["submitter"] == "hr_edu"
    assert {t["kind"] for t in detail["timers"]} == {"reminder", "escalation"}
    assert all(t["fire_at"] and t["what"] for t in detail["timers"])


def test_approvals_through_county_and_org_dept_start_the_handover(api, clock):
    iid = state["id"]
    clock.advance(hours=3)
    api.act("tw_qingshan", iid, comment="同意调整")
    clock.advance(hours=3)
    api.act("county", iid, comment="同意")
    assert not [t for t in api.inbox("rrb") if t["instance_id"] == iid]  # a first secretary: org_dept files
    clock.advance(hours=3)
    done = api.act("orgdept", iid, comment="予以备案")
    assert done["instance_status"] == "completed"
    [handover_id] = done["started_instances"]
    state["handover"] = handover_id
    found = api.get("tw_qingshan", "/instances?process=handover&cadre_id=c-sunhao")["items"]
    assert [i["id"] for i in found] == [handover_id]
    by_old = api.get("hr_edu", "/instances?process=handover&cadre_id=c-zhangwei")["items"]
    assert by_old[0]["id"] == handover_id
    detail = api.instance("auditor", handover_id)
    assert detail["data"]["old_cadre_id"] == "c-zhangwei" and detail["data"]["new_cadre_id"] == "c-sunhao"
    assert detail["data"]["source_instance_id"] == iid


def test_handover_keeps_old_cadre_until_witnessed_and_party_relation_moved(api, clock):
    hid = state["handover"]
    clock.advance(days=20)  # Monday 2026-12-21: the new cadre arrived on the effective date (12-20)
    steps = [
        ("tw_qingshan", "confirm_arrival", {"arrival_date": "2026-12-20"}),
        ("cadre_zhangwei", "prepare_handover_list", HANDOVER_LIST),
        ("cadre_sunhao", "review_handover_list", {}),
        ("cadre_zhangwei", "sign_old", {}),
        ("cadre_sunhao", "sign_new", {}),
        ("tw_qingshan", "witness_handover", {}),
        ("hr_edu", "transfer_party_relation", {"party_transfer_date": "2026-12-21"}),
    ]
    for login, spec_id, data in steps:
        # Domain rule 5: until the handover is over the village keeps its first secretary.
        assert api.postings("v-shangzhuang", "first_secretary") == ["c-zhangwei"], spec_id
        clock.advance(hours=2)
        api.act(login, hid, data=data, spec_id=spec_id)
    assert api.instance("cadre_sunhao", hid)["status"] == "completed"
    assert api.postings("v-shangzhuang", "first_secretary") == ["c-sunhao"]
    new = api.get("admin", "/cadres/c-sunhao")["postings"]
    assert [p["term_start"] for p in new] == ["2026-12-20"]  # from the recorded arrival
    old = api.get("admin", "/cadres/c-zhangwei")["postings"]
    assert [(p["village_id"], p["active"]) for p in old] == [("v-shangzhuang", False)]
    assert old[0]["term_end"]


def test_history_timeline_in_chinese(api):
    body = api.get("cadre_zhangwei", f"/instances/{state['id']}/history")
    items = body["items"]
    assert body["total"] == len(items) == 4
    assert [e["seq"] for e in items] == [1, 2, 3, 4]
    assert [e["kind"] for e in items] == ["start", "complete", "complete", "complete"]
    assert items[0]["actor"]["login"] == "hr_edu" and items[0]["actor"]["role"] == "unit_hr"
    assert items[1]["actor"] == {**items[1]["actor"], "login": "tw_qingshan", "role": "township"}
    assert items[1]["actor"]["name"] == "青山镇党委 黄磊"
    assert items[1]["decision"] == "approve" and items[1]["comment"] == "同意调整"
    assert items[1]["task_name"] == "乡镇党委政府审核" and items[1]["decision_name"] == "同意"
    assert items[0]["at"] < items[1]["at"] < items[2]["at"]


def test_diagram_marks_completed_and_active_elements(api):
    body = api.get("auditor", f"/instances/{state['id']}/diagram")
    assert body["xml"].lstrip().startswith("<?xml") and "bpmndi:BPMNDiagram" in body["xml"]
    assert {"start", "check_rules", "township_consent", "county_consent", "org_dept_filing",
            "end_approved"} <= set(body["completed"])
    assert "rrb_filing" not in body["completed"] and body["active"] == []


def test_done_tasks_and_foreign_eyes(api):
    done = api.get("tw_qingshan", "/tasks?status=done")["items"]
    assert {t["spec_id"] for t in done} >= {"township_consent", "confirm_arrival", "witness_handover"}
    api.get("tw_baishui", f"/instances/{state['id']}", status=404)
    api.get("cadre_lina", f"/instances/{state['id']}/history", status=404)
    api.get("hr_hospital", f"/instances/{state['id']}/diagram", status=404)
    assert not api.get("hr_power", "/instances")["items"]
