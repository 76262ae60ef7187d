"""A timer whose firing raises does not block the others; it is retried with exponential backoff
and after the last attempt its instance goes to status `error` with the reason in its history."""

from __future__ import annotations

from datetime import timedelta

import pytest
from timer_helpers import adjustment, at_clock, bj, events, firer, timers, who

from service import commands
from service.persistence.db import db
from service.persistence.history import event_fields, event_hash
from service.persistence.models import ProcessInstance
from workflows.engine import Instance


def test_failing_timer_backs_off_then_errors_while_others_fire(make_app, monkeypatch, auth):
    app = make_app()
    with at_clock(app, bj(2026, 12, 1, 9)):
        bad = commands.submit_adjustment(who("hr_edu"), adjustment()).id
        good = commands.open_recall(who("orgdept"), {
            "cadre_id": "c-zhangwei", "source": "assessment", "finding": "考核不称职", "evidence": []}).id
        original = Instance.fire_due_timers

        def fire_or_explode(self: Instance, at):  # a bad expression in `bad`'s definition
            if self.instance_id == bad:
                raise NameError("name 'deadline_typo' is not defined")
            return original(self, at)

        monkeypatch.setattr(Instance, "fire_due_timers", fire_or_explode)
        fire = firer(timer_max_attempts=3, timer_retry_seconds=60)
        due = timers(bad)["township_consent_reminder"].fire_at  # Fri Dec 4 09:00
        assert min(t.fire_at for t in timers(good).values()) == due
        now = due + timedelta(seconds=1)

        report = fire.fire_due(now)
        assert bad in report.failed and not report.errored
        assert good in report.fired  # the other instance's timer fired in the same sweep
        row = timers(bad)["township_consent_reminder"]
        assert (row.attempts, row.next_attempt_at) == (1, now + timedelta(seconds=60))
        assert "deadline_typo" in row.last_error
        # Not retried before its backoff; retried after it, with the delay doubled.
        assert bad not in fire.fire_due(now + timedelta(seconds=59)).failed
        second = now + timedelta(seconds=61)
        assert bad in fire.fire_due(second).failed
        assert timers(bad)["township_consent_reminder"].next_attempt_at == second + timedelta(seconds=120)
        assert bad not in fire.fire_due(second + timedelta(seconds=119)).failed
        report = fire.fire_due(second + timedelta(seconds=121))
        assert report.errored == [bad]

        db.session.expire_all()
        instance = db.session.get(ProcessInstance, bad)
        assert instance.status == "error" and "deadline_typo" in instance.error
        (failed,) = events(bad, "timer_failed")
        assert "deadline_typo" in failed.comment and failed.inputs["attempts"] == 3
        previous = events(bad)[-2]
        # The failure continues the hash chain and records the unchanged state.
        assert failed.prev_hash == previous.event_hash and failed.state_hash == previous.state_hash
        assert failed.event_hash == event_hash(event_fields(failed), failed.prev_hash)
        assert bad not in fire.fire_due(second + timedelta(days=30)).failed  # never claimed again

    listed = app.test_client().get("/api/v1/instances?status=error", headers=auth("admin")).get_json()
    assert [item["id"] for item in listed["items"]] == [bad]


def test_an_administrator_resumes_an_errored_instance_and_its_timers_fire_again(make_app, monkeypatch):
    from click.testing import CliRunner

    from service.audit import verify_instance
    from service.cli import cli
    from service.core.errors import Conflict, Forbidden, ValidationFailed

    app = make_app()
    with at_clock(app, bj(2026, 12, 1, 9)):
        bad = commands.submit_adjustment(who("hr_edu"), adjustment()).id
        monkeypatch.setattr(Instance, "fire_due_timers", lambda self, at: (_ for _ in ()).throw(
            NameError("name 'deadline_typo' is not defined")))
        fire = firer(timer_max_attempts=1, timer_retry_seconds=60)
        due = timers(bad)["township_consent_reminder"].fire_at
        assert fire.fire_due(due + timedelta(seconds=1)).errored == [bad]
        monkeypatch.undo()  # the administrator fixed the cause

        with pytest.raises(Forbidden):
            commands.resume_instance(who("county"), bad, "已修复")
        with pytest.raises(ValidationFailed):
            commands.resume_instance(who("admin"), bad, "  ")
        commands.resume_instance(who("admin"), bad, "定时器表达式已修正")
        db.session.expire_all()
        row = db.session.get(ProcessInstance, bad)
        assert (row.status, row.error) == ("running", None)
        timer = timers(bad)["township_consent_reminder"]
        assert (timer.attempts, timer.next_attempt_at, timer.lock_owner) == (0, None, None)
        (resumed,) = events(bad, "resume")
        assert (resumed.actor_login, resumed.comment) == ("admin", "定时器表达式已修正")
        assert resumed.state_hash == events(bad)[-2].state_hash  # the engine state is unchanged
        with pytest.raises(Conflict):
            commands.resume_instance(who("admin"), bad, "再次恢复")  # running: nothing to resume

        report = fire.fire_due(due + timedelta(minutes=5))
        assert bad in report.fired and not report.failed
        assert events(bad)[-1].kind == "timer"
        result = verify_instance(bad)
        assert (result.chain, result.replay) == ("ok", "ok")

        # The command line: the same command, refused for an unknown operator or a running instance.
        url = db.engine.url.render_as_string(hide_password=False)
        db.session.commit()

    def resume(*args: str):  # type: ignore[no-untyped-def]
        return CliRunner().invoke(cli, ["instances", "resume", bad, *args],
                                  env={"CADREFLOW_DATABASE_URL": url})

    assert resume("--by", "nobody", "--reason", "x").exit_code == 2
    refused = resume("--by", "admin", "--reason", "再次恢复")
    assert refused.exit_code == 1
    assert "只有出错（error）或已挂起（suspended）的实例可以恢复运行" in refused.output
