"""Every process endpoint x every role x in/out of jurisdiction -> 2xx / 401 / 403 / 404.

Fixture instances: A = hr_edu's replacement of 张伟 in 上庄村 (青山镇), waiting on the township;
B = hr_edu's replacement of 赵敏 in 红岩村 (白水乡), used for withdrawal. Denied calls change
nothing, so they run first; the allowed mutations run last, in order.
"""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pytest
from process_helpers import FS_REQUEST

ANON = None
LOGINS = ["hr_edu", "hr_hospital", "tw_qingshan", "tw_baishui", "county", "orgdept", "rrb",
          "cadre_zhangwei", "cadre_sunhao", "cadre_lina", "cadre_zhengkai", "auditor", "admin"]
WIDE = {"county", "orgdept", "rrb", "auditor", "admin"}
# Unit, township and the cadre replaced; not the nominee (孙浩, 郑凯): the request's reason and
# evidence are about the cadre being replaced. Nominees read the handover that follows.
SEES_A = WIDE | {"hr_edu", "tw_qingshan", "cadre_zhangwei"}
SEES_B = WIDE | {"hr_edu", "tw_baishui", "cadre_zhaomin"}
BPMN = Path(__file__).resolve().parents[2] / "bpmn" / "handover.bpmn"
state: dict = {}


@pytest.fixture(scope="module")
def setup(app, tokens, clock):
    client = app.test_client()
    h = {"Authorization": f"Bearer {tokens['hr_edu']}"}
    a = client.post("/api/v1/adjustments", json=FS_REQUEST, headers=h).get_json()
    b = client.post("/api/v1/adjustments", headers=h, json={
        **FS_REQUEST, "cadre_id": "c-zhaomin", "village_id": "v-hongyan", "nominee_id": "c-zhengkai",
    }).get_json()
    state.update(a=a["instance_id"], b=b["instance_id"], task=a["open_tasks"][0]["id"])
    return state


def call(client, tokens, login, method, path, **kwargs):
    if login == "bad-token":
        headers = {"Authorization": "Bearer nope"}
    else:
        headers = {"Authorization": f"Bearer {tokens[login]}"} if login else {}
    return getattr(client, method)(f"/api/v1{path}", headers=headers, **kwargs)


def read_of(sees):
    return lambda login: 200 if login in sees else 404


def acting(sees, may):
    return lambda login: 200 if login in may else (403 if login in sees else 404)


# (name, method, path template, body, expected(login) for denied/read cases)
CASES = [
    ("list definitions", "get", "/definitions", None, lambda login: 200),
    ("upload definition", "post", "/definitions", "upload", lambda login: 200 if login == "admin" else 403),
    ("start handover", "post", "/definitions/handover/instances", {"data": {"township_id": "tw-qingshan"}},
     lambda login: 403),  # started by the system only (commands/process.py DEDICATED)
    ("submit adjustment", "post", "/adjustments",
     {**FS_REQUEST, "cadre_id": "c-liuyang", "role": "team_member"}, lambda login: 403),
    ("open recall", "post", "/recalls", {"cadre_id": "c-xx", "source": "supervision", "finding": "x"},
     lambda login: 422 if login in {"county", "orgdept", "rrb"} else 403),
    ("list instances", "get", "/instances", None, lambda login: 200),
    ("instance detail", "get", "/instances/{a}", None, read_of(SEES_A)),
    ("instance history", "get", "/instances/{a}/history", None, read_of(SEES_A)),
    ("instance diagram", "get", "/instances/{a}/diagram", None, read_of(SEES_A)),
    ("withdraw", "post", "/instances/{b}/withdraw", {"reason": "人选另有安排"}, acting(SEES_B, set())),
    ("inbox", "get", "/tasks", None, lambda login: 200),
    ("task detail", "get", "/tasks/{task}", None, read_of(SEES_A)),
    ("claim", "post", "/tasks/{task}/claim", None, acting(SEES_A, set())),
    ("unclaim", "post", "/tasks/{task}/unclaim", None, acting(SEES_A, {"tw_qingshan"})),
    ("transfer", "post", "/tasks/{task}/transfer", {"to_user": "tw_baishui"}, acting(SEES_A, set())),
    ("complete", "post", "/tasks/{task}/complete", {"decision": "approve"}, acting(SEES_A, set())),
]
DENIED_OR_READ = [(c, login) for c in CASES for login in LOGINS
                  if not (c[0] in {"claim", "transfer", "complete"} and login == "tw_qingshan")
                  and not (c[0] == "withdraw" and login == "hr_edu")
                  and not (c[0] == "submit adjustment" and login in {"hr_edu"})]


def _kwargs(body):
    if body == "upload":
        return {"data": {"files": (BytesIO(BPMN.read_bytes()), "handover.bpmn")},
                "content_type": "multipart/form-data"}
    return {"json": body if body is not None else {}}


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
@pytest.mark.parametrize("login", [ANON, "bad-token"])
def test_without_valid_token_is_401(client, tokens, setup, case, login):
    name, method, path, body, _ = case
    response = call(client, tokens, login, method, path.format(**setup), **_kwargs(body))
    assert response.status_code == 401, name
    assert response.content_type == "application/problem+json"


@pytest.mark.parametrize("case, login", DENIED_OR_READ, ids=[f"{c[0]}-{lg}" for c, lg in DENIED_OR_READ])
def test_role_and_jurisdiction(client, tokens, setup, case, login):
    name, method, path, body, expected = case
    response = call(client, tokens, login, method, path.format(**setup), **_kwargs(body))
    assert response.status_code == expected(login), (name, login, response.get_json())


def test_lists_never_leak(client, tokens, setup):
    for login in LOGINS:
        listed = call(client, tokens, login, "get", "/instances?per_page=100").get_json()["items"]
        ids = {i["id"] for i in listed}
        assert (setup["a"] in ids) == (login in SEES_A), login
        assert (setup["b"] in ids) == (login in SEES_B), login
        items = call(client, tokens, login, "get", "/tasks?per_page=100").get_json()["items"]
        inbox = {t["id"] for t in items}
        assert (setup["task"] in inbox) == (login == "tw_qingshan"), login


def test_allowed_mutations(client, tokens, setup):
    def status(login, method, path, body=None):
        return call(client, tokens, login, method, path.format(**setup), json=body or {}).status_code

    assert status("tw_qingshan", "post", "/tasks/{task}/claim") == 200
    assert status("tw_qingshan", "post", "/tasks/{task}/transfer", {"to_user": "tw_baishui"}) == 422
    assert status("tw_qingshan", "post", "/tasks/{task}/unclaim") == 200
    assert status("tw_qingshan", "post", "/tasks/{task}/complete", {"decision": "approve"}) == 200
    assert status("hr_edu", "post", "/instances/{b}/withdraw") == 422  # a withdrawal says why
    assert status("hr_edu", "post", "/instances/{b}/withdraw", {"reason": "人选另有安排"}) == 200
    assert status("hr_edu", "post", "/adjustments", {**FS_REQUEST, "cadre_id": "c-liuyang",
                                                     "role": "team_member"}) == 201
    assert status("orgdept", "post", "/recalls", {"cadre_id": "c-wangqiang", "source": "supervision",
                                                  "finding": "x"}) == 201
    data = {"old_cadre_id": "c-zhaomin", "new_cadre_id": "c-zhengkai", "village_id": "v-hongyan",
            "township_id": "tw-baishui", "unit_id": "unit-edu", "role": "first_secretary"}
    # A handover starts only from an approved replacement or recall, for nobody by hand.
    for login in ("tw_qingshan", "tw_baishui", "admin"):
        assert status(login, "post", "/definitions/handover/instances", {"data": data}) == 403, login
