"""Timer event definitions that read the command's clock and count working days.

The stock definitions call `datetime.now()` and calendar arithmetic; ours take "now" from the
running command (determinism.current) and durations from durations.add_duration, so tests travel
in time with a ManualClock and replays reproduce fire times exactly. Fire time = the moment the
timer started waiting + the duration; a timer fires strictly after its deadline.

Duration and cycle timers carry a `day_count` (`working` by default, `calendar` where the process
says so, from the event's camunda:properties): it is part of the spec, serialized by
`DayCountTimerConverter`. A waiting calendar-day timer also notes `day_count` in its internal data;
working-day timers note nothing new, so the states (and hashes) of existing instances stay as they
were recorded.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    CycleTimerEventDefinition,
    DurationTimerEventDefinition,
    TimeDateEventDefinition,
)
from SpiffWorkflow.util.task import TaskState

from . import determinism
from .durations import DAY_COUNTS, DurationError, add_duration
from .working_days import WorkingCalendar

_DEFAULT_CALENDAR = WorkingCalendar()


def command_now() -> datetime:
    ctx = determinism.current()
    return ctx.at if ctx is not None else datetime.now(UTC)


def command_calendar() -> WorkingCalendar:
    ctx = determinism.current()
    return ctx.calendar if ctx is not None else _DEFAULT_CALENDAR


def parse_aware(value: str) -> datetime:
    at = datetime.fromisoformat(str(value))
    if at.tzinfo is None:
        # Naive timeDate values would depend on the server's zone: refuse them.
        raise ValueError(f"timeDate 必须带时区: {value!r}")
    return at.astimezone(UTC)


def _iso(at: datetime) -> str:
    return at.astimezone(UTC).isoformat()


def checked_day_count(day_count: str | None) -> str:
    value = day_count or "working"
    if value not in DAY_COUNTS:
        raise DurationError(f"未知的 day_count {value!r} (须为 working 或 calendar)")
    return value


class WorkingDurationTimer(DurationTimerEventDefinition):
    def __init__(self, name: str, expression: str, day_count: str = "working", **kwargs: Any) -> None:
        super().__init__(name, expression, **kwargs)
        self.day_count = checked_day_count(day_count)

    def has_fired(self, my_task: Any) -> bool:
        now = command_now()
        if my_task._get_internal_data("event_value") is None:
            iso = my_task.workflow.script_engine.evaluate(my_task, self.expression)
            result = add_duration(now, iso, command_calendar(), self.day_count)
            my_task._set_internal_data(
                event_value=_iso(result.at),
                timer_started=_iso(now),
                timer_duration=str(iso),
                calendar_uncovered=result.uncovered,
            )
            if self.day_count != "working":
                my_task._set_internal_data(day_count=self.day_count)
        if parse_aware(my_task._get_internal_data("event_value")) < now:
            my_task._set_internal_data(event_fired=True)
        return my_task._get_internal_data("event_fired", False)


class ClockTimeDateTimer(TimeDateEventDefinition):
    def has_fired(self, my_task: Any) -> bool:
        now = command_now()
        if my_task._get_internal_data("event_value") is None:
            value = my_task.workflow.script_engine.evaluate(my_task, self.expression)
            my_task._set_internal_data(event_value=_iso(parse_aware(value)), calendar_uncovered=False)
        if parse_aware(my_task._get_internal_data("event_value")) < now:
            my_task._set_internal_data(event_fired=True)
        return my_task._get_internal_data("event_fired", False)


class WorkingCycleTimer(CycleTimerEventDefinition):
    """R<n>/<duration> or R<n>/<start>/<duration>; each interval counted with the timer's day count."""

    def __init__(self, name: str, expression: str, day_count: str = "working", **kwargs: Any) -> None:
        super().__init__(name, expression, **kwargs)
        self.day_count = checked_day_count(day_count)

    def cycle_complete(self, my_task: Any) -> bool:
        now = command_now()
        event_value = my_task._get_internal_data("event_value")
        if event_value is None:
            expression = my_task.workflow.script_engine.evaluate(my_task, self.expression)
            parts = str(expression).upper().strip().lstrip("R").split("/")
            cycles = int(parts[0]) if parts[0] else -1
            if len(parts) == 3:
                start, duration = parse_aware(parts[1]), parts[2]
            elif len(parts) == 2:
                duration = parts[1]
                start = add_duration(now, duration, command_calendar(), self.day_count).at
            else:
                raise ValueError(f"无效的循环定时器: {expression!r}")
            event_value = {"cycles": cycles, "next": _iso(start), "duration_iso": duration}
        ready = False
        if event_value["cycles"] != 0:
            next_event = parse_aware(event_value["next"])
            if next_event < now:
                following = add_duration(next_event, event_value["duration_iso"], command_calendar(),
                                         self.day_count)
                event_value = {**event_value, "next": _iso(following.at), "cycles": event_value["cycles"] - 1}
                ready = True
        else:
            my_task.internal_data.pop("event_value", None)
            my_task.internal_data["event_fired"] = True
            return False
        my_task._set_internal_data(event_value=event_value)
        return ready

    def update_task(self, my_task: Any) -> None:
        if self.cycle_complete(my_task):
            for output in my_task.task_spec.outputs:
                child = my_task._add_child(output, TaskState.FUTURE)
                child.task_spec._predict(child, mask=TaskState.NOT_FINISHED_MASK)
                child.task_spec._update(child)


def recompute_deadline(my_task: Any, calendar: WorkingCalendar) -> bool:
    """Recompute a waiting duration timer's fire time (after an admin enters a year). True if changed."""
    started = my_task._get_internal_data("timer_started")
    iso = my_task._get_internal_data("timer_duration")
    if started is None or iso is None or my_task._get_internal_data("event_fired", False):
        return False
    # The spec knows the day count; a calendar-day timer also noted it when it started waiting.
    day_count = my_task._get_internal_data("day_count") or \
        getattr(my_task.task_spec.event_definition, "day_count", "working")
    result = add_duration(parse_aware(started), iso, calendar, day_count)
    new = _iso(result.at)
    changed = new != my_task._get_internal_data("event_value") or \
        result.uncovered != my_task._get_internal_data("calendar_uncovered")
    my_task._set_internal_data(event_value=new, calendar_uncovered=result.uncovered)
    return changed
