"""One BPMN cannot wedge the service: a runaway script or cycle timer stops only its own instance
(status `error`, a Chinese reason in its history, the request answered at once), and the timer
sweep and the other instances carry on."""

from __future__ import annotations

import time

import pytest
import sqlalchemy as sa
from runaway_support import (
    REMINDER,
    SPINNING_REMINDER,
    deploy_runaway_condition,
    store_pre_rule_version,
    variant,
)
from timer_helpers import adjustment, at_clock, bj, complete, events, firer, timers, who

from service import commands
from service.audit import verify_instance
from service.commands.stopped import InstanceStopped
from service.core.errors import Conflict, ValidationFailed
from service.persistence.db import db
from service.persistence.models import ProcessInstance
from workflows import timers as workflow_timers


def test_a_runaway_condition_stops_only_its_instance_and_the_request_answers_at_once(make_app):
    app = make_app()
    with at_clock(app, bj(2026, 12, 1, 9)):
        deploy_runaway_condition()
        iid = commands.submit_adjustment(who("hr_edu"), adjustment()).id
        before = events(iid)[-1]

        began = time.monotonic()
        with pytest.raises(InstanceStopped) as err:
            complete("tw_qingshan", iid, "township_consent", "approve", "同意")
        assert time.monotonic() - began < 3.0  # the condition alone would take hours
        assert err.value.status == 409 and err.value.slug == "instance-error"
        assert "超出运行限制" in err.value.detail and "gw_township_decision" in err.value.detail
        assert "系统管理员" in err.value.detail

        db.session.expire_all()
        row = db.session.get(ProcessInstance, iid)
        assert row.status == "error" and "脚本超出运行预算" in row.error
        (stopped,) = events(iid, "limit_exceeded")
        assert stopped.actor_login == "system" and stopped.comment == row.error
        assert stopped.inputs == {"limit": "script_steps", "element_id": "gw_township_decision"}
        assert stopped.state_hash == before.state_hash  # the command was rolled back entirely
        assert stopped.prev_hash == before.event_hash

        # Its task is still there but cannot run the engine again; the refusal costs nothing.
        began = time.monotonic()
        with pytest.raises(Conflict) as again:
            complete("tw_qingshan", iid, "township_consent", "approve", "同意")
        assert again.value.slug == "instance-error" and time.monotonic() - began < 1.0
        # Its timers are no longer claimed; another instance goes on as usual meanwhile.
        other = commands.open_recall(who("orgdept"), {
            "cadre_id": "c-zhangwei", "source": "assessment", "finding": "考核不称职", "evidence": []}).id
        report = firer().fire_due(bj(2026, 12, 31, 9))
        assert iid not in report.fired and iid not in report.failed and other in report.fired
        verdict = verify_instance(iid)
        assert (verdict.chain, verdict.replay) == ("ok", "ok"), verdict.detail


def test_a_pre_rule_spinning_cycle_timer_errors_its_instance_instead_of_the_sweep(make_app, monkeypatch):
    """R/PT0S used to spin the sweep in one command for ever, holding every other start and
    completion of the process, and again after a restart."""
    app = make_app()
    with at_clock(app, bj(2026, 12, 1, 9)):
        store_pre_rule_version(variant(REMINDER, SPINNING_REMINDER))
        # The instance was started before the rule existed, its reminder already waiting.
        monkeypatch.setattr(workflow_timers, "cycle_problem", lambda *args: None)
        bad = commands.submit_adjustment(who("hr_edu"), adjustment()).id
        monkeypatch.undo()
        good = commands.open_recall(who("orgdept"), {
            "cadre_id": "c-zhangwei", "source": "assessment", "finding": "考核不称职", "evidence": []}).id
        assert timers(bad)["township_consent_reminder"].fire_at == bj(2026, 12, 1, 9)

        fire = firer(timer_max_attempts=5)
        began = time.monotonic()
        report = fire.fire_due(bj(2026, 12, 31, 9))
        assert time.monotonic() - began < 5.0
        assert report.errored == [bad] and good in report.fired  # no retries: it would only spin again
        db.session.expire_all()
        row = db.session.get(ProcessInstance, bad)
        assert row.status == "error" and "循环定时器须写明重复次数" in row.error
        assert "township_consent_reminder" in row.error
        (stopped,) = events(bad, "limit_exceeded")
        assert stopped.inputs == {"limit": "timer_cycle", "element_id": "township_consent_reminder"}
        assert not events(bad, "timer")  # nothing was fired, no notification sent
        # After a restart (a fresh sweep) it is not claimed again.
        report = firer().fire_due(bj(2027, 1, 31, 9))
        assert bad not in report.failed and bad not in report.fired


def test_a_pre_rule_spinning_cycle_cannot_start_new_instances(make_app):
    app = make_app()
    with at_clock(app, bj(2026, 12, 1, 9)):
        store_pre_rule_version(variant(REMINDER, SPINNING_REMINDER))
        before = db.session.execute(sa.select(sa.func.count(ProcessInstance.id))).scalar()
        with pytest.raises(ValidationFailed) as err:
            commands.submit_adjustment(who("hr_edu"), adjustment())
        assert "流程未能发起" in err.value.detail and "township_consent_reminder" in err.value.detail
        assert db.session.execute(sa.select(sa.func.count(ProcessInstance.id))).scalar() == before


def test_deploy_refuses_a_spinning_cycle_naming_the_element(make_app):
    app = make_app()
    with app.app_context():
        with pytest.raises(ValidationFailed) as err:
            commands.deploy(who("admin"), {"m.bpmn": variant(REMINDER, SPINNING_REMINDER)})
        assert err.value.extra["element_id"] == "township_consent_reminder"
        assert "循环定时器「催办」" in err.value.detail and "不能无限重复" in err.value.detail
