"""No instance hangs silently: a timer firing that leaves an instance with nothing to wait for
puts it in `error` naming where it stopped (a `stalled` event after the `timer` one, carrying the
same state hash), the sweep goes on, and the audit replays it; a forged stall is caught. An
event-based gateway's timer is a visible wait: a pending timer the sweep fires."""

from __future__ import annotations

from element_diagrams import diagram, flows
from timer_helpers import at_clock, bj, events, firer, timers, who

from service import commands
from service.audit import verify_instance
from service.commands.stalls import record_stall
from service.persistence.db import db
from service.persistence.models import ProcessInstance
from workflows.stall import Stall

# Wait an hour, then an inclusive gateway takes one branch or both into a parallel join that waits
# for both: with `both` false, nothing can ever reach the join's other side.
WAIT_THEN_DEADLOCK = diagram(
    '<bpmn:startEvent id="s"/><bpmn:intermediateCatchEvent id="wait" name="等一小时">'
    "<bpmn:timerEventDefinition><bpmn:timeDuration>PT1H</bpmn:timeDuration></bpmn:timerEventDefinition>"
    "</bpmn:intermediateCatchEvent>"
    '<bpmn:inclusiveGateway id="x"/><bpmn:task id="a"/><bpmn:task id="b"/>'
    '<bpmn:parallelGateway id="j" name="汇合"/><bpmn:endEvent id="e"/>'
    '<bpmn:sequenceFlow id="f1" sourceRef="x" targetRef="a"><bpmn:conditionExpression>True'
    '</bpmn:conditionExpression></bpmn:sequenceFlow><bpmn:sequenceFlow id="f2" sourceRef="x" '
    'targetRef="b"><bpmn:conditionExpression>${both}</bpmn:conditionExpression></bpmn:sequenceFlow>'
    + flows("s", "wait", "x", prefix="h") + flows("a", "j", "e", prefix="i") + flows("b", "j", prefix="k"),
    pid="wait_then_join")


def test_a_timer_that_leaves_nothing_to_wait_for_puts_the_instance_in_error(make_app):
    app = make_app()
    with at_clock(app, bj(2026, 12, 1, 9)) as clock:
        commands.deploy(who("admin"), {"wait_then_join.bpmn": WAIT_THEN_DEADLOCK})
        stuck = commands.start_process(who("admin"), "wait_then_join", {"both": False}).id
        fine = commands.start_process(who("admin"), "wait_then_join", {"both": True}).id
        assert set(timers(stuck)) == {"wait"}

        clock.set(bj(2026, 12, 1, 10, 0, 1))
        report = firer().fire_due(clock.now())
        assert sorted(report.fired) == sorted([stuck, fine]) and report.errored == []
        db.session.expire_all()
        row = db.session.get(ProcessInstance, stuck)
        assert row.status == "error" and "j（汇合）" in row.error and "不会到达的分支" in row.error
        assert db.session.get(ProcessInstance, fine).status == "completed"
        assert timers(stuck) == {}
        timer, stalled = events(stuck)[-2:]
        assert (timer.kind, stalled.kind) == ("timer", "stalled")
        assert stalled.inputs == {"element_ids": ["j"]} and stalled.comment == row.error
        assert stalled.actor_login == "system" and stalled.state_hash == timer.state_hash
        assert verify_instance(stuck).ok and verify_instance(fine).ok
        assert firer().fire_due(bj(2026, 12, 2, 9)).fired == {}  # nothing left to claim


def test_a_stalled_event_the_engine_does_not_confirm_is_a_divergence(make_app):
    app = make_app()
    with at_clock(app, bj(2026, 12, 1, 9)):
        commands.deploy(who("admin"), {"wait_then_join.bpmn": WAIT_THEN_DEADLOCK})
        iid = commands.start_process(who("admin"), "wait_then_join", {"both": False}).id
        (start,) = events(iid)
        # A forger appends a stall while the instance still waits for its timer.
        record_stall(iid, bj(2026, 12, 1, 9, 30), Stall(("wait",), "伪造"), start.state_hash,
                     (start.seq, start.event_hash))
        db.session.commit()
        result = verify_instance(iid)
        assert result.replay == "diverged" and result.first_bad_seq == 2
        assert "并未停滞" in result.detail


# An event-based gateway waits for whichever comes first: an hour, or the withdraw message.
RACE = diagram(
    '<bpmn:startEvent id="s"/><bpmn:eventBasedGateway id="g"/><bpmn:intermediateCatchEvent id="hour">'
    "<bpmn:timerEventDefinition><bpmn:timeDuration>PT1H</bpmn:timeDuration></bpmn:timerEventDefinition>"
    '</bpmn:intermediateCatchEvent><bpmn:intermediateCatchEvent id="pulled"><bpmn:messageEventDefinition '
    'messageRef="mw"/></bpmn:intermediateCatchEvent><bpmn:endEvent id="e"/><bpmn:endEvent id="e2"/>'
    + flows("s", "g", "hour", "e") + flows("g", "pulled", "e2", prefix="y"),
    pid="hour_or_withdraw", definitions='<bpmn:message id="mw" name="withdraw"/>')


def test_an_event_based_gateway_waits_visibly_for_its_timer(make_app):
    app = make_app()
    with at_clock(app, bj(2026, 12, 1, 9)) as clock:
        commands.deploy(who("admin"), {"hour_or_withdraw.bpmn": RACE})
        iid = commands.start_process(who("admin"), "hour_or_withdraw", {}).id
        assert db.session.get(ProcessInstance, iid).status == "running"
        assert set(timers(iid)) == {"g"}  # the gateway's timer is a pending timer like any other
        clock.set(bj(2026, 12, 1, 10, 0, 1))
        assert list(firer().fire_due(clock.now()).fired) == [iid]
        db.session.expire_all()
        assert db.session.get(ProcessInstance, iid).status == "completed"
        assert verify_instance(iid).ok
