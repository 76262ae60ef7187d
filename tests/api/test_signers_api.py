"""加签 and 抄送 on a mid-term replacement through HTTP; the history still verifies."""

from __future__ import annotations

import pytest
from process_helpers import FS_REQUEST, Api


@pytest.fixture
def api(client, auth, clock):
    return Api(client, auth)


started: list[str] = []


@pytest.fixture(autouse=True)
def _withdrawn(client, auth):
    """One open request per cadre: each test's case is ended after it."""
    yield
    for iid in started:
        client.post(f"/api/v1/instances/{iid}/terminate", json={"reason": "测试结束"}, headers=auth("admin"))
    started.clear()


def _start(api: Api) -> tuple[str, dict]:
    iid = api.post("hr_edu", "/adjustments", FS_REQUEST, status=201)["instance_id"]
    started.append(iid)
    return iid, api.task_of("tw_qingshan", iid)


def _verified(api: Api, iid: str) -> None:
    body = api.get("admin", f"/audit/instances/{iid}/verify")
    assert body["chain"] == "ok" and body["replay"] == "ok", body


def test_before_signer_signs_first_then_the_task_comes_back(api, clock):
    iid, task = _start(api)
    path = f"/tasks/{task['id']}"
    api.get("county", path, status=200)  # the county sees every case anyway
    added = api.post("tw_qingshan", f"{path}/signers", {"login": "county", "mode": "before",
                                                        "reason": "请县里先看"}, status=201)
    assert (added["status"], added["mode"]) == ("open", "before")
    refused = api.post("tw_qingshan", f"{path}/complete", {"decision": "approve", "comment": ""}, status=409)
    assert "county" in refused["detail"]
    api.post("hr_edu", f"{path}/signers/sign", {"decision": "approve"}, status=404)  # not theirs
    clock.advance(hours=1)
    signed = api.post("county", f"{path}/signers/sign", {"decision": "approve", "comment": "同意"})
    assert signed["status"] == "signed" and signed["task_completed"] is False
    api.post("tw_qingshan", f"{path}/complete", {"decision": "approve", "comment": "同意"})
    kinds = [e["kind"] for e in api.get("hr_edu", f"/instances/{iid}/history")["items"]]
    assert kinds[:4] == ["start", "add_signer", "added_sign", "complete"]
    _verified(api, iid)


def test_after_signer_approval_applies_the_holders_decision(api, clock):
    iid, task = _start(api)
    path = f"/tasks/{task['id']}"
    # 后加签 without the holder's own decision
    api.post("tw_qingshan", f"{path}/signers", {"login": "county", "mode": "after"}, status=422)
    api.post("tw_qingshan", f"{path}/signers", {"login": "county", "mode": "after", "decision": "approve",
                                                "comment": "同意"}, status=201)
    clock.advance(hours=1)
    signed = api.post("county", f"{path}/signers/sign", {"decision": "approve"})
    assert signed["task_completed"] is True
    detail = api.instance("hr_edu", iid)
    assert [t["spec_id"] for t in detail["open_tasks"]] == ["county_consent"]
    _verified(api, iid)


def test_adding_an_unknown_or_inactive_user_names_the_field(api):
    _, task = _start(api)
    body = api.post("tw_qingshan", f"/tasks/{task['id']}/signers", {"login": "nobody", "mode": "before"},
                    status=422)
    assert "login" in body["errors"] and "nobody" in body["errors"]["login"][0]
    body = api.post("tw_qingshan", f"/tasks/{task['id']}/signers", {"login": "county", "mode": "sideways"},
                    status=422)
    assert "mode" in body["errors"]
    api.post("tw_baishui", f"/tasks/{task['id']}/signers", {"login": "county", "mode": "before"}, status=404)


def test_cc_gives_read_access_to_that_case_only(api):
    iid, task = _start(api)
    other, _ = iid, None
    api.get("tw_baishui", f"/instances/{iid}", status=404)
    copied = api.post("tw_qingshan", f"/tasks/{task['id']}/cc", {"logins": ["tw_baishui"], "note": "请阅"})
    assert copied["added"] == ["tw_baishui"]
    assert api.instance("tw_baishui", iid)["id"] == other
    notes = api.get("tw_baishui", "/notifications")["items"]
    assert any(n["instance_id"] == iid and "抄送" in n["message"] for n in notes)
    # read, not act
    done = {"decision": "approve", "comment": ""}
    api.post("tw_baishui", f"/tasks/{task['id']}/complete", done, status=403)
    assert not [t for t in api.inbox("tw_baishui") if t["instance_id"] == iid]
    body = api.post("tw_qingshan", f"/tasks/{task['id']}/cc", {"logins": ["ghost"]}, status=422)
    assert "logins" in body["errors"]
    _verified(api, iid)
