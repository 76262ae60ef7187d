"""Timers fire at the right working-day moment on the command's clock (ManualClock, no sleeping)."""

from datetime import date, timedelta

import pytest
from wf_helpers import local, request_data

from workflows.engine import Engine
from workflows.working_days import WorkingCalendar

US = timedelta(microseconds=1)


def timers_by_spec(inst):
    return {t.spec_id: t for t in inst.pending_timers()}


def test_reminder_and_escalation_across_weekend_and_national_day(engine, approval_definition, clock):
    inst = engine.start(approval_definition, request_data(), instance_id="tm-1", at=clock.now())
    timers = timers_by_spec(inst)
    task = inst.open_tasks()[0]
    # Thu Sep 24 + 3 working days: (Fri 25 Mid-autumn, Sat, Sun) Mon 28, Tue 29, Wed 30.
    assert timers["township_consent_reminder"].fire_at == local(2026, 9, 30, 9, 0)
    # + 5 working days skips the National Day holidays Oct 1-7: ... Thu Oct 8, Fri Oct 9.
    assert timers["township_consent_escalation"].fire_at == local(2026, 10, 9, 9, 0)
    assert timers["township_consent_reminder"].task_id == task.id
    assert timers["township_consent_reminder"].kind == "reminder"
    assert timers["township_consent_escalation"].notify == "county"
    assert not any(t.calendar_uncovered for t in timers.values())
    assert "withdraw_requested" not in timers  # message boundary events are not timers

    clock.set(local(2026, 9, 30, 9, 0))  # exactly at the deadline: not yet (fires strictly after)
    assert inst.fire_due_timers(clock.now()).fired_timers == []
    clock.advance(US)
    fired = inst.fire_due_timers(clock.now()).fired_timers
    assert [(f.spec_id, f.kind, f.notify, f.task_spec_id, f.task_id) for f in fired] == [
        ("township_consent_reminder", "reminder", "township", "township_consent", task.id)]
    assert inst.open_tasks()[0].id == task.id  # non-interrupting: the task stays open
    assert list(timers_by_spec(inst)) == ["township_consent_escalation"]

    clock.set(local(2026, 10, 7, 23, 59))  # still inside the holiday week
    assert inst.fire_due_timers(clock.now()).fired_timers == []
    clock.set(local(2026, 10, 9, 9, 0) + US)
    fired = inst.fire_due_timers(clock.now()).fired_timers
    assert [(f.spec_id, f.notify) for f in fired] == [("township_consent_escalation", "county")]
    assert inst.status == "running" and inst.open_tasks()[0].id == task.id
    assert inst.pending_timers() == []


def test_plain_weekend(engine, approval_definition, clock):
    clock.set(local(2026, 11, 6, 10, 0))  # Friday
    inst = engine.start(approval_definition, request_data(), instance_id="tm-2", at=clock.now())
    assert timers_by_spec(inst)["township_consent_reminder"].fire_at == local(2026, 11, 11, 10, 0)
    clock.set(local(2026, 11, 11, 9, 59))
    assert inst.fire_due_timers(clock.now()).fired_timers == []
    clock.set(local(2026, 11, 11, 10, 0, 1))
    assert len(inst.fire_due_timers(clock.now()).fired_timers) == 1


def test_timer_starts_when_the_task_starts_waiting(engine, approval_definition, clock):
    inst = engine.start(approval_definition, request_data(), instance_id="tm-3", at=clock.now())
    clock.set(local(2026, 10, 12, 15, 30))  # Monday: township approves; county's clock starts now
    inst.complete(inst.open_tasks()[0].id, decision="approve", at=clock.now())
    county = timers_by_spec(inst)["county_consent_escalation"]
    assert county.fire_at == local(2026, 10, 19, 15, 30)  # Mon + 5 working days (Tue..Mon)
    assert inst.open_tasks()[0].due_at == county.fire_at
    # The township timers were cancelled with their task and never fire.
    assert set(timers_by_spec(inst)) == {"county_consent_escalation"}


def test_interrupting_revision_deadline_withdraws(engine, approval_definition, clock):
    inst = engine.start(approval_definition, request_data(), instance_id="tm-4", at=clock.now())
    inst.complete(inst.open_tasks()[0].id, decision="return", comment="补材料", at=clock.now())
    deadline = timers_by_spec(inst)["revise_request_deadline"]
    assert deadline.kind == "deadline" and deadline.fire_at == local(2026, 10, 9, 9, 0)
    assert inst.open_tasks()[0].due_at == deadline.fire_at
    result = inst.fire_due_timers(local(2026, 10, 9, 9, 0, 1))
    assert [f.spec_id for f in result.fired_timers] == ["revise_request_deadline"]
    assert result.status == "withdrawn" and inst.open_tasks() == []
    assert "end_withdrawn_timeout" in inst.completed_element_ids()


def test_configured_deadlines_and_exact_hours(approval_definition, clock):
    engine = Engine(WorkingCalendar(), deadlines={"deadline_approval_reminder": "PT2H"})
    inst = engine.start(approval_definition, request_data(), instance_id="tm-5", at=clock.now())
    assert timers_by_spec(inst)["township_consent_reminder"].fire_at == clock.now() + timedelta(hours=2)
    # Start data may carry its own deadline (e.g. a process-specific override).
    inst2 = engine.start(approval_definition, request_data(deadline_approval_escalation="P1D"),
                         instance_id="tm-6", at=clock.now())
    assert timers_by_spec(inst2)["township_consent_escalation"].fire_at == local(2026, 9, 28, 9, 0)
    with pytest.raises(ValueError):
        Engine(deadlines={"deadline_revision": "five days"})


def test_restored_instance_keeps_command_clock_timers(engine, approval_definition, clock):
    # The wall clock is far past Sep 30; a timer falling back to it would fire here.
    inst = engine.start(approval_definition, request_data(), instance_id="tm-7", at=clock.now())
    restored = engine.restore(approval_definition, inst.state(), instance_id="tm-7")
    assert restored.fire_due_timers(local(2026, 9, 29, 9, 0)).fired_timers == []
    restored = engine.restore(approval_definition, restored.state(), instance_id="tm-7")
    assert len(restored.fire_due_timers(local(2026, 9, 30, 9, 0, 1)).fired_timers) == 1


def test_uncovered_year_is_flagged_then_recomputed(approval_definition):
    calendar = WorkingCalendar()
    engine = Engine(calendar)
    start = local(2026, 12, 28, 9, 0)  # Monday
    inst = engine.start(approval_definition, request_data(), instance_id="tm-8", at=start)
    timers = timers_by_spec(inst)
    # Reminder stays in 2026 (Dec 29, 30, 31): covered.
    assert timers["township_consent_reminder"].fire_at == local(2026, 12, 31, 9, 0)
    assert not timers["township_consent_reminder"].calendar_uncovered
    # Escalation reaches 2027, unknown to chinese-calendar 1.11: weekends only, so Fri Jan 1 counts.
    assert timers["township_consent_escalation"].fire_at == local(2027, 1, 4, 9, 0)
    assert timers["township_consent_escalation"].calendar_uncovered
    assert 2027 in calendar.uncovered_years_touched

    calendar.add_year(2027, holidays={date(2027, 1, 1), date(2027, 1, 2), date(2027, 1, 3)}, workdays=set())
    changed = inst.recompute_deadlines(local(2027, 1, 2, 12, 0))
    assert changed == [timers["township_consent_escalation"].id]
    escalation = timers_by_spec(inst)["township_consent_escalation"]
    assert escalation.fire_at == local(2027, 1, 5, 9, 0) and not escalation.calendar_uncovered
    fired = inst.fire_due_timers(local(2027, 1, 4, 9, 0, 1)).fired_timers
    assert fired[0].spec_id == "township_consent_reminder"
    assert inst.fire_due_timers(local(2027, 1, 5, 9, 0, 1)).fired_timers[0].spec_id == \
        "township_consent_escalation"


def _script_variant(kind: bytes, expression: bytes) -> bytes:
    from wf_helpers import fixture_bytes
    xml = fixture_bytes("script_ok.bpmn").replace(b"bpmn:timeDuration", b"bpmn:" + kind)
    return xml.replace(b">deadline_statement<", b">" + expression + b"<")


SCRIPT_DATA = {"values": [1, 2, 3], "facts": {}}


def test_time_date_timer_uses_command_clock(engine):
    from workflows.engine import load_definition
    d = load_definition({"td.bpmn": _script_variant(b"timeDate", b'"2026-11-05T10:00:00+08:00"')})
    inst = engine.start(d, SCRIPT_DATA, instance_id="td", at=local(2026, 11, 2, 9, 0))
    assert [t.fire_at for t in inst.pending_timers()] == [local(2026, 11, 5, 10, 0)]
    assert inst.fire_due_timers(local(2026, 11, 5, 10, 0)).fired_timers == []
    assert [f.spec_id for f in inst.fire_due_timers(local(2026, 11, 5, 10, 0, 1)).fired_timers] == ["wait"]
    assert inst.status == "completed"


def test_naive_time_date_literal_refused_at_deploy():
    from workflows.engine import load_definition
    from workflows.parsing import DefinitionError
    with pytest.raises(DefinitionError) as err:
        load_definition({"naive.bpmn": _script_variant(b"timeDate", b'"2026-11-05T10:00:00"')})
    assert err.value.element_id == "wait"


def test_cycle_timer_counts_working_days_on_command_clock(engine):
    from workflows.engine import load_definition
    d = load_definition({"cy.bpmn": _script_variant(b"timeCycle", b'"R2/P1D"')})
    inst = engine.start(d, SCRIPT_DATA, instance_id="cy", at=local(2026, 11, 6, 9, 0))  # Friday
    assert [t.fire_at for t in inst.pending_timers()] == [local(2026, 11, 9, 9, 0)]  # Monday
    fired = inst.fire_due_timers(local(2026, 11, 9, 9, 0, 1)).fired_timers
    assert [(f.spec_id, f.fire_at) for f in fired] == [("wait", local(2026, 11, 9, 9, 0))]
    assert [t.fire_at for t in inst.pending_timers()] == [local(2026, 11, 10, 9, 0)]
    assert inst.fire_due_timers(local(2026, 11, 10, 8, 0)).fired_timers == []
    assert len(inst.fire_due_timers(local(2026, 11, 10, 9, 0, 1)).fired_timers) == 1
