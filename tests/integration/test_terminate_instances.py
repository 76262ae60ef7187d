"""An administrator terminates a running or errored instance (API, CLI): open tasks cancelled,
timers removed, a `terminate` event with who and why, re-executed by the audit replay."""

from __future__ import annotations

from datetime import timedelta

import pytest
from click.testing import CliRunner
from runaway_support import deploy_runaway_condition
from timer_helpers import adjustment, at_clock, bj, complete, events, open_task, timers, who

from service import commands
from service.audit import verify_instance
from service.cli import cli
from service.commands.stopped import InstanceStopped
from service.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from service.persistence.db import db
from service.persistence.models import HumanTask, ProcessInstance


def test_an_administrator_terminates_an_errored_instance(make_app):
    app = make_app()
    with at_clock(app, bj(2026, 12, 1, 9)) as clock:
        deploy_runaway_condition()
        iid = commands.submit_adjustment(who("hr_edu"), adjustment()).id
        with pytest.raises(InstanceStopped):
            complete("tw_qingshan", iid, "township_consent", "approve", "同意")
        task_id = open_task(iid).id
        assert timers(iid)

        with pytest.raises(Forbidden):
            commands.terminate_instance(who("county"), iid, "越权")
        with pytest.raises(ValidationFailed) as blank:
            commands.terminate_instance(who("admin"), iid, "   ")
        assert "reason" in blank.value.errors
        with pytest.raises(ValidationFailed):
            commands.terminate_instance(who("admin"), iid, "长" * 201)
        with pytest.raises(NotFound):
            commands.terminate_instance(who("admin"), "no-such-instance", "原因")

        clock.advance(timedelta(hours=1))
        commands.terminate_instance(who("admin"), iid, "流程定义有误，终止后重新申请")
        db.session.expire_all()
        row = db.session.get(ProcessInstance, iid)
        assert row.status == "terminated" and row.ended_at is not None
        assert db.session.get(HumanTask, task_id).status == "cancelled"
        assert timers(iid) == {}
        (terminated,) = events(iid, "terminate")
        assert (terminated.actor_login, terminated.actor_role) == ("admin", "admin")
        assert terminated.comment == "流程定义有误，终止后重新申请"
        assert terminated.inputs == {"by": "admin", "reason": "流程定义有误，终止后重新申请"}
        verdict = verify_instance(iid)  # the terminate event is re-executed and must agree
        assert (verdict.chain, verdict.replay) == ("ok", "ok"), verdict.detail

        with pytest.raises(Conflict) as twice:
            commands.terminate_instance(who("admin"), iid, "再次终止")
        assert "已终止" in twice.value.detail
        with pytest.raises(Conflict):
            commands.resume_instance(who("admin"), iid, "恢复")  # terminated is final


def test_terminate_over_the_api(make_app, tokens):
    app = make_app()
    client = app.test_client()

    def post(login: str | None, instance_id: str, body: object):  # type: ignore[no-untyped-def]
        headers = {"Authorization": f"Bearer {tokens[login]}"} if login else {}
        return client.post(f"/api/v1/instances/{instance_id}/terminate", json=body, headers=headers)

    with at_clock(app, bj(2026, 12, 1, 9)):
        iid = commands.submit_adjustment(who("hr_edu"), adjustment()).id
        db.session.commit()
    # Requests outside that app context: each gets its own (and its own authenticated user).
    assert post(None, iid, {"reason": "x"}).status_code == 401
    assert post("hr_edu", iid, {"reason": "x"}).status_code == 403  # the submitter is no admin
    assert post("county", iid, {"unknown": 1}).status_code == 403
    missing = post("admin", iid, {})
    assert missing.status_code == 422 and "reason" in missing.get_json()["errors"]
    assert post("admin", iid, {"reason": "x", "unknown": 1}).status_code == 422
    assert post("admin", iid, {"reason": "   "}).status_code == 422
    assert post("admin", iid, {"reason": "长" * 201}).status_code == 422
    assert post("admin", "no-such-instance", {"reason": "x"}).status_code == 404

    done = post("admin", iid, {"reason": "申请人已调离，终止办理"})
    assert done.status_code == 200, done.get_json()
    assert done.get_json()["status"] == "terminated" and done.get_json()["open_tasks"] == []
    again = post("admin", iid, {"reason": "再次终止"})
    assert again.status_code == 409 and again.content_type == "application/problem+json"

    detail = client.get(f"/api/v1/instances/{iid}", headers={"Authorization": f"Bearer {tokens['admin']}"})
    assert detail.get_json()["status"] == "terminated" and detail.get_json()["timers"] == []
    history = client.get(f"/api/v1/instances/{iid}/history",
                         headers={"Authorization": f"Bearer {tokens['hr_edu']}"}).get_json()["items"]
    last = history[-1]
    assert (last["kind"], last["kind_name"]) == ("terminate", "终止")
    assert last["comment"] == "申请人已调离，终止办理"
    assert last["actor"]["login"] == "admin"
    verdict = client.get(f"/api/v1/audit/instances/{iid}/verify",
                         headers={"Authorization": f"Bearer {tokens['auditor']}"}).get_json()
    assert (verdict["chain"], verdict["replay"]) == ("ok", "ok")


def test_terminate_on_the_command_line(make_app):
    app = make_app()
    with at_clock(app, bj(2026, 12, 1, 9)):
        iid = commands.submit_adjustment(who("hr_edu"), adjustment()).id
        url = db.engine.url.render_as_string(hide_password=False)
        db.session.commit()

    def terminate(*args: str):  # type: ignore[no-untyped-def]
        return CliRunner().invoke(cli, ["instances", "terminate", iid, *args],
                                  env={"CADREFLOW_DATABASE_URL": url})

    assert terminate("--by", "nobody", "--reason", "x").exit_code == 2
    refused = terminate("--by", "county", "--reason", "x")
    assert refused.exit_code == 1 and "只有系统管理员可以终止" in refused.output
    done = terminate("--by", "admin", "--reason", "重复申请，终止")
    assert done.exit_code == 0 and "已终止" in done.output, done.output
    again = terminate("--by", "admin", "--reason", "再次终止")
    assert again.exit_code == 1 and "不能终止" in again.output
    with app.app_context():
        row = db.session.get(ProcessInstance, iid)
        assert row.status == "terminated"
        assert events(iid, "terminate")[0].comment == "重复申请，终止"
