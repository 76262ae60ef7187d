"""The facade service/ uses (design.md §2.2): definitions, engine, instances, commands.

Every mutating call is one command run under `determinism.command` (the command's clock for
timers and timestamps, deterministic task ids, the budget of budget.py with the Engine's `Limits`),
after which the state can be dumped without the spec; a state larger than the limits allow ends
the command with LimitExceeded, like a script or an engine loop that runs out of budget. The
sandboxed script engine is attached at start and again at every restore, because SpiffWorkflow
does not serialize it.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from operator import attrgetter
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnEvent, BpmnWorkflow
from SpiffWorkflow.bpmn.specs.defaults import BoundaryEvent, EndEvent
from SpiffWorkflow.bpmn.specs.event_definitions.multiple import MultipleEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.camunda.specs.event_definitions import MessageEventDefinition
from SpiffWorkflow.camunda.specs.user_task import UserTask
from SpiffWorkflow.exceptions import TaskNotFoundException, WorkflowException
from SpiffWorkflow.util.task import TaskState

from . import countersign, determinism
from .budget import LimitExceeded, Limits, check_state_size
from .canonical import canonical_bytes
from .clock import require_aware
from .definitions import Definition, content_hash, load_definition
from .durations import parse_duration
from .parsing import DEFAULT_COMMENT_REQUIRED, DefinitionError
from .sandbox import SandboxedScriptEngine, ScriptError
from .serialization import bytes_hash, dump_state, restore_state, state_hash
from .task_walk import get_tasks as _get_tasks
from .timers import parse_aware, recompute_deadline
from .working_days import WorkingCalendar

__all__ = [
    "Engine", "Definition", "Instance", "load_definition", "DefinitionError", "state_hash",
    "content_hash", "HumanTask", "PendingTimer", "FiredTimer", "CommandResult", "EngineError",
    "TaskNotFound", "TaskNotReady", "DecisionNotAllowed", "FormInvalid", "CommentRequired",
    "MessageNotExpected", "ScriptError", "DEFAULT_DEADLINES", "Limits", "LimitExceeded", "NotRunning",
    "FlowError",
]

DEFAULT_DEADLINES = {
    "deadline_approval_reminder": "P3D",
    "deadline_approval_escalation": "P5D",
    "deadline_revision": "P5D",
    "deadline_arrival": "P10D",
    "deadline_handover": "P10D",
    "deadline_statement": "P5D",
    "deadline_rectification": "P20D",
    "deadline_nomination": "P10D",
    "deadline_return_reminder": "P1D",
    "deadline_return_escalation": "P3D",
    "deadline_summary": "P10D",
}
HANDOVER_FIELDS = ("old_cadre_id", "new_cadre_id", "village_id", "township_id", "unit_id", "role")
RESERVED_DATA_KEYS = frozenset({"decision", "comment", determinism.RESERVED_KEY})


# --- errors ----------------------------------------------------------------------------------

class EngineError(Exception):
    """Base of the facade's command errors (service/ maps them to 4xx responses)."""

    field: str | None = None


class TaskNotFound(EngineError):
    pass


class TaskNotReady(EngineError):
    pass


class DecisionNotAllowed(EngineError):
    field = "decision"


class FormInvalid(EngineError):
    def __init__(self, field_name: str, message: str) -> None:
        self.field = field_name
        super().__init__(f"{field_name}: {message}")


class CommentRequired(FormInvalid):
    def __init__(self, decision: str) -> None:
        super().__init__("comment", f"决定 {decision!r} 须填写意见")


class MessageNotExpected(EngineError):
    pass


class NotRunning(EngineError):
    pass


class FlowError(EngineError):
    """The process cannot go on from where the command took it (an exclusive gateway none of
    whose conditions holds, a join SpiffWorkflow cannot make): the command is refused, the
    instance stays where it was. The message is Chinese and names the element."""

    def __init__(self, message: str, element_id: str | None) -> None:
        self.element_id = element_id
        super().__init__(message)


# --- value objects ---------------------------------------------------------------------------

@dataclass(frozen=True)
class HumanTask:
    id: str
    spec_id: str
    name: str
    role: str | None
    scope_kind: str | None
    scope_value: str | None
    decisions: list[str]
    comment_required: list[str]
    form_fields: list[dict[str, Any]]
    ready_at: datetime
    due_at: datetime | None
    lane: str | None = None
    # The step's own word for a decision (BPMN property decision_labels); others: the general word.
    decision_labels: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class PendingTimer:
    id: str
    spec_id: str
    name: str
    kind: str | None
    notify: str | None
    fire_at: datetime | None
    task_id: str | None
    calendar_uncovered: bool


@dataclass(frozen=True)
class FiredTimer:
    id: str
    spec_id: str
    name: str
    kind: str | None
    notify: str | None
    fire_at: datetime | None
    task_id: str | None
    task_spec_id: str | None


@dataclass
class CommandResult:
    status: str
    fired_timers: list[FiredTimer] = field(default_factory=list)
    thrown_messages: list[tuple[str, Any]] = field(default_factory=list)
    completed_task_id: str | None = None


# --- engine ----------------------------------------------------------------------------------

class Engine:
    def __init__(self, calendar: WorkingCalendar | None = None,
                 deadlines: dict[str, str] | None = None, limits: Limits | None = None) -> None:
        self.calendar = calendar or WorkingCalendar()
        merged = {**DEFAULT_DEADLINES, **(deadlines or {})}
        for iso in merged.values():
            parse_duration(iso)  # refuse bad configuration at start-up, not at the first timer
        self.deadlines = merged
        self.limits = limits or Limits()
        self.script_engine = SandboxedScriptEngine()

    def command(self, instance_id: str, at: datetime) -> AbstractContextManager[determinism.CommandContext]:
        """determinism.command with this engine's calendar and limits (a context manager)."""
        return determinism.command(instance_id, at, self.calendar, self.limits)

    def start(self, definition: Definition, data: dict[str, Any], instance_id: str, at: datetime) -> Instance:
        require_aware(at)
        for key in data:
            if key in RESERVED_DATA_KEYS or key.startswith("_"):
                raise FormInvalid(key, "保留字段不能作为启动数据")
        with self.command(instance_id, at) as ctx:
            wf = BpmnWorkflow(definition.spec, definition.subprocess_specs, script_engine=self.script_engine)
            ctx.workflow = wf
            wf.data[determinism.RESERVED_KEY] = {"instance_id": instance_id}
            start = wf.get_next_task(state=TaskState.READY)
            # Deadline defaults from configuration; explicit start data wins.
            start.data.update({**self.deadlines, **_jsonable(data)})
            inst = Instance(self, definition, wf, instance_id)
            inst.last_result = inst._steps(ctx, before={})
        inst.check_size()
        return inst

    def restore(self, definition: Definition, state: dict[str, Any], instance_id: str) -> Instance:
        wf = restore_state(state, definition.spec, definition.subprocess_specs)
        stored = wf.data.get(determinism.RESERVED_KEY, {}).get("instance_id")
        if stored is not None and stored != instance_id:
            raise ValueError(f"状态属于实例 {stored}，不是 {instance_id}")
        wf.script_engine = self.script_engine  # never serialized: re-attach every time
        return Instance(self, definition, wf, instance_id)


# --- instance --------------------------------------------------------------------------------

class Instance:
    def __init__(self, engine: Engine, definition: Definition, workflow: BpmnWorkflow,
                 instance_id: str) -> None:
        self.engine = engine
        self.definition = definition
        self.workflow = workflow
        self.instance_id = instance_id
        self.last_result: CommandResult | None = None
        self._dumped: tuple[dict[str, Any], bytes] | None = None  # (state, its canonical JSON)
        self._walks: dict[tuple, list[Any]] = {}  # _all_tasks answers for the tree in _walks_of
        self._walks_of: tuple | None = None

    # queries

    def state(self) -> dict[str, Any]:
        """The state without the spec. Right after a command: the dump its size check took (not
        to be changed by the caller); a command clears it before it runs."""
        return self._dumped[0] if self._dumped is not None else dump_state(self.workflow)

    def state_hash(self) -> str:
        if self._dumped is not None:
            return bytes_hash(self._dumped[1])
        return state_hash(self.state())

    def _all_tasks(self, **kwargs: Any) -> list[Any]:
        # The facade asks the same questions several times per command (open tasks, data, status,
        # timers); a tree walk costs about as much as a small engine step. Answers are reused
        # while the task tree is unchanged: same tasks, same states (filters look at nothing else).
        wf = self.workflow
        fingerprint = self._tree_fingerprint()
        if self._walks_of is not fingerprint and self._walks_of != fingerprint:
            self._walks.clear()
        self._walks_of = fingerprint
        key = tuple(sorted(kwargs.items()))
        cached = self._walks.get(key)
        if cached is None:
            cached = _get_tasks(wf, **kwargs)  # wf.get_tasks(**kwargs), walked faster
            # The walk descends into running subprocesses itself; the subprocesses' own walks add
            # what it skips (finished ones), each task once, in the order first met.
            seen = {id(t) for t in cached}
            for sp in wf.subprocesses.values():
                for t in _get_tasks(sp, **kwargs):
                    if id(t) not in seen:
                        seen.add(id(t))
                        cached.append(t)
            self._walks[key] = cached
        return list(cached)

    def _tree_fingerprint(self) -> tuple:
        wf = self.workflow
        parts: list[Any] = [id(wf)]
        for w in (wf, *wf.subprocesses.values()):
            parts.append(id(w))
            tasks = w.tasks.values()
            parts.extend(map(id, tasks))
            parts.extend(map(_task_state, tasks))
        return tuple(parts)

    def _main_end_ids(self) -> list[str]:
        ends = self._all_tasks(state=TaskState.COMPLETED)
        return [t.task_spec.bpmn_id for t in ends
                if isinstance(t.task_spec, EndEvent) and t.workflow is self.workflow
                and not (t.task_spec.bpmn_id or "").startswith("end_reminded")]

    def _terminated(self) -> dict[str, Any] | None:
        meta = self.workflow.data.get(determinism.RESERVED_KEY) or {}
        value = meta.get("terminated")
        return value if isinstance(value, dict) else None

    @property
    def status(self) -> str:
        if self._terminated() is not None:
            return "terminated"
        if not self.workflow.is_completed():
            return "running"
        ends = self._main_end_ids()
        if any(e.startswith("end_withdrawn") for e in ends):
            return "withdrawn"
        if any(e.startswith("end_rejected") for e in ends):
            return "rejected"
        return "completed"

    @property
    def data(self) -> dict[str, Any]:
        terminated = self._terminated()
        if terminated is not None:
            # The data as it stood when an administrator terminated the instance.
            task = self._task_or_none(terminated.get("data_task"))
            return dict((task or self.workflow.task_tree).data)
        return dict(self._data_task().data)

    def _data_task(self) -> Any:
        """The task whose data is the instance's data: the first ready user task, else the last
        end reached, else the first waiting task, else the root."""
        ready = self._user_tasks()
        if ready:
            return ready[0]
        ends = [t for t in self._all_tasks(state=TaskState.COMPLETED) if isinstance(t.task_spec, EndEvent)
                and not (t.task_spec.bpmn_id or "").startswith("end_reminded")]
        if ends:
            return ends[-1]
        waiting = self._all_tasks(state=TaskState.WAITING)
        if waiting:
            return waiting[0]
        return self.workflow.task_tree

    def _task_or_none(self, task_id: Any) -> Any:
        try:
            return self.workflow.get_task_from_id(UUID(str(task_id))) if task_id else None
        except (ValueError, TaskNotFoundException):
            return None

    def _user_tasks(self) -> list[Any]:
        ready = self._all_tasks(state=TaskState.READY, manual=True)
        return [t for t in ready if isinstance(t.task_spec, UserTask)]

    def open_tasks(self) -> list[HumanTask]:
        return [self._human_task(t) for t in self._user_tasks()]

    def _human_task(self, task: Any) -> HumanTask:
        spec = task.task_spec
        ext = spec.extensions or {}
        scope_kind, scope_value = _resolve_scope(ext.get("scope"), task.data)
        due = self._due_at(task)
        return HumanTask(
            id=str(task.id), spec_id=spec.bpmn_id, name=spec.bpmn_name or spec.bpmn_id,
            role=ext.get("candidateGroups") or None, scope_kind=scope_kind, scope_value=scope_value,
            decisions=_csv(ext.get("decisions")),
            comment_required=_csv(ext["comment_required"]) if ext.get("comment_required") is not None
            else [d for d in _csv(ext.get("decisions")) if d in DEFAULT_COMMENT_REQUIRED],
            form_fields=[dict(f) for f in ext.get("formFields", [])],
            ready_at=datetime.fromtimestamp(task.last_state_change, UTC), due_at=due, lane=spec.lane,
            decision_labels=dict(ext.get("decisionLabels") or {}),
        )

    def _timers_of(self, task: Any) -> list[Any]:
        parent = task.parent
        if parent is None:
            return []
        return [s for s in parent.children if s is not task and _is_timer(s) and s.state == TaskState.WAITING]

    def _due_at(self, task: Any) -> datetime | None:
        by_kind: dict[str, list[datetime]] = {}
        for t in self._timers_of(task):
            value = t._get_internal_data("event_value")
            if isinstance(value, str):
                kind = (t.task_spec.extensions or {}).get("timer_kind") or "deadline"
                by_kind.setdefault(kind, []).append(parse_aware(value))
        hard = by_kind.get("escalation", []) + by_kind.get("deadline", [])
        if hard:
            return min(hard)
        soft = by_kind.get("reminder", [])
        return min(soft) if soft else None

    def pending_timers(self) -> list[PendingTimer]:
        out = []
        for t in self._all_tasks(state=TaskState.WAITING):
            if not _is_timer(t):
                continue
            ext = t.task_spec.extensions or {}
            value = _timer_definition(t).details(t).value
            out.append(PendingTimer(
                id=str(t.id), spec_id=t.task_spec.bpmn_id, name=t.task_spec.bpmn_name or t.task_spec.bpmn_id,
                kind=ext.get("timer_kind"), notify=ext.get("notify"),
                fire_at=parse_aware(value) if isinstance(value, str) else None,
                task_id=_attached_task_id(t),
                calendar_uncovered=bool(t._get_internal_data("calendar_uncovered", False)),
            ))
        return out

    @property
    def thrown_messages(self) -> list[tuple[str, Any]]:
        """Messages thrown by the last command of this Instance object (also on its CommandResult)."""
        return list(self.last_result.thrown_messages) if self.last_result is not None else []

    def completed_element_ids(self) -> list[str]:
        return _element_ids(self._all_tasks(state=TaskState.COMPLETED))

    def active_element_ids(self) -> list[str]:
        return _element_ids(self.active_tasks())

    def active_tasks(self) -> list[Any]:
        """SpiffWorkflow's tasks where the instance is: ready, waiting or started."""
        return self._all_tasks(state=TaskState.READY | TaskState.WAITING | TaskState.STARTED)

    # commands

    def complete(self, task_id: str, decision: str | None = None, comment: str | None = None,
                 data: dict[str, Any] | None = None, actor: str | None = None, at: datetime | None = None,
                 trusted_data: dict[str, Any] | None = None) -> CommandResult:
        """Complete a ready user task. `data` is user input checked against the task's form;
        `trusted_data` is service-supplied (e.g. nominee facts from the cadre registry)."""
        at = require_aware(at if at is not None else datetime.now(UTC))
        self._dumped = None
        task = self._find_task(task_id)
        if task.state != TaskState.READY or not isinstance(task.task_spec, UserTask):
            raise TaskNotReady(f"任务 {task_id} 当前不可办理")
        human = self._human_task(task)
        if decision not in human.decisions:
            raise DecisionNotAllowed(
                f"任务 {human.spec_id} 不允许决定 {decision!r}（可选: {human.decisions}）")
        comment = (comment or "").strip()
        if decision in human.comment_required and not comment:
            raise CommentRequired(decision)
        values = validate_form(human.form_fields, data or {})
        for key in trusted_data or {}:
            if key in RESERVED_DATA_KEYS or key.startswith("_"):
                raise FormInvalid(key, "保留字段")
        with self.engine.command(self.instance_id, at) as ctx:
            ctx.load_counter(self.workflow)
            before = self._waiting_timers()
            task.data.update(_jsonable(trusted_data or {}))
            task.data.update(values)
            task.data["decision"] = decision
            task.data["comment"] = comment
            task.data[f"{human.spec_id}_decision"] = decision
            _countersign_vote(task, human, decision)
            with flow_errors():
                task.run()
            result = self._steps(ctx, before)
        self.check_size()
        result.completed_task_id = str(task.id)
        self.last_result = result
        return result

    def send_message(self, name: str, payload: Any = None, at: datetime | None = None) -> CommandResult:
        at = require_aware(at if at is not None else datetime.now(UTC))
        self._dumped = None
        with self.engine.command(self.instance_id, at) as ctx:
            ctx.load_counter(self.workflow)
            before = self._waiting_timers()
            event = BpmnEvent(MessageEventDefinition(name),
                              payload={"payload": _jsonable(payload), "result_var": None})
            try:
                self.workflow.send_event(event)
            except WorkflowException as err:
                raise MessageNotExpected(f"实例当前不等待消息 {name!r}") from err
            result = self._steps(ctx, before)
        self.check_size()
        self.last_result = result
        return result

    def fire_due_timers(self, at: datetime) -> CommandResult:
        """Fire every timer due strictly before `at`, then run the engine."""
        require_aware(at)
        self._dumped = None
        with self.engine.command(self.instance_id, at) as ctx:
            ctx.load_counter(self.workflow)
            before = self._waiting_timers()
            self.workflow.refresh_timers()
            result = self._steps(ctx, before)
        self.check_size()
        self.last_result = result
        return result

    def terminate(self, at: datetime) -> CommandResult:
        """An administrator ends a running instance (终止): every open task and waiting timer is
        cancelled, nothing else runs. The state notes when, and which task's data is the
        instance's data from then on; who and why are the service's history."""
        at = require_aware(at)
        if self.status != "running":
            raise NotRunning(f"流程实例已结束（{self.status}），不能终止")
        self._dumped = None
        with self.engine.command(self.instance_id, at) as ctx:
            ctx.load_counter(self.workflow)
            data_task = self._data_task()
            self.workflow.cancel()
            meta = dict(self.workflow.data.get(determinism.RESERVED_KEY, {}))
            meta["terminated"] = {
                "at": at.astimezone(UTC).isoformat(),
                "data_task": None if data_task is self.workflow.task_tree else str(data_task.id),
            }
            self.workflow.data[determinism.RESERVED_KEY] = meta
            ctx.save_counter(self.workflow)
        self.check_size()
        self.last_result = CommandResult(status=self.status)
        return self.last_result

    def check_size(self) -> None:
        """The state after a command may be at most `limits.state_bytes` bytes (LimitExceeded).
        The dump is kept for state() and state_hash(): the service saves and hashes it next."""
        state = dump_state(self.workflow)
        text = canonical_bytes(state)
        try:
            check_state_size(len(text), self.engine.limits)
        except LimitExceeded as err:
            err.instance_id = self.instance_id
            raise
        self._dumped = (state, text)

    def recompute_deadlines(self, at: datetime) -> list[str]:
        """After an admin enters a calendar year: recompute waiting duration timers. Returns changed ids."""
        changed = []
        self._dumped = None
        with self.engine.command(self.instance_id, at) as ctx:
            ctx.load_counter(self.workflow)
            for t in self._all_tasks(state=TaskState.WAITING):
                if _is_timer(t) and recompute_deadline(t, self.engine.calendar):
                    changed.append(str(t.id))
            ctx.save_counter(self.workflow)
        return changed

    # internals

    def _find_task(self, task_id: str) -> Any:
        try:
            uid = UUID(str(task_id))
        except ValueError as err:
            raise TaskNotFound(f"无效的任务编号 {task_id!r}") from err
        try:
            task = self.workflow.get_task_from_id(uid)
        except TaskNotFoundException:
            task = None
        if task is None:
            raise TaskNotFound(f"任务 {task_id} 不存在")
        return task

    def _waiting_timers(self) -> dict[UUID, tuple[Any, Any]]:
        # Keep a copy of each timer's event value: a cycle timer stays WAITING when it fires, and
        # only its decremented cycle count tells that it did.
        return {t.id: (t, copy.deepcopy(t._get_internal_data("event_value")))
                for t in self._all_tasks(state=TaskState.WAITING) if _is_timer(t)}

    def _steps(self, ctx: determinism.CommandContext, before: dict[UUID, Any]) -> CommandResult:
        wf = self.workflow
        budget = ctx.budget
        with flow_errors():
            wf.do_engine_steps(will_complete_task=lambda t: budget.engine_step(t.task_spec.bpmn_id))
        fired = []
        for tid, (t, old_value) in before.items():
            # A fired timer leaves WAITING for READY/COMPLETED (Spiff resets `event_fired` on
            # completion, so the state is the evidence); CANCELLED means an interrupt removed it.
            new_value = t._get_internal_data("event_value")
            cycled = isinstance(old_value, dict) and isinstance(new_value, dict) \
                and new_value.get("cycles") != old_value.get("cycles")
            if cycled or t.state in (TaskState.READY, TaskState.STARTED, TaskState.COMPLETED):
                ext = t.task_spec.extensions or {}
                value = old_value.get("next") if isinstance(old_value, dict) else new_value
                attached = _attached_task(t)
                fired.append(FiredTimer(
                    id=str(tid), spec_id=t.task_spec.bpmn_id,
                    name=t.task_spec.bpmn_name or t.task_spec.bpmn_id,
                    kind=ext.get("timer_kind"), notify=ext.get("notify"),
                    fire_at=parse_aware(value) if isinstance(value, str) else None,
                    task_id=str(attached.id) if attached is not None else None,
                    task_spec_id=attached.task_spec.bpmn_id if attached is not None else None,
                ))
        messages = []
        for event in wf.get_events():
            payload = event.payload.get("payload") if isinstance(event.payload, dict) else event.payload
            name = event.event_definition.name
            if payload is None:
                data = self.data
                payload = {k: data.get(k) for k in HANDOVER_FIELDS if k in data}
            messages.append((name, payload))
        ctx.save_counter(wf)
        return CommandResult(status=self.status, fired_timers=fired, thrown_messages=messages)


# --- helpers ---------------------------------------------------------------------------------

@contextmanager
def flow_errors() -> Iterator[None]:
    """SpiffWorkflow's own refusals to go on as FlowError (Chinese, naming the element); a
    script's failure stays a ScriptError (sandbox.py), a budget's a LimitExceeded."""
    try:
        yield
    except ScriptError:
        raise
    except WorkflowException as err:
        spec = getattr(getattr(err, "task", None), "task_spec", None) or getattr(err, "task_spec", None)
        element = getattr(spec, "bpmn_id", None)
        name = getattr(spec, "bpmn_name", None)
        where = f"{element}（{name}）" if name else (element or "未知环节")
        if "No conditions satisfied" in str(err):
            reason = "排他网关的出口条件都不成立，也没有默认出口"
        else:
            reason = f"引擎无法继续（{err}）"
        message = f"流程在 {where} 处无法继续：{reason}。本次操作未生效，流程停在原处。"
        raise FlowError(message, element) from err


def _countersign_vote(task: Any, human: HumanTask, decision: str) -> None:
    """A signer's instance of a countersign step: its data and the loop's carry the step's tally
    with this vote (countersign.py); once the tally is decided, the step's decision is its outcome."""
    rule_text = (task.task_spec.extensions or {}).get("countersign")
    loop = task.parent
    if not rule_text or loop is None or not hasattr(loop.task_spec, "data_input"):
        return
    key = countersign.data_key(human.spec_id)
    signers = loop.task_spec.data_input.get(loop) if loop.task_spec.data_input is not None else []
    signer = human.scope_value or ""
    result = countersign.tally(countersign.parse_rule(rule_text), list(signers or []),
                               loop.data.get(key), signer, decision)
    # The loop's data is what flows on after the step (Camunda-style loops merge only the
    # element variable back), so the tally is kept there as well as on the signer's instance.
    for holder in (task, loop):
        holder.data[key] = _jsonable(result)
        if result["outcome"] is not None:
            holder.data["decision"] = result["outcome"]
            holder.data[f"{human.spec_id}_decision"] = result["outcome"]


def _csv(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(",") if v.strip()]


_task_state = attrgetter("_state")


def _timer_definition(task: Any) -> Any:
    """The timer a waiting task waits for: its own, or for an event-based gateway the timer among
    its branches' events (the gateway waits for them all); None if none."""
    definition = getattr(task.task_spec, "event_definition", None)
    if isinstance(definition, TimerEventDefinition):
        return definition
    if isinstance(definition, MultipleEventDefinition):
        return next((d for d in definition.event_definitions if isinstance(d, TimerEventDefinition)), None)
    return None


def _is_timer(task: Any) -> bool:
    return _timer_definition(task) is not None


def _attached_task(timer_task: Any) -> Any:
    if not isinstance(timer_task.task_spec, BoundaryEvent) or timer_task.parent is None:
        return None
    for sibling in timer_task.parent.children:
        if sibling is not timer_task and not isinstance(sibling.task_spec, BoundaryEvent):
            return sibling
    return None


def _attached_task_id(timer_task: Any) -> str | None:
    t = _attached_task(timer_task)
    return str(t.id) if t is not None else None


def _element_ids(tasks: list[Any]) -> list[str]:
    seen: dict[str, None] = {}
    for t in tasks:
        bpmn_id = getattr(t.task_spec, "bpmn_id", None)
        if bpmn_id:
            seen[bpmn_id] = None
    return list(seen)


def _resolve_scope(scope: str | None, data: dict[str, Any]) -> tuple[str | None, str | None]:
    if not scope:
        return None, None
    kind, _, var = scope.partition(":")
    if kind == "county":
        return "county", "county"
    value = data.get(var)
    return kind, None if value is None else str(value)


def _jsonable(value: Any) -> Any:
    """Only JSON types enter the instance data (dates as ISO strings), so states hash canonically.

    Mappings come out with their keys sorted: SpiffWorkflow's state lists data keys in insertion
    order, so the state must not depend on the order the caller (or a JSONB column) produced."""
    if isinstance(value, dict):
        items = sorted(((str(k), v) for k, v in value.items()), key=lambda kv: kv[0])
        return {k: _jsonable(v) for k, v in items}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if value is None or isinstance(value, bool | int | float | str):
        return value
    raise FormInvalid("data", f"不支持的数据类型 {type(value).__name__}")


def validate_form(fields: list[dict[str, Any]], data: dict[str, Any]) -> dict[str, Any]:
    by_id = {f["id"]: f for f in fields}
    for key in data:
        if key not in by_id:
            raise FormInvalid(key, "不是该任务表单中的字段")
    out: dict[str, Any] = {}
    for f in fields:
        fid, ftype = f["id"], f["type"]
        value = data.get(fid)
        if value is None or (isinstance(value, str) and not value.strip()):
            if f.get("required"):
                raise FormInvalid(fid, f"“{f.get('label') or fid}”为必填项")
            continue
        if ftype == "long":
            if isinstance(value, bool) or not isinstance(value, int):
                raise FormInvalid(fid, "须为整数")
        elif ftype == "boolean":
            if not isinstance(value, bool):
                raise FormInvalid(fid, "须为布尔值")
        elif ftype == "date":
            try:
                date.fromisoformat(str(value))
            except ValueError as err:
                raise FormInvalid(fid, "须为 YYYY-MM-DD 日期") from err
            value = str(value)
        elif ftype == "enum":
            if value not in f.get("options", []):
                raise FormInvalid(fid, f"须为以下之一: {f.get('options')}")
        elif not isinstance(value, str):
            raise FormInvalid(fid, "须为文本")
        out[fid] = value
    return out
