"""An administrator suspends (挂起) a running instance and resumes it (API, CLI, commands): while
suspended its tasks cannot be completed, nobody withdraws or urges it, its timers do not fire and a
second case of the same cadre waits; the `suspend` and `resume` events carry who and why, and the
audit replay still agrees."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from click.testing import CliRunner
from timer_helpers import adjustment, at_clock, bj, complete, events, firer, open_task, timers, who

from service import commands
from service.audit import verify_instance
from service.cli import cli
from service.commands.calendar import enter_year
from service.commands.urge import urge_task
from service.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from service.persistence.db import db
from service.persistence.models import ProcessInstance


def status(iid: str) -> str:
    db.session.expire_all()
    return db.session.get_one(ProcessInstance, iid).status


def test_a_suspended_instance_stands_still_until_resumed(make_app):
    app = make_app()
    fire = firer()
    with at_clock(app, bj(2026, 12, 1, 9)) as clock:
        iid = commands.submit_adjustment(who("hr_edu"), adjustment()).id
        reminder = timers(iid)["township_consent_reminder"]
        due = reminder.fire_at

        with pytest.raises(Forbidden):
            commands.suspend_instance(who("county"), iid, "越权")
        with pytest.raises(ValidationFailed) as blank:
            commands.suspend_instance(who("admin"), iid, "  ")
        assert "reason" in blank.value.errors
        with pytest.raises(NotFound):
            commands.suspend_instance(who("admin"), "no-such-instance", "原因")
        with pytest.raises(Conflict) as not_held:
            commands.resume_instance(who("admin"), iid, "未挂起")
        assert "只有出错（error）或已挂起（suspended）的实例可以恢复运行" in not_held.value.detail

        clock.advance(timedelta(hours=1))
        commands.suspend_instance(who("admin"), iid, "核查申请材料，暂停办理")
        assert status(iid) == "suspended"
        (suspended,) = events(iid, "suspend")
        assert (suspended.actor_login, suspended.actor_role) == ("admin", "admin")
        assert suspended.comment == "核查申请材料，暂停办理"
        assert suspended.inputs == {"reason": "核查申请材料，暂停办理"}
        assert suspended.state_hash == events(iid)[-2].state_hash  # the engine did not move

        with pytest.raises(Conflict) as refused:
            complete("tw_qingshan", iid, "township_consent", "approve", "同意")
        assert refused.value.slug == "instance-suspended" and "挂起" in refused.value.detail
        with pytest.raises(Conflict) as no_withdraw:
            commands.withdraw_instance(who("hr_edu"), iid, "不再调整")
        assert "挂起" in no_withdraw.value.detail
        with pytest.raises(Conflict) as no_urge:
            urge_task(who("hr_edu"), open_task(iid).id)
        assert "挂起" in no_urge.value.detail
        with pytest.raises(Conflict):
            commands.suspend_instance(who("admin"), iid, "再次挂起")
        # A second request for the same cadre waits for the suspended one like for a running one.
        with pytest.raises(ValidationFailed) as second:
            commands.submit_adjustment(who("hr_edu"), adjustment())
        assert "cadre_id" in second.value.errors

        # Its reminder comes due meanwhile: it does not fire while suspended.
        report = fire.fire_due(due + timedelta(minutes=5))
        assert iid not in report.fired
        assert "township_consent_reminder" in timers(iid) and not events(iid, "timer")

        clock.set(due + timedelta(hours=2))
        commands.resume_instance(who("admin"), iid, "材料已核实，继续办理")
        assert status(iid) == "running"
        resumed = events(iid, "resume")[-1]
        assert (resumed.actor_login, resumed.comment) == ("admin", "材料已核实，继续办理")
        assert not events(iid, "recompute_deadlines")  # the calendar did not change meanwhile
        report = fire.fire_due(due + timedelta(hours=2, minutes=1))
        assert iid in report.fired and "township_consent_reminder" not in timers(iid)
        complete("tw_qingshan", iid, "township_consent", "approve", "同意")

        verdict = verify_instance(iid)
        assert (verdict.chain, verdict.replay) == ("ok", "ok"), verdict.detail

        # Suspended again, then terminated: a suspended instance may be ended too.
        commands.suspend_instance(who("admin"), iid, "再次核查")
        commands.terminate_instance(who("admin"), iid, "核查发现申请不实，终止办理")
        assert status(iid) == "terminated"
        assert [e.kind for e in events(iid)][-3:] == ["complete", "suspend", "terminate"]
        with pytest.raises(Conflict):
            commands.resume_instance(who("admin"), iid, "恢复")  # terminated is final
        verdict = verify_instance(iid)
        assert (verdict.chain, verdict.replay) == ("ok", "ok"), verdict.detail


def test_a_calendar_entered_while_suspended_is_counted_at_the_resume(make_app):
    """Entering a year recomputes running instances only; a suspended one catches up when resumed."""
    app = make_app()
    with at_clock(app, bj(2026, 12, 25, 10)) as clock:
        # Fri Dec 25 2026 + P5D: Dec 28-31, then Fri Jan 1 2027 under the weekends-only year.
        iid = commands.submit_adjustment(who("hr_edu"), adjustment(effective_date=date(2027, 2, 1))).id
        assert timers(iid)["township_consent_escalation"].fire_at == bj(2027, 1, 1, 10)
        commands.suspend_instance(who("admin"), iid, "暂停办理")
        clock.advance(timedelta(hours=1))
        entered = enter_year(who("admin"), 2027, [date(2027, 1, 1)], [])
        assert iid not in entered.recomputed
        assert timers(iid)["township_consent_escalation"].fire_at == bj(2027, 1, 1, 10)

        clock.advance(timedelta(hours=1))
        commands.resume_instance(who("admin"), iid, "继续办理")
        assert timers(iid)["township_consent_escalation"].fire_at == bj(2027, 1, 4, 10)  # Jan 1 off
        (recomputed,) = events(iid, "recompute_deadlines")
        assert recomputed.actor_login == "admin" and events(iid)[-2].kind == "resume"
        verdict = verify_instance(iid)
        assert (verdict.chain, verdict.replay) == ("ok", "ok"), verdict.detail


def test_suspend_and_resume_over_the_api(make_app, tokens, auth):
    app = make_app()
    client = app.test_client()

    def post(login: str | None, action: str, instance_id: str, body: object):  # type: ignore[no-untyped-def]
        headers = {"Authorization": f"Bearer {tokens[login]}"} if login else {}
        return client.post(f"/api/v1/instances/{instance_id}/{action}", json=body, headers=headers)

    with at_clock(app, bj(2026, 12, 1, 9)):
        iid = commands.submit_adjustment(who("hr_edu"), adjustment()).id
        db.session.commit()
    for action in ("suspend", "resume"):
        assert post(None, action, iid, {"reason": "x"}).status_code == 401
        assert post("county", action, iid, {"reason": "x"}).status_code == 403  # sees it, may not
        assert post("county", action, iid, {"unknown": 1}).status_code == 403  # before validation
        missing = post("admin", action, iid, {})
        assert missing.status_code == 422 and "reason" in missing.get_json()["errors"]
        assert post("admin", action, iid, {"reason": "x", "unknown": 1}).status_code == 422
    not_held = post("admin", "resume", iid, {"reason": "未挂起"})
    assert not_held.status_code == 409 and "恢复运行" in not_held.get_json()["detail"]
    done = post("admin", "suspend", iid, {"reason": "核查材料"})
    assert done.status_code == 200 and done.get_json()["status"] == "suspended"
    detail = client.get(f"/api/v1/instances/{iid}", headers=auth("hr_edu"))
    assert detail.get_json()["status"] == "suspended"
    listed = client.get("/api/v1/instances?status=suspended", headers=auth("admin"))
    assert [i["id"] for i in listed.get_json()["items"]] == [iid]
    task = detail.get_json()["open_tasks"][0]["id"]
    refused = client.post(f"/api/v1/tasks/{task}/complete", json={"decision": "approve"},
                          headers=auth("tw_qingshan"))
    assert refused.status_code == 409 and "挂起" in refused.get_json()["detail"]
    again = post("admin", "suspend", iid, {"reason": "再次"})
    assert again.status_code == 409 and "只有办理中的实例可以挂起" in again.get_json()["detail"]
    back = post("admin", "resume", iid, {"reason": "核查完毕"})
    assert back.status_code == 200 and back.get_json()["status"] == "running"
    history = client.get(f"/api/v1/instances/{iid}/history", headers=auth("admin"))
    kinds = [(e["kind"], e["comment"]) for e in history.get_json()["items"]]
    assert kinds[-2:] == [("suspend", "核查材料"), ("resume", "核查完毕")]
    with app.app_context():
        verdict = verify_instance(iid)
        assert (verdict.chain, verdict.replay) == ("ok", "ok"), verdict.detail


def test_suspend_and_resume_from_the_command_line(make_app):
    app = make_app()
    with at_clock(app, bj(2026, 12, 1, 9)):
        iid = commands.submit_adjustment(who("hr_edu"), adjustment()).id
        url = db.engine.url.render_as_string(hide_password=False)
        db.session.commit()

    def run(*args: str):  # type: ignore[no-untyped-def]
        return CliRunner().invoke(cli, ["instances", *args], env={"CADREFLOW_DATABASE_URL": url})

    assert run("suspend", iid, "--by", "nobody", "--reason", "x").exit_code == 2
    refused = run("suspend", iid, "--by", "county", "--reason", "x")
    assert refused.exit_code == 1 and "只有系统管理员可以挂起" in refused.output
    done = run("suspend", iid, "--by", "admin", "--reason", "核查材料")
    assert done.exit_code == 0 and "已挂起" in done.output
    again = run("suspend", iid, "--by", "admin", "--reason", "再次")
    assert again.exit_code == 1 and "已挂起" in again.output
    resumed = run("resume", iid, "--by", "admin", "--reason", "核查完毕")
    assert resumed.exit_code == 0 and "已恢复运行" in resumed.output
    with app.app_context():
        assert status(iid) == "running"
        assert [e.kind for e in events(iid)][-2:] == ["suspend", "resume"]
        assert verify_instance(iid).ok
