"""Timers with `day_count=calendar`: calendar days, weeks, months and years instead of working days.

Fixture calendar_timer.bpmn: a one-month calendar wait, then a task with a calendar-day deadline
(interrupting, on `deadline_statement`) beside an ordinary working-day reminder.
"""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from wf_helpers import fixture_bytes, local

from workflows.durations import DurationError, add_duration, parse_duration
from workflows.engine import DefinitionError, Engine, load_definition
from workflows.serialization import full_serializer
from workflows.working_days import WorkingCalendar

US = timedelta(microseconds=1)


@pytest.fixture
def calendar_definition():
    return load_definition({"calendar_timer.bpmn": fixture_bytes("calendar_timer.bpmn")})


def timers(inst):
    return {t.spec_id: t for t in inst.pending_timers()}


def test_calendar_arithmetic_counts_every_day_and_clamps_to_month_end():
    cal = WorkingCalendar()
    thu = local(2026, 9, 24, 9, 0)  # Fri 25th is the Mid-autumn holiday, then a weekend
    assert add_duration(thu, "P5D", cal, "calendar").at == local(2026, 9, 29, 9, 0)
    assert add_duration(thu, "P5D", cal).at == local(2026, 10, 9, 9, 0)  # working days: unchanged
    assert add_duration(thu, "P1W", cal, "calendar").at == local(2026, 10, 1, 9, 0)  # a holiday: still due
    assert add_duration(thu, "P1M2DT3H", cal, "calendar").at == local(2026, 10, 26, 12, 0)
    assert add_duration(local(2026, 1, 31, 8, 0), "P1M", cal, "calendar").at == local(2026, 2, 28, 8, 0)
    assert add_duration(local(2028, 1, 31, 8, 0), "P1M", cal, "calendar").at == local(2028, 2, 29, 8, 0)
    assert add_duration(local(2028, 2, 29, 8, 0), "P1Y", cal, "calendar").at == local(2029, 2, 28, 8, 0)
    assert add_duration(local(2026, 8, 31, 0, 0), "P6M", cal, "calendar").at == local(2027, 2, 28, 0, 0)
    # No working calendar is consulted, so a year chinese-calendar does not know is no concern.
    result = add_duration(local(2026, 12, 28, 9, 0), "P10D", cal, "calendar")
    assert result.at == local(2027, 1, 7, 9, 0) and result.uncovered is False
    with pytest.raises(DurationError):
        parse_duration("P1D", "lunar")
    with pytest.raises(DurationError):
        parse_duration("P11Y", "calendar")


def test_calendar_timers_fire_at_the_exact_calendar_moment(calendar_definition):
    engine = Engine(WorkingCalendar())
    inst = engine.start(calendar_definition, {"unit_id": "u1"}, instance_id="cal-1",
                        at=local(2026, 8, 24, 9, 0))
    wait = timers(inst)["wait_month"]
    assert wait.fire_at == local(2026, 9, 24, 9, 0) and wait.kind == "deadline"
    assert inst.fire_due_timers(local(2026, 9, 24, 9, 0)).fired_timers == []  # strictly after
    fired = inst.fire_due_timers(local(2026, 9, 24, 9, 0, 1)).fired_timers
    assert [f.spec_id for f in fired] == ["wait_month"]
    assert [t.spec_id for t in inst.open_tasks()] == ["review"]

    pending = timers(inst)
    # Calendar days across the Mid-autumn holiday (Fri 25th) and the weekend: Tue 29th.
    assert pending["review_deadline"].fire_at == local(2026, 9, 29, 9, 0, 1)
    # The working-day reminder beside it is counted as before: Mon 28, Tue 29, Wed 30.
    assert pending["review_reminder"].fire_at == local(2026, 9, 30, 9, 0, 1)
    assert inst.open_tasks()[0].due_at == local(2026, 9, 29, 9, 0, 1)

    assert inst.fire_due_timers(local(2026, 9, 29, 9, 0, 1)).fired_timers == []
    result = inst.fire_due_timers(local(2026, 9, 29, 9, 0, 1) + US)
    assert [f.spec_id for f in result.fired_timers] == ["review_deadline"]
    assert result.status == "completed" and "end_timeout" in inst.completed_element_ids()


def test_only_calendar_timers_note_their_day_count_in_the_state(calendar_definition):
    engine = Engine(WorkingCalendar())
    inst = engine.start(calendar_definition, {"unit_id": "u1"}, instance_id="cal-2",
                        at=local(2026, 8, 24, 9, 0))
    inst.fire_due_timers(local(2026, 9, 24, 9, 0, 1))
    internal = {t["task_spec"]: t["internal_data"] for t in inst.state()["tasks"].values()
                if t["internal_data"].get("timer_started")}
    assert internal["review_deadline"]["day_count"] == "calendar"
    # Working-day timers keep exactly the keys they had before day_count existed (stable hashes).
    assert "day_count" not in internal["review_reminder"]


def test_round_trip_keeps_the_day_count(calendar_definition):
    engine = Engine(WorkingCalendar())
    inst = engine.start(calendar_definition, {"unit_id": "u1"}, instance_id="cal-3",
                        at=local(2026, 8, 24, 9, 0))
    inst.fire_due_timers(local(2026, 9, 24, 9, 0, 1))
    # Instance state (spec from the definition) through JSON, as the service stores it.
    restored = engine.restore(calendar_definition, json.loads(json.dumps(inst.state())), instance_id="cal-3")
    assert timers(restored)["review_deadline"].fire_at == local(2026, 9, 29, 9, 0, 1)
    assert [f.spec_id for f in restored.fire_due_timers(local(2026, 9, 29, 9, 0, 2)).fired_timers] == [
        "review_deadline"]
    # A full dump carries the spec: the converter writes day_count and reads it back.
    dump = full_serializer.serialize_json(inst.workflow)
    assert '"day_count": "calendar"' in dump
    spec = full_serializer.deserialize_json(dump).spec
    day_counts = {ts.bpmn_id: ts.event_definition.day_count for ts in spec.task_specs.values()
                  if hasattr(getattr(ts, "event_definition", None), "day_count")}
    assert day_counts == {"wait_month": "calendar", "review_deadline": "calendar",
                          "review_reminder": "working"}


def test_recompute_deadlines_leaves_calendar_timers_alone(calendar_definition):
    calendar = WorkingCalendar()
    engine = Engine(calendar)
    inst = engine.start(calendar_definition, {"unit_id": "u1"}, instance_id="cal-4",
                        at=local(2026, 8, 24, 9, 0))
    inst.fire_due_timers(local(2026, 9, 24, 9, 0, 1))
    before = timers(inst)
    # An admin declares Mon Sep 28 a holiday too: only the working-day reminder moves.
    holidays = {date(2026, 9, 25), date(2026, 9, 28), *(date(2026, 10, d) for d in range(1, 8))}
    calendar.add_year(2026, holidays=holidays, workdays=set())
    changed = inst.recompute_deadlines(local(2026, 9, 24, 12, 0))
    assert changed == [before["review_reminder"].id]
    after = timers(inst)
    assert after["review_reminder"].fire_at == local(2026, 10, 8, 9, 0, 1)
    assert after["review_deadline"].fire_at == before["review_deadline"].fire_at


@pytest.mark.parametrize("element", ["wait_month", "review_deadline"])
def test_unknown_day_count_is_refused_naming_the_element(element):
    xml = fixture_bytes("calendar_timer.bpmn").decode("utf-8")
    marker = f'id="{element}"'
    head, tail = xml.split(marker, 1)
    tail = tail.replace('name="day_count" value="calendar"', 'name="day_count" value="lunar"', 1)
    with pytest.raises(DefinitionError) as err:
        load_definition({"calendar_timer.bpmn": (head + marker + tail).encode("utf-8")})
    assert err.value.element_id == element
    assert "day_count" in str(err.value) and "lunar" in str(err.value)


def test_calendar_literal_is_checked_with_calendar_limits():
    xml = fixture_bytes("calendar_timer.bpmn").decode("utf-8").replace('"P1M"', '"P11Y"')
    with pytest.raises(DefinitionError) as err:
        load_definition({"calendar_timer.bpmn": xml.encode("utf-8")})
    assert err.value.element_id == "wait_month"
