"""Deactivating a user shuts them out everywhere and hands their claimed tasks back (as audited
history events); reactivating lets them sign in again. The last active admin is never lost."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from process_helpers import FS_REQUEST
from user_admin_helpers import page_login, user_log

from service.audit import verify_instance
from service.audit.roster_verify import verify_roster_log
from service.commands.actor import SYSTEM
from service.commands.users_admin import deactivate_user, update_user
from service.core.errors import Conflict
from service.persistence.db import db
from service.persistence.history import event_hash
from service.persistence.models import HistoryEvent

STATE: dict[str, str] = {}


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def test_a_deactivated_user_loses_sessions_token_and_claims(app, client, auth, clock):
    submitted = client.post("/api/v1/adjustments", json=FS_REQUEST, headers=auth("hr_edu")).get_json()
    instance_id, task_id = submitted["instance_id"], submitted["open_tasks"][0]["id"]
    STATE["instance_id"] = instance_id
    assert client.post(f"/api/v1/tasks/{task_id}/claim", headers=auth("tw_qingshan")).status_code == 200
    browser = app.test_client()
    assert page_login(browser, "tw_qingshan").status_code == 302
    clock.advance(timedelta(minutes=5))

    response = client.post("/api/v1/users/tw_qingshan/deactivate", headers=auth("admin"))
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["active"] is False and body["released_tasks"] == [task_id] and body["sessions_ended"] == 1
    assert not body["has_token"]

    assert client.get("/api/v1/me", headers=auth("tw_qingshan")).status_code == 401
    assert browser.get("/inbox").status_code == 302
    assert page_login(app.test_client(), "tw_qingshan").status_code == 401  # right password, refused
    task = client.get(f"/api/v1/tasks/{task_id}", headers=auth("county")).get_json()
    assert task["claimed_by"] is None

    events = client.get(f"/api/v1/audit/instances/{instance_id}/events?per_page=100",
                        headers=auth("auditor")).get_json()
    release = events["items"][-1]
    assert release["kind"] == "release" and release["actor_login"] == "admin"
    assert release["inputs"] == {"task_id": task_id, "from_user": "tw_qingshan"}
    history = client.get(f"/api/v1/instances/{instance_id}/history", headers=auth("county")).get_json()
    assert "原认领人 tw_qingshan 已停用" in history["items"][-1]["description"]
    verified = client.get(f"/api/v1/audit/instances/{instance_id}/verify",
                          headers=auth("auditor")).get_json()
    assert (verified["chain"], verified["replay"]) == ("ok", "ok"), verified
    at = (clock.now() + timedelta(seconds=1)).isoformat()
    state = client.get(f"/api/v1/audit/instances/{instance_id}/state", query_string={"at": at},
                       headers=auth("auditor")).get_json()
    assert [t["claimed_by"] for t in state["open_tasks"]] == [None]

    [entry] = [e for e in user_log(app, "tw_qingshan") if e["action"] == "deactivate"]
    assert entry["before"] == {"active": True} and entry["after"] == {"active": False,
                                                                      "released_tasks": [task_id]}
    # Deactivating again changes nothing and logs nothing.
    assert client.post("/api/v1/users/tw_qingshan/deactivate", headers=auth("admin")).status_code == 200
    assert len(user_log(app, "tw_qingshan")) == 1


@pytest.mark.parametrize("forged", [{"from_user": "tw_baishui"}, {"task_id": "no-such-task"}])
def test_a_forged_release_diverges_on_replay(app, backend, forged):
    """A release naming someone who did not hold the task, or a task that was not open, is caught
    even when the forger recomputes the hash chain."""
    instance_id = STATE["instance_id"]
    events = HistoryEvent.__table__
    with app.app_context():
        conn = db.session.connection()
        if backend == "postgresql":
            conn.exec_driver_sql("SET LOCAL session_replication_role = replica")
        rows = conn.execute(sa.select(events).where(events.c.instance_id == instance_id)
                            .order_by(events.c.seq)).mappings().all()
        release = next(r for r in rows if r["kind"] == "release")
        prev = None
        for row in rows:
            values = dict(row)
            if row["seq"] == release["seq"]:
                values["inputs"] = {**row["inputs"], **forged}
            if row["seq"] >= release["seq"]:
                new = event_hash(values, prev)
                conn.execute(events.update().where(events.c.id == row["id"]).values(
                    inputs=values["inputs"], prev_hash=prev, event_hash=new))
                prev = new
            else:
                prev = row["event_hash"]
        result = verify_instance(instance_id)
        db.session.rollback()
        expected = ("ok", "diverged", release["seq"])
        assert (result.chain, result.replay, result.first_bad_seq) == expected, result
        assert verify_instance(instance_id).ok


def test_reactivation_lets_the_password_in_again_but_not_the_old_token(app, client, auth):
    response = client.post("/api/v1/users/tw_qingshan/reactivate", headers=auth("admin"))
    assert response.status_code == 200 and response.get_json()["active"] is True
    assert page_login(app.test_client(), "tw_qingshan").status_code == 302
    assert client.get("/api/v1/me", headers=auth("tw_qingshan")).status_code == 401
    assert [e["action"] for e in user_log(app, "tw_qingshan")] == ["deactivate", "reactivate"]
    with app.app_context():
        assert verify_roster_log().ok


def test_nobody_deactivates_themself(client, auth):
    response = client.post("/api/v1/users/admin/deactivate", headers=auth("admin"))
    assert response.status_code == 409 and "自己" in response.get_json()["detail"]


def test_the_last_active_admin_keeps_the_admin_role(make_app, tokens):
    app = make_app()
    client = app.test_client()
    admin = bearer(tokens["admin"])
    demote = {"roles": [{"role": "auditor"}]}
    refused = client.patch("/api/v1/users/admin", json=demote, headers=admin)
    assert refused.status_code == 409 and "最后一个有效的系统管理员" in refused.get_json()["detail"]

    made = client.post("/api/v1/users", headers=admin, json={
        "login": "admin_two", "display_name": "第二管理员", "roles": [{"role": "admin"}]})
    assert made.status_code == 201
    token = client.post("/api/v1/users/admin_two/password", json={"rotate_token": True},
                        headers=admin).get_json()["token"]
    # A deactivated admin does not count: admin_two deactivated, admin is the last again.
    assert client.post("/api/v1/users/admin_two/deactivate", headers=admin).status_code == 200
    assert client.patch("/api/v1/users/admin", json=demote, headers=admin).status_code == 409
    assert client.post("/api/v1/users/admin_two/reactivate", headers=admin).status_code == 200
    token = client.post("/api/v1/users/admin_two/password", json={"rotate_token": True},
                        headers=admin).get_json()["token"]

    assert client.patch("/api/v1/users/admin", json=demote, headers=admin).status_code == 200
    assert client.get("/api/v1/users", headers=admin).status_code == 403  # no longer an admin
    last = client.patch("/api/v1/users/admin_two", json=demote, headers=bearer(token))
    assert last.status_code == 409
    with app.app_context():
        with pytest.raises(Conflict, match="最后一个有效的系统管理员"):
            deactivate_user(SYSTEM, "admin_two", source="cli")
        with pytest.raises(Conflict):
            update_user(SYSTEM, "admin_two", roles=[{"role": "county"}], source="cli")
    assert client.get("/api/v1/users/admin_two", headers=bearer(token)).get_json()["active"] is True
