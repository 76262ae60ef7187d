"""Instance migration over HTTP: the dry run says which instances can move and why not (the county
reads it, an administrator moves), the move keeps the task and the history verifies."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from process_helpers import FS_REQUEST, Api

V2 = (Path(__file__).resolve().parents[1] / "support" / "fixtures" / "mid_term_replacement_v2_migration.bpmn")
DRY_RUN = "/definitions/mid_term_replacement/migrations/dry-run"
MIGRATE = "/definitions/mid_term_replacement/migrations"
WAITING_AT_COUNTY = "实例停在「县驻村工作领导小组审核」（county_consent）：目标版本中没有对应环节"
state: dict = {}


@pytest.fixture
def api(client, auth, clock):
    return Api(client, auth)


def test_a_case_waits_at_the_county_and_a_new_version_is_deployed(api, client, auth, clock):
    body = api.post("hr_edu", "/adjustments", FS_REQUEST, status=201)
    state["id"] = body["instance_id"]
    clock.advance(hours=2)
    api.act("tw_qingshan", state["id"], comment="同意")
    state["task"] = api.task_of("county", state["id"])["id"]
    uploaded = client.post("/api/v1/definitions", headers=auth("admin"), content_type="multipart/form-data",
                           data={"files": (io.BytesIO(V2.read_bytes()), "mid_term_replacement.bpmn")})
    assert uploaded.status_code == 201, uploaded.get_json()
    assert uploaded.get_json()["version"] == 2


def test_the_dry_run_says_who_can_move_and_writes_nothing(api):
    before = api.get("admin", f"/instances/{state['id']}/history?per_page=100")["total"]
    body = api.post("county", DRY_RUN, {"from_version": 1, "to_version": 2})
    steps = {s["source_id"]: s for s in body["plan"]["steps"]}
    assert steps["county_consent"]["target_id"] == "county_consent"
    assert steps["county_consent"]["target_name"] == "县驻村工作领导小组审议"
    assert steps["county_consent"]["problem"] is None
    assert {"id": "county_publicity", "name": "调整结果公示"} in steps["county_consent"]["choices"]
    (check,) = [c for c in body["instances"] if c["instance_id"] == state["id"]]
    assert (check["movable"], check["reasons"], check["status_name"]) == (True, [], "办理中")
    assert check["active"] == [{"id": "county_consent", "name": "县驻村工作领导小组审核"}]
    assert body["movable"] >= 1

    refused = api.post("admin", DRY_RUN, {"from_version": 1, "to_version": 2,
                                          "mapping": {"county_consent": None}, "instance_ids": [state["id"]]})
    (check,) = refused["instances"]
    assert (check["movable"], check["reasons"]) == (False, [WAITING_AT_COUNTY])
    assert (refused["movable"], refused["not_movable"]) == (0, 1)
    assert api.get("admin", f"/instances/{state['id']}/history?per_page=100")["total"] == before


def test_bad_plans_name_the_field(api):
    same = api.post("admin", DRY_RUN, {"from_version": 2, "to_version": 2}, status=422)
    assert set(same["errors"]) == {"to_version"}
    nowhere = api.post("admin", DRY_RUN, {"from_version": 1, "to_version": 2,
                                          "mapping": {"county_consent": "nowhere"}}, status=422)
    assert nowhere["errors"] == {"mapping.county_consent": [
        "「县驻村工作领导小组审核」（county_consent）：目标环节「nowhere」在目标版本中不存在。"]}
    assert api.post("admin", DRY_RUN, {"from_version": 1}, status=422)["errors"].keys() == {"to_version"}
    assert "unknown" in api.post("admin", DRY_RUN, {"from_version": 1, "to_version": 2, "unknown": 1},
                                 status=422)["errors"]
    api.post("admin", DRY_RUN, {"from_version": 1, "to_version": 7}, status=404)
    api.post("admin", "/definitions/no_such_process/migrations/dry-run", {"from_version": 1, "to_version": 2},
             status=404)


def test_only_administrators_move_and_only_they_and_the_county_look(api, client):
    for login in ("hr_edu", "tw_qingshan", "orgdept", "auditor"):
        api.post(login, DRY_RUN, {"from_version": 1, "to_version": 2}, status=403)
        api.post(login, MIGRATE, {"from_version": 1, "to_version": 2}, status=403)
    api.post("county", MIGRATE, {"from_version": 1, "to_version": 2}, status=403)
    assert client.post(f"/api/v1{MIGRATE}", json={"from_version": 1, "to_version": 2}).status_code == 401
    assert api.instance("admin", state["id"])["version"] == 1


def test_an_administrator_moves_the_case_and_it_verifies(api, clock):
    clock.advance(hours=1)
    body = api.post("admin", MIGRATE, {"from_version": 1, "to_version": 2, "instance_ids": [state["id"]],
                                       "reason": "新版增加公示环节"})
    assert body["items"] == [{"instance_id": state["id"], "moved": True, "reasons": []}]
    assert (body["moved"], body["not_moved"]) == (1, 0)
    detail = api.instance("county", state["id"])
    assert detail["version"] == 2
    (task,) = detail["open_tasks"]
    assert (task["id"], task["name"]) == (state["task"], "县驻村工作领导小组审议")
    last = api.get("hr_edu", f"/instances/{state['id']}/history?per_page=100")["items"][-1]
    assert (last["kind"], last["kind_name"], last["comment"]) == ("migrated", "迁移版本", "新版增加公示环节")
    verdict = api.get("auditor", f"/audit/instances/{state['id']}/verify")
    assert (verdict["chain"], verdict["replay"]) == ("ok", "ok"), verdict

    again = api.post("admin", MIGRATE, {"from_version": 1, "to_version": 2, "instance_ids": [state["id"]]})
    assert again["items"] == [{"instance_id": state["id"], "moved": False,
                               "reasons": ["不是第 1 版办理中或已挂起的实例"]}]
    clock.advance(hours=1)
    api.act("county", state["id"], comment="同意")
    assert api.task_of("county", state["id"])["spec_id"] == "county_publicity"


def test_the_openapi_document_has_both(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert "post" in paths["/api/v1/definitions/{key}/migrations/dry-run"]
    assert "post" in paths["/api/v1/definitions/{key}/migrations"]
