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

from datetime import UTC, datetime, timedelta
from typing import Any

from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    CycleTimerEventDefinition,
    DurationTimerEventDefinition,
    TimeDateEventDefinition,
)
from SpiffWorkflow.util.task import TaskState

from . import determinism
from .budget import LimitExceeded
from .durations import DAY_COUNTS, DurationError, add_duration, parse_duration
from .working_days import WorkingCalendar

_DEFAULT_CALENDAR = WorkingCalendar()
# A cycle timer fires at most this often and this many times: a shorter period or an unbounded
# one (R/PT0S, R/PT1S) would fire on every sweep for ever, each firing a history event and a
# notification. Refused at deploy (parsing.py); a version deployed before the rule existed puts
# its instance in error when such a timer would start or fire (WorkingCycleTimer).
MIN_CYCLE_PERIOD = timedelta(minutes=1)
MAX_CYCLE_REPETITIONS = 1000


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


def split_cycle(expression: str) -> tuple[int, str | None, str]:
    """(repetitions, start or None, period) of R<n>/<period> or R<n>/<start>/<period>;
    repetitions -1 when <n> is missing (unbounded)."""
    text = str(expression).strip().upper()
    if not text.startswith("R"):
        raise ValueError(f"循环定时器须以 R 开头: {expression!r}")
    parts = text[1:].split("/")
    if len(parts) not in (2, 3):
        raise ValueError(f"无效的循环定时器: {expression!r}")
    if parts[0] and not parts[0].isdigit():
        raise ValueError(f"循环定时器的重复次数无效: {expression!r}")
    cycles = int(parts[0]) if parts[0] else -1
    return cycles, parts[1] if len(parts) == 3 else None, parts[-1]


def cycle_problem(cycles: int, period: str, day_count: str) -> str | None:
    """Why a cycle timer must not run (Chinese, to follow the timer's name), or None."""
    if cycles < 0:
        return f"须写明重复次数（R<次数>/周期，最多 {MAX_CYCLE_REPETITIONS} 次），不能无限重复"
    if cycles > MAX_CYCLE_REPETITIONS:
        return f"重复 {cycles} 次，超过上限 {MAX_CYCLE_REPETITIONS} 次"
    d = parse_duration(period, day_count)
    counts_days = d.months > 0 or d.days > 0 if day_count == "calendar" else d.working_days > 0
    if not counts_days and d.exact < MIN_CYCLE_PERIOD:
        return f"周期 {period} 短于 1 分钟"
    return None


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
            cycles, start_text, duration = split_cycle(str(expression))
            self._refuse_runaway(my_task, cycles, duration)
            if start_text is not None:
                start = parse_aware(start_text)
            else:
                start = add_duration(now, duration, command_calendar(), self.day_count).at
            event_value = {"cycles": cycles, "next": _iso(start), "duration_iso": duration}
        ready = False
        if event_value["cycles"] != 0:
            self._refuse_runaway(my_task, event_value["cycles"], event_value["duration_iso"])
            next_event = parse_aware(event_value["next"])
            if next_event < now:
                ctx = determinism.current()
                if ctx is not None:  # every firing is an engine step of the command's budget
                    ctx.budget.engine_step(my_task.task_spec.bpmn_id)
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

    def _refuse_runaway(self, my_task: Any, cycles: int, period: str) -> None:
        problem = cycle_problem(cycles, period, self.day_count)
        if problem is not None:
            raise LimitExceeded("timer_cycle", f"循环定时器{problem}", my_task.task_spec.bpmn_id)

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
