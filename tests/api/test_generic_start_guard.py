"""POST /definitions/{key}/instances cannot forge a case (hostile-input issue, finding 1).

A process with a command of its own (mid_term_replacement, recall, handover, unit_duties) starts
only through that command's checks: the generic endpoint refuses the first three with a 403 naming
the endpoint to use, and passes unit_duties to its command, which takes `unit_id` and `year` and
nothing else. Any other process may still start here, but the caller never sets what the service
fills in (deadline_*, duty_*, *_facts, engine bookkeeping), and the names, unit and township that
go with a cadre or village id come from the registry.
"""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pytest
from process_helpers import Api, problem_fields

HANDOVER_BPMN = Path(__file__).resolve().parents[2] / "bpmn" / "handover.bpmn"
DRILL = "handover_drill"  # the handover diagram under another key: a process without a command

# The forgery of the issue: unit-power's HR replaces unit-hospital's 李娜 (who has an open
# request below), names a probationary nominee declared "formal", and sets 1-second deadlines.
FORGED = {
    "cadre_id": "c-lina", "cadre_name": "李娜", "village_id": "v-shuikou", "village_name": "水口村",
    "village_category": "key_assistance", "township_id": "tw-baishui", "unit_id": "unit-power",
    "role": "first_secretary", "term_start": "2024-01-01", "reason": "health", "justification": "",
    "nominee_id": "c-qianli", "nominee_name": "钱立",
    "nominee_facts": {"party_status": "formal", "party_member_since": "2010-01-01",
                      "work_start_date": "2010-01-01", "employment_type": "permanent"},
    "effective_date": "2026-12-20", "evidence": [], "submitter": "hr_power",
    "deadline_approval_reminder": "PT1S", "deadline_approval_escalation": "PT1S",
}
HANDOVER_DATA = {"old_cadre_id": "c-zhaomin", "new_cadre_id": "c-zhengkai", "village_id": "v-hongyan",
                 "township_id": "tw-baishui", "unit_id": "unit-edu", "role": "first_secretary"}


@pytest.fixture
def api(client, auth, clock):
    return Api(client, auth)


def _instances(api: Api, process: str, **filters: str) -> list[dict]:
    query = "".join(f"&{k}={v}" for k, v in filters.items())
    return api.get("auditor", f"/instances?per_page=100&process={process}{query}")["items"]


def _refused(api: Api, login: str, key: str, data: dict) -> str:
    body = api.post(login, f"/definitions/{key}/instances", {"data": data}, status=403)
    errors = problem_fields(body)
    assert list(errors) == ["key"], body
    assert body["type"].endswith("dedicated-command"), body
    return errors["key"][0]


def test_a_forged_replacement_is_refused_and_points_to_adjustments(api):
    lina = {"cadre_id": "c-lina", "village_id": "v-shuikou", "role": "first_secretary", "reason": "health",
            "justification": "", "nominee_id": "c-zhoujie", "effective_date": "2026-12-20", "evidence": []}
    api.post("hr_hospital", "/adjustments", lina, status=201)
    for login in ("hr_power", "hr_hospital", "admin"):
        message = _refused(api, login, "mid_term_replacement", FORGED)
        assert "POST /api/v1/adjustments" in message
    assert len(_instances(api, "mid_term_replacement", cadre_id="c-lina")) == 1
    assert api.get("hr_power", "/tasks")["total"] == 0
    assert api.get("county", "/tasks")["total"] == 0


def test_recall_and_handover_are_refused_whoever_asks(api):
    recall = {"cadre_id": "c-wangqiang", "cadre_name": "王强", "role": "first_secretary",
              "village_id": "v-xinglong", "village_name": "兴隆村", "township_id": "tw-hongqi",
              "unit_id": "unit-power", "source": "supervision", "finding": "x", "evidence": [],
              "opened_by": "orgdept"}
    for login in ("orgdept", "rrb", "county", "admin"):
        assert "POST /api/v1/recalls" in _refused(api, login, "recall", recall)
    for login in ("tw_baishui", "admin"):
        assert "自动" in _refused(api, login, "handover", HANDOVER_DATA)
    assert _instances(api, "recall") == [] and _instances(api, "handover") == []


def test_a_role_without_any_right_is_refused_the_same_way(api):
    # The refusal does not depend on who asks: there is nothing to start here for anyone.
    _refused(api, "auditor", "mid_term_replacement", {})
    _refused(api, "cadre_lina", "handover", {})


@pytest.mark.parametrize("extra, field", [
    ({"deadline_approval_reminder": "PT1S"}, "data.deadline_approval_reminder"),
    ({"deadline_arrival": "soon"}, "data.deadline_arrival"),  # was a 500 (unparseable duration)
    ({"duty_work_funds_per_village_yuan": 1}, "data.duty_work_funds_per_village_yuan"),
    ({"__cadreflow__": {"instance_id": "x"}}, "data.__cadreflow__"),
    ({"township_id": "tw-qingshan"}, "data.township_id"),
])
def test_unit_duties_takes_unit_and_year_only(api, extra, field):
    body = {"data": {"unit_id": "unit-hospital", "year": 2030, **extra}}
    errors = problem_fields(api.post("admin", "/definitions/unit_duties/instances", body, status=422))
    assert list(errors) == [field]
    assert _instances(api, "unit_duties") == []


@pytest.mark.parametrize("data, field", [
    ({"unit_id": "unit-nowhere", "year": 2030}, "data.unit_id"),
    ({"unit_id": "tw-qingshan", "year": 2030}, "data.unit_id"),  # a township, not a dispatch unit
    ({"unit_id": "unit-hospital", "year": 1999}, "data.year"),
    ({"unit_id": "unit-hospital", "year": "2030"}, "data.year"),
    ({"unit_id": "unit-hospital", "year": True}, "data.year"),
    ({"year": 2030}, "data.unit_id"),
])
def test_unit_duties_unit_and_year_are_checked(api, data, field):
    errors = problem_fields(api.post("admin", "/definitions/unit_duties/instances", {"data": data},
                                     status=422))
    assert field in errors, errors


def test_unit_duties_once_per_unit_and_year_with_the_system_business_key(api):
    body = {"data": {"unit_id": "unit-hospital", "year": 2031}}
    errors = problem_fields(api.post("county", "/definitions/unit_duties/instances",
                                     {**body, "business_key": "mine"}, status=422))
    assert list(errors) == ["business_key"]
    started = api.post("county", "/definitions/unit_duties/instances", body, status=201)
    detail = api.instance("county", started["instance_id"])
    assert detail["business_key"] == "unit_duties:unit-hospital:2031"
    assert detail["data"]["deadline_approval_reminder"] == "P3D"  # configuration, not the caller
    again = api.post("admin", "/definitions/unit_duties/instances", body, status=409)
    assert list(problem_fields(again)) == ["data.unit_id"]


@pytest.fixture(scope="module")
def drill(app, tokens):
    """The handover diagram deployed as `handover_drill`: started generically by its start lane
    (the township of `township_id`) or the admin."""
    xml = HANDOVER_BPMN.read_bytes().replace(b'"handover"', f'"{DRILL}"'.encode())
    client = app.test_client()
    response = client.post("/api/v1/definitions", data={"files": (BytesIO(xml), f"{DRILL}.bpmn")},
                           content_type="multipart/form-data",
                           headers={"Authorization": f"Bearer {tokens['admin']}"})
    assert response.status_code == 201, response.get_json()
    return DRILL


@pytest.mark.parametrize("extra, field", [
    ({"deadline_arrival": "PT1S"}, "data.deadline_arrival"),
    ({"deadline_handover": "soon"}, "data.deadline_handover"),
    ({"duty_work_funds_per_village_yuan": 1}, "data.duty_work_funds_per_village_yuan"),
    ({"new_cadre_facts": {"party_status": "formal"}}, "data.new_cadre_facts"),
    ({"__cadreflow__": {"instance_id": "x"}}, "data.__cadreflow__"),
    ({"township_id": "tw-qingshan"}, "data.township_id"),  # 红岩村 is in 白水乡
    ({"unit_id": "unit-power"}, "data.unit_id"),  # 赵敏 is sent by the education bureau
    ({"old_cadre_name": "别人"}, "data.old_cadre_name"),
    ({"old_cadre_id": "c-nobody"}, "data.old_cadre_id"),
    ({"village_id": "v-nowhere"}, "data.village_id"),
])
def test_a_process_without_a_command_never_takes_reserved_or_contrary_data(api, drill, extra, field):
    errors = problem_fields(api.post("admin", f"/definitions/{drill}/instances",
                                     {"data": {**HANDOVER_DATA, **extra}}, status=422))
    assert field in errors, errors
    assert _instances(api, drill) == []


def test_a_process_without_a_command_gets_names_unit_and_township_from_the_registry(api, drill):
    data = {"old_cadre_id": "c-zhaomin", "new_cadre_id": "c-zhengkai", "village_id": "v-hongyan",
            "role": "first_secretary"}
    # 赵敏 is in 白水乡 (tw_baishui's jurisdiction): the township comes from the village, not the caller.
    api.post("tw_qingshan", f"/definitions/{drill}/instances", {"data": data}, status=403)
    started = api.post("tw_baishui", f"/definitions/{drill}/instances", {"data": data}, status=201)
    detail = api.instance("hr_edu", started["instance_id"])  # the unit comes from the old cadre
    assert {k: detail["data"][k] for k in ("old_cadre_name", "new_cadre_name", "village_name",
                                           "township_id", "unit_id")} == {
        "old_cadre_name": "赵敏", "new_cadre_name": "郑凯", "village_name": "红岩村",
        "township_id": "tw-baishui", "unit_id": "unit-edu"}
    assert detail["data"]["deadline_arrival"] == "P10D"

