"""Each role reads what its work needs, and what it may not read answers like what does not exist.

A: hr_edu asks to replace 张伟 (上庄村, 青山镇) for his health, with 孙浩 as the nominee.
"""

from __future__ import annotations

import pytest
from process_helpers import FS_REQUEST, Api

REQUEST = {**FS_REQUEST, "justification": "长期病假，需住院治疗", "evidence": ["住院诊断证明"]}
state: dict = {}


@pytest.fixture
def api(client, auth, clock):
    return Api(client, auth)


@pytest.fixture(scope="module")
def request_a(app, tokens, clock):
    client = app.test_client()
    response = client.post("/api/v1/adjustments", json=REQUEST,
                           headers={"Authorization": f"Bearer {tokens['hr_edu']}"})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    state.update(a=body["instance_id"], task=body["open_tasks"][0]["id"])
    return state


def _same_but_for_the_id(hidden, missing, hidden_id, missing_id):
    assert hidden.status_code == missing.status_code == 404
    assert hidden.content_type == missing.content_type == "application/problem+json"
    assert hidden.get_json() == {**missing.get_json(),
                                 "detail": missing.get_json()["detail"].replace(missing_id, hidden_id)}


def test_the_nominee_does_not_read_the_request_that_names_them(api, request_a):
    a = request_a["a"]
    for path in (f"/instances/{a}", f"/instances/{a}/history", f"/instances/{a}/diagram"):
        api.get("cadre_sunhao", path, status=404)
    assert api.get("cadre_sunhao", "/instances?per_page=100")["items"] == []
    assert api.get("cadre_sunhao", "/instances?cadre_id=c-sunhao")["items"] == []
    # The cadre replaced reads it: it is about him.
    assert api.get("cadre_zhangwei", f"/instances/{a}")["data"]["justification"] == REQUEST["justification"]


def test_the_township_reads_the_nominee_of_its_case_and_no_other_township_does(api, request_a):
    assert api.get("tw_qingshan", "/cadres/c-sunhao")["id"] == "c-sunhao"
    assert "c-sunhao" in {c["id"] for c in api.get("tw_qingshan", "/cadres?per_page=100")["items"]}
    api.get("tw_baishui", "/cadres/c-sunhao", status=404)
    api.get("tw_qingshan", "/cadres/c-zhoujie", status=404)  # another unit's unposted cadre


def test_urging_a_task_one_may_not_see_is_404_like_a_missing_task(client, auth, request_a):
    task = request_a["task"]
    for login in ("tw_baishui", "hr_hospital", "cadre_sunhao"):
        hidden = client.post(f"/api/v1/tasks/{task}/urge", json={}, headers=auth(login))
        missing = client.post("/api/v1/tasks/t-nope/urge", json={}, headers=auth(login))
        _same_but_for_the_id(hidden, missing, task, "t-nope")
    # Who sees the task but may not urge it is told so; the submitter urges.
    assert client.post(f"/api/v1/tasks/{task}/urge", json={}, headers=auth("tw_qingshan")).status_code == 403
    assert client.post(f"/api/v1/tasks/{task}/urge", json={}, headers=auth("hr_edu")).status_code == 200


def test_the_nominee_reads_the_handover_and_nothing_of_the_request_through_it(api, request_a):
    a = request_a["a"]
    for login in ("tw_qingshan", "county", "orgdept"):
        api.act(login, a, comment="同意")
    handovers = api.get("cadre_sunhao", "/instances?process=handover&cadre_id=c-sunhao")["items"]
    assert len(handovers) == 1
    handover = api.get("cadre_sunhao", f"/instances/{handovers[0]['id']}")
    assert handover["data"]["new_cadre_id"] == "c-sunhao"
    assert not {"reason", "justification", "evidence"} & set(handover["data"])
    assert REQUEST["justification"] not in str(handover)
    assert [r["id"] for r in handover["related"]] == [a]
    api.get("cadre_sunhao", f"/instances/{a}", status=404)  # the link leads nowhere for him
    listed = api.get("cadre_sunhao", "/instances?per_page=100")["items"]
    assert [i["id"] for i in listed] == [handovers[0]["id"]]
