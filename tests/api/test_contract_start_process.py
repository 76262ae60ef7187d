"""POST /definitions/{key}/instances (api.md): admin or a role the definition allows, with
{"data", "business_key"}. The processes that have an endpoint of their own are opened there only:
the generic start answers 403 naming it, whoever asks (tests/api/test_generic_start_guard.py has
the forgeries this stops); start data the process cannot run with is a 422 naming the field."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

BPMN_DIR = Path(__file__).resolve().parents[2] / "bpmn"

RECALL_DATA = {
    "cadre_id": "c-wangqiang", "cadre_name": "王强", "role": "first_secretary",
    "village_id": "v-xinglong", "village_name": "兴隆村", "township_id": "tw-hongqi",
    "unit_id": "unit-power", "source": "supervision", "finding": "长期不在岗", "evidence": [],
    "opened_by": "orgdept",
}


def _refusal(response) -> str:
    assert response.status_code == 403, response.get_json()
    assert response.content_type == "application/problem+json"
    return response.get_json()["errors"]["key"][0]


def test_a_replacement_request_is_made_on_adjustments_only(client, auth):
    data = {"cadre_id": "c-lina", "village_id": "v-shuikou", "role": "first_secretary",
            "reason": "health", "nominee_id": "c-zhoujie", "effective_date": "2026-12-20"}
    for login in ("admin", "hr_hospital"):
        response = client.post("/api/v1/definitions/mid_term_replacement/instances",
                               json={"data": data, "business_key": "bk"}, headers=auth(login))
        assert "POST /api/v1/adjustments" in _refusal(response)
    items = client.get("/api/v1/instances?process=mid_term_replacement&cadre_id=c-lina",
                       headers=auth("admin")).get_json()["items"]
    assert items == []


def test_a_recall_is_opened_on_recalls_only(client, auth):
    for login in ("orgdept", "rrb", "county", "admin", "hr_power"):
        response = client.post("/api/v1/definitions/recall/instances",
                               json={"data": {**RECALL_DATA, "opened_by": login}}, headers=auth(login))
        assert "POST /api/v1/recalls" in _refusal(response), login


def test_an_undeployed_process_is_404(client, auth):
    response = client.post("/api/v1/definitions/no_such_process/instances", json={"data": {}},
                           headers=auth("admin"))
    assert response.status_code == 404, response.get_json()


def test_start_with_data_a_script_needs_missing_is_422_naming_it(client, auth):
    # The replacement diagram deployed under another key (a process without an endpoint of its
    # own): the /adjustments body is not its start data (no term_start, facts, ...).
    xml = (BPMN_DIR / "mid_term_replacement.bpmn").read_bytes().replace(
        b'"mid_term_replacement"', b'"replacement_drill"')
    deployed = client.post("/api/v1/definitions", headers=auth("admin"), content_type="multipart/form-data",
                           data={"files": (BytesIO(xml), "replacement_drill.bpmn")})
    assert deployed.status_code == 201, deployed.get_json()
    data = {"cadre_id": "c-lina", "village_id": "v-shuikou", "role": "first_secretary",
            "reason": "health", "nominee_id": "c-zhoujie", "effective_date": "2026-12-20"}
    response = client.post("/api/v1/definitions/replacement_drill/instances",
                           json={"data": data, "business_key": "bk-missing"}, headers=auth("admin"))
    assert response.status_code == 422, response.get_json()
    assert response.content_type == "application/problem+json"
    assert "data.term_start" in response.get_json()["errors"]
    listed = client.get("/api/v1/instances?process=replacement_drill", headers=auth("admin"))
    assert listed.get_json()["items"] == []
