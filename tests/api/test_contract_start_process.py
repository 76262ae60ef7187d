"""POST /definitions/{key}/instances (api.md): admin or a role the definition allows, with
{"data", "business_key"}; start data the process cannot run with is a 422 naming the field, never a
500; the roles api.md lets open a recall (Organization Department, RRB, county) may start one here."""

from __future__ import annotations

RECALL_DATA = {
    "cadre_id": "c-wangqiang", "cadre_name": "王强", "role": "first_secretary",
    "village_id": "v-xinglong", "village_name": "兴隆村", "township_id": "tw-hongqi",
    "unit_id": "unit-power", "source": "supervision", "finding": "长期不在岗", "evidence": [],
    "opened_by": "orgdept",
}


def test_start_with_data_a_script_needs_missing_is_422_naming_it(client, auth):
    # The /adjustments body is not the process's start data (no term_start, facts, ...).
    data = {"cadre_id": "c-lina", "village_id": "v-shuikou", "role": "first_secretary",
            "reason": "health", "nominee_id": "c-zhoujie", "effective_date": "2026-12-20"}
    response = client.post("/api/v1/definitions/mid_term_replacement/instances",
                           json={"data": data, "business_key": "bk-missing"}, headers=auth("admin"))
    assert response.status_code == 422, response.get_json()
    assert response.content_type == "application/problem+json"
    assert "data.term_start" in response.get_json()["errors"]
    listed = client.get("/api/v1/instances?business_key=x", headers=auth("admin"))
    assert listed.status_code == 422  # (unknown filter) - and nothing was started:
    items = client.get("/api/v1/instances?process=mid_term_replacement&cadre_id=c-lina",
                       headers=auth("admin")).get_json()["items"]
    assert items == []


def test_recall_roles_may_start_a_recall_here_too(client, auth):
    for login in ("orgdept", "rrb", "county"):
        response = client.post("/api/v1/definitions/recall/instances",
                               json={"data": {**RECALL_DATA, "opened_by": login}, "business_key": login},
                               headers=auth(login))
        assert response.status_code == 201, (login, response.get_json())
        assert response.get_json()["status"] == "running"
    for login in ("hr_power", "tw_hongqi", "auditor", "cadre_wangqiang"):
        response = client.post("/api/v1/definitions/recall/instances", json={"data": RECALL_DATA},
                               headers=auth(login))
        assert response.status_code == 403, login
