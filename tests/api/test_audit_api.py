"""/api/v1/audit: who may call it, raw events, verify, and the instance at past moments."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from audit_scenarios import SECOND_TOWNSHIP_USER, build

from service.persistence.db import db
from service.persistence.models import HistoryEvent


@pytest.fixture(scope="module")
def scenarios(app, clock):
    with app.app_context():
        return build(clock)


def get(client, auth, login, path, status=200):
    response = client.get(f"/api/v1/audit{path}", headers=auth(login))
    assert response.status_code == status, (path, response.status_code, response.get_json())
    return response.get_json()


@pytest.mark.parametrize("login", ["hr_edu", "tw_qingshan", "county", "orgdept", "rrb", "cadre_zhangwei"])
def test_only_auditors_may_read_audit_endpoints(client, auth, scenarios, login):
    fs = scenarios.ids["fs_replacement"]
    for path in (f"/instances/{fs}/events", f"/instances/{fs}/verify",
                 f"/instances/{fs}/state?at=2026-12-01T10:00:00%2B08:00"):
        body = get(client, auth, login, path, 403)
        assert body["status"] == 403


def test_admin_may_verify_but_not_read_events_or_states(client, auth, scenarios):
    fs = scenarios.ids["fs_replacement"]
    assert get(client, auth, "admin", f"/instances/{fs}/verify")["chain"] == "ok"
    get(client, auth, "admin", f"/instances/{fs}/events", 403)
    get(client, auth, "admin", f"/instances/{fs}/state?at=2026-12-01T10:00:00%2B08:00", 403)


def test_no_token_is_401_and_unknown_instance_is_404(client, auth, scenarios):
    assert client.get(f"/api/v1/audit/instances/{scenarios.ids['fs_replacement']}/verify").status_code == 401
    get(client, auth, "auditor", "/instances/nope/verify", 404)
    get(client, auth, "auditor", "/instances/nope/events", 404)


def test_events_are_the_raw_chain_paginated(client, auth, scenarios, app):
    fs = scenarios.ids["fs_replacement"]
    first = get(client, auth, "auditor", f"/instances/{fs}/events?per_page=4")
    second = get(client, auth, "auditor", f"/instances/{fs}/events?per_page=4&page=2")
    assert first["total"] == 10 and (first["page"], first["per_page"]) == (1, 4)
    items = first["items"] + second["items"]
    assert [e["seq"] for e in items] == list(range(1, 9))
    assert items[0]["prev_hash"] is None
    assert all(b["prev_hash"] == a["event_hash"] for a, b in zip(items, items[1:], strict=False))
    start = items[0]
    assert start["kind"] == "start" and start["inputs"]["instance_id"] == fs
    assert start["actor_login"] == "hr_edu" and start["actor_scope"] == "unit:unit-edu"
    transfer = items[4]
    assert transfer["kind"] == "transfer" and transfer["inputs"]["to_user"] == SECOND_TOWNSHIP_USER
    returned = items[5]
    assert (returned["decision"], returned["comment"]) == ("return", "请补充体检报告原件")
    assert returned["inputs"]["decision"] == "return" and returned["state_hash"].startswith("sha256:")
    with app.app_context():
        stored = db.session.execute(sa.select(HistoryEvent.event_hash).where(
            HistoryEvent.instance_id == fs, HistoryEvent.seq == 6)).scalar()
    assert returned["event_hash"] == stored
    get(client, auth, "auditor", f"/instances/{fs}/events?bogus=1", 422)


def test_verify_body(client, auth, scenarios):
    body = get(client, auth, "auditor", f"/instances/{scenarios.ids['recall_recalled']}/verify")
    assert {k: body[k] for k in ("chain", "replay", "first_bad_seq")} == {
        "chain": "ok", "replay": "ok", "first_bad_seq": None}
    assert body["events"] == 7 and "一致" in body["detail"]  # start, verify, timer, 4 decisions


def test_state_at_moments_of_a_recall_with_a_timer_firing(client, auth, scenarios):
    rc = scenarios.ids["recall_recalled"]
    for name, (moment, specs) in scenarios.moments.items():
        at = moment.isoformat().replace("+", "%2B")
        body = get(client, auth, "auditor", f"/instances/{rc}/state?at={at}")
        assert sorted(t["spec_id"] for t in body["open_tasks"]) == specs, name
        assert body["status"] == ("completed" if name == "ended" else "running"), name


def test_state_at_details(client, auth, scenarios):
    rc = scenarios.ids["recall_recalled"]
    moment, _ = scenarios.moments["statement_open"]
    body = get(client, auth, "auditor", f"/instances/{rc}/state?at={moment.isoformat().replace('+', '%2B')}")
    (task,) = body["open_tasks"]
    assert (task["name"], task["role"], task["scope_id"]) == (task["name"], "cadre", "c-wangqiang")
    assert task["candidates"] == ["cadre_wangqiang"] and task["claimed_by"] is None
    assert any(t["spec_id"] == "cadre_statement_deadline" for t in body["timers"])
    assert body["data"]["cadre_id"] == "c-wangqiang" and "__cadreflow__" not in body["data"]
    assert body["status_name"] == "办理中"
    fired, _ = scenarios.moments["timer_fired"]
    after = get(client, auth, "auditor", f"/instances/{rc}/state?at={fired.isoformat().replace('+', '%2B')}")
    assert not any(t["spec_id"] == "cadre_statement_deadline" for t in after["timers"])
    assert after["as_of_seq"] == body["as_of_seq"] + 1
    (decision,) = after["open_tasks"]
    assert decision["candidates"] == ["county"]


def test_state_at_shows_claims_and_transfers(client, auth, scenarios, app):
    fs = scenarios.ids["fs_replacement"]
    with app.app_context():
        times = dict(db.session.execute(sa.select(HistoryEvent.seq, HistoryEvent.at).where(
            HistoryEvent.instance_id == fs)).all())

    def at(seq):
        moment = times[seq].isoformat().replace("+", "%2B")
        return get(client, auth, "auditor", f"/instances/{fs}/state?at={moment}")

    claimed, transferred, returned = at(2), at(5), at(6)
    assert claimed["open_tasks"][0]["claimed_by"] == "tw_qingshan"
    assert at(3)["open_tasks"][0]["claimed_by"] is None
    assert transferred["open_tasks"][0]["claimed_by"] == SECOND_TOWNSHIP_USER
    assert transferred["open_tasks"][0]["candidates"] == ["tw_qingshan", SECOND_TOWNSHIP_USER]
    assert [t["spec_id"] for t in returned["open_tasks"]] == ["revise_request"]
    assert returned["open_tasks"][0]["claimed_by"] is None


@pytest.mark.parametrize("value", ["yesterday", "2026-12-01T10:00:00", "2026-13-01T10:00:00+08:00", ""])
def test_state_at_rejects_a_bad_time_naming_at(client, auth, scenarios, value):
    fs = scenarios.ids["fs_replacement"]
    body = get(client, auth, "auditor", f"/instances/{fs}/state?at={value}", 422)
    assert "at" in body["errors"]


def test_state_before_the_start_is_422_and_missing_at_too(client, auth, scenarios):
    fs = scenarios.ids["fs_replacement"]
    body = get(client, auth, "auditor", f"/instances/{fs}/state?at=2020-01-01T00:00:00%2B08:00", 422)
    assert "at" in body["errors"]
    assert "at" in get(client, auth, "auditor", f"/instances/{fs}/state", 422)["errors"]
