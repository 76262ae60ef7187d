"""Moving a running instance to another version of its definition (instance migration, modelled on
Camunda's): where each active element goes in the target, whether an instance can go, and the move.

What can be mapped: the elements an instance waits at, each to an element of the same kind in the
target: user and manual tasks (人工任务), intermediate timer or message catch events, receive
tasks, and joining gateways (to the gateway of the same id only: a join counts the branches that
reached it by their elements). Multi-instance steps (会签), subprocesses and call activities,
event-based gateways and anything else an instance can wait at are not supported: an instance
waiting there cannot move, and the reason says so, naming the element.

The move (`migrate`) keeps the task tree of the source: the finished part stays as history, each
task of it standing for the element of the same id in the target (so an element on that path may
not be missing from the target; a finished side branch of one, such as a cancelled reminder, is
dropped). Each active element is re-entered on the target from the place it was entered (the task
itself, or the boundary-event split before a step with boundary events), by SpiffWorkflow's own
`Task.reset_branch` and engine steps, so its boundary events, properties and timers are the
target's, with the data the step had. The serialized state is rewritten only where that is the
tool for it, before the restore on the target: the branches below those entry tasks cut, the entry
tasks pointed at the target's entry, the finished branches the target lacks dropped; and after
the re-entry the new user task takes the id the step had, so its task row, claim and urges stay
with it.

Timers of a re-entered element (documented choice, tested): a duration timer the source also had
(same timer element id; for a step mapped to another id, the one timer of the same kind) counts the
target's duration from when the source timer started, so a changed deadline applies to the step
as if it had always been so; one that already fired in the source (a reminder sent) does not wait
again; a timer new in the target starts counting at the migration. Cycle and date timers are the
target's, evaluated at the migration.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn.specs.control import BoundaryEventSplit
from SpiffWorkflow.bpmn.specs.defaults import (
    BoundaryEvent,
    CallActivity,
    EventBasedGateway,
    InclusiveGateway,
    IntermediateCatchEvent,
    ParallelGateway,
    ReceiveTask,
    SubWorkflowTask,
)
from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    DurationTimerEventDefinition,
    TimerEventDefinition,
)
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import LoopTask
from SpiffWorkflow.camunda.specs.user_task import UserTask
from SpiffWorkflow.util.task import TaskState

from .clock import require_aware
from .definitions import Definition
from .engine import Instance, NotRunning, flow_errors
from .serialization import dump_state, restore_state
from .timers import recompute_deadline

__all__ = [
    "ElementInfo", "Blocker", "MigrationRefused", "KIND_NAMES", "migration_elements", "default_mapping",
    "mapping_problem", "active_element_ids", "blockers", "migrate",
]

# The kinds an element is compared by (its spec class would separate a duration timer from a
# date timer, which may replace each other); the Chinese names the plan shows.
KIND_NAMES = {
    "user_task": "人工任务",
    "timer_catch": "定时等待事件",
    "message_catch": "消息等待事件",
    "receive_task": "接收任务",
    "join": "汇合网关",
    "countersign": "会签（多实例）环节",
    "subprocess": "子流程",
    "event_gateway": "事件网关",
    "other": "其他元素",
}
SUPPORTED_KINDS = frozenset({"user_task", "timer_catch", "message_catch", "receive_task", "join"})
UNSUPPORTED_WHY = {
    "countersign": "会签（多实例）环节暂不支持迁移",
    "subprocess": "子流程、调用活动暂不支持迁移",
    "event_gateway": "事件网关暂不支持迁移",
    "other": "此类元素暂不支持迁移",
}
ACTIVE = TaskState.READY | TaskState.WAITING | TaskState.STARTED
FINISHED = TaskState.COMPLETED | TaskState.CANCELLED | TaskState.ERROR


@dataclass(frozen=True)
class ElementInfo:
    """An element of a version where an instance can wait, for the plan."""

    id: str
    name: str
    kind: str

    @property
    def kind_name(self) -> str:
        return KIND_NAMES.get(self.kind, self.kind)

    @property
    def supported(self) -> bool:
        return self.kind in SUPPORTED_KINDS

    @property
    def label(self) -> str:
        return f"「{self.name}」（{self.id}）" if self.name and self.name != self.id else f"「{self.id}」"


@dataclass(frozen=True)
class Blocker:
    """Why an instance cannot move: Chinese, naming the element (None: the instance as a whole)."""

    element_id: str | None
    reason: str


class MigrationRefused(Exception):
    def __init__(self, found: list[Blocker]) -> None:
        self.blockers = found
        super().__init__("；".join(b.reason for b in found))


# --- elements and the mapping ----------------------------------------------------------------

def _kind(spec: Any, in_loop: bool) -> str:
    if in_loop or isinstance(spec, LoopTask):
        return "countersign"
    if isinstance(spec, SubWorkflowTask | CallActivity):
        return "subprocess"
    if isinstance(spec, UserTask):
        return "user_task"
    if isinstance(spec, ReceiveTask):
        return "receive_task"
    if isinstance(spec, IntermediateCatchEvent):
        definition = spec.event_definition
        if isinstance(definition, TimerEventDefinition):
            return "timer_catch"
        if isinstance(definition, MessageEventDefinition):
            return "message_catch"
        return "other"
    if isinstance(spec, EventBasedGateway):
        return "event_gateway"
    if isinstance(spec, ParallelGateway | InclusiveGateway):
        return "join"
    return "other"


def _waitable(spec: Any) -> bool:
    """Whether an instance can stand at this element (the elements a plan maps)."""
    if isinstance(spec, ParallelGateway | InclusiveGateway):
        return len(spec.inputs) > 1  # only a join waits
    return isinstance(spec, UserTask | ReceiveTask | IntermediateCatchEvent | EventBasedGateway
                      | SubWorkflowTask | CallActivity | LoopTask)


def _loop_children(spec: Any) -> set[str]:
    """Names of the specs a multi-instance loop repeats (they share the step's id)."""
    return {ts.task_spec for ts in spec.task_specs.values() if isinstance(ts, LoopTask)}


def migration_elements(definition: Definition) -> list[ElementInfo]:
    """The elements of `definition` where an instance can wait, in the order of the file's spec,
    each once (a multi-instance step is one element); elements inside subprocesses are listed as
    subprocess elements (unsupported)."""
    out: dict[str, ElementInfo] = {}
    main = definition.spec
    looped = _loop_children(main)
    for name, spec in main.task_specs.items():
        bpmn_id = getattr(spec, "bpmn_id", None)
        # the splits and joins SpiffWorkflow adds around steps have no BPMN id
        if not bpmn_id or isinstance(spec, BoundaryEvent) or not _waitable(spec):
            continue
        kind = _kind(spec, name in looped)
        if bpmn_id not in out or kind == "countersign":
            out[bpmn_id] = ElementInfo(bpmn_id, spec.bpmn_name or bpmn_id, kind)
    for sub in definition.subprocess_specs.values():
        for spec in sub.task_specs.values():
            bpmn_id = getattr(spec, "bpmn_id", None)
            if bpmn_id and bpmn_id not in out and _waitable(spec) and not isinstance(spec, BoundaryEvent):
                out[bpmn_id] = ElementInfo(bpmn_id, spec.bpmn_name or bpmn_id, "subprocess")
    return list(out.values())


def _elements_by_id(definition: Definition) -> dict[str, ElementInfo]:
    return {e.id: e for e in migration_elements(definition)}


def default_mapping(source: Definition, target: Definition) -> dict[str, str | None]:
    """Each element of the source to the element of the same id in the target when that one is of
    the same (supported) kind; None where there is none."""
    targets = _elements_by_id(target)
    out: dict[str, str | None] = {}
    for element in migration_elements(source):
        candidate = targets.get(element.id)
        ok = element.supported and candidate is not None and candidate.kind == element.kind
        out[element.id] = element.id if ok else None
    return out


def mapping_problem(source: Definition, target: Definition, element_id: str,
                    target_id: str | None) -> str | None:
    """Why `element_id` of the source cannot go to `target_id` of the target (Chinese, naming the
    element), or None when it can."""
    element = _elements_by_id(source).get(element_id)
    if element is None:
        return f"「{element_id}」不是源版本中可停留的环节"
    problem = _problem(element, _elements_by_id(target), target_id)
    return None if problem is None else f"{element.label}：{problem}"


def _problem(element: ElementInfo, targets: dict[str, ElementInfo], target_id: str | None) -> str | None:
    if not element.supported:
        return UNSUPPORTED_WHY.get(element.kind, "暂不支持迁移")
    if not target_id:
        return "目标版本中没有对应环节"
    candidate = targets.get(target_id)
    if candidate is None:
        return f"目标环节「{target_id}」在目标版本中不存在"
    if candidate.kind != element.kind:
        return f"目标环节{candidate.label}是{candidate.kind_name}，与本环节（{element.kind_name}）类型不同"
    if element.kind == "join" and candidate.id != element.id:
        return "汇合网关只能对应目标版本中同一编号的网关"
    return None


# --- one instance ----------------------------------------------------------------------------

def _top_tasks(instance: Instance, state: int) -> list[Any]:
    return list(instance.workflow.get_tasks(state=state, skip_subprocesses=True))


def _active_entries(instance: Instance) -> list[Any]:
    """The active tasks that stand for an element (boundary events go with their step; the
    splits and joins SpiffWorkflow adds around a step are none)."""
    out = []
    for task in _top_tasks(instance, ACTIVE):
        spec = task.task_spec
        if isinstance(spec, BoundaryEvent) or not getattr(spec, "bpmn_id", None):
            continue
        out.append(task)
    return out


def active_element_ids(instance: Instance) -> list[str]:
    return list(dict.fromkeys(t.task_spec.bpmn_id for t in _active_entries(instance)))


def _loop_of(task: Any) -> Any:
    parent = task.parent
    return parent if parent is not None and isinstance(parent.task_spec, LoopTask) else None


def _anchor(task: Any) -> Any:
    """Where the element was entered: the boundary-event split before a step that has one."""
    parent = task.parent
    if parent is not None and isinstance(parent.task_spec, BoundaryEventSplit):
        return parent
    return task


def _target_entry(target: Definition, element_id: str) -> Any:
    """The spec the target enters the element by: its boundary-event split if it has one."""
    specs = target.spec.task_specs
    split = specs.get(f"{element_id}.BoundaryEventSplit")
    return split if split is not None else specs.get(element_id)


def _subtree(task: Any) -> list[Any]:
    out, stack = [], [task]
    while stack:
        current = stack.pop()
        out.append(current)
        stack.extend(current.children)
    return out


def blockers(instance: Instance, target: Definition, mapping: Mapping[str, str | None]) -> list[Blocker]:
    """Why `instance` cannot move to `target` with `mapping` (source element id -> target element
    id); empty when it can."""
    if instance.status != "running":
        return [Blocker(None, f"实例已结束（{instance.status}），不能迁移")]
    found: list[Blocker] = []
    for task_id in instance.workflow.subprocesses:
        owner = instance.workflow.get_task_from_id(task_id)
        found.append(Blocker(owner.task_spec.bpmn_id,
                             f"实例含子流程{_label(owner.task_spec)}：子流程暂不支持迁移"))
    if found:
        return found
    sources, targets = _elements_by_id(instance.definition), _elements_by_id(target)
    entries = _active_entries(instance)
    for task in entries:
        element_id = task.task_spec.bpmn_id
        if _loop_of(task) is not None:
            why = UNSUPPORTED_WHY["countersign"]
            found.append(Blocker(element_id, f"实例停在{_label(task.task_spec)}：{why}"))
            continue
        if element_id not in sources:
            found.append(Blocker(element_id, f"实例停在{_label(task.task_spec)}：此类元素暂不支持迁移"))
            continue
        problem = _problem(sources[element_id], targets, mapping.get(element_id))
        if problem is not None:
            found.append(Blocker(element_id, f"实例停在{sources[element_id].label}：{problem}"))
    if found:
        return found
    rebuilt = {id(t) for e in entries for t in _subtree(_anchor(e))}
    specs = target.spec.task_specs
    for task in _top_tasks(instance, TaskState.ANY_MASK):
        if id(task) in rebuilt or task.task_spec.name in specs:
            continue
        if any(not t.has_state(FINISHED) for t in _subtree(task)):
            # on the way to an active element, or waiting beside it: it cannot be dropped
            found.append(Blocker(task.task_spec.bpmn_id or task.task_spec.name,
                                 f"已办环节{_label(task.task_spec)}在目标版本中不存在，无法保留办理经过"))
    return _unique(found)


def _unique(found: Iterable[Blocker]) -> list[Blocker]:
    return list(dict.fromkeys(found))


def _label(spec: Any) -> str:
    bpmn_id = getattr(spec, "bpmn_id", None) or spec.name
    name = getattr(spec, "bpmn_name", None)
    return f"「{name}」（{bpmn_id}）" if name and name != bpmn_id else f"「{bpmn_id}」"


# --- the move --------------------------------------------------------------------------------

@dataclass
class _Entry:
    """One active element to re-enter on the target."""

    anchor_id: str  # the task it is re-entered from (kept, renamed to the target's entry spec)
    task_id: str  # the active task (its id is kept for the re-entered one)
    source_id: str  # the source element
    target_id: str  # the target element
    data: dict[str, Any]
    ready_at: float
    # timers of the source step: element id -> (kind, internal data, fired)
    timers: dict[str, tuple[str | None, dict[str, Any], bool]]


def _timer_kind(spec: Any) -> str | None:
    return (getattr(spec, "extensions", None) or {}).get("timer_kind")


def _source_timers(task: Any) -> dict[str, tuple[str | None, dict[str, Any], bool]]:
    """The step's own timers (its boundary timers, or the catch event itself) as they stood."""
    candidates = [task]
    parent = task.parent
    if parent is not None and isinstance(parent.task_spec, BoundaryEventSplit):
        candidates += [t for t in parent.children if isinstance(t.task_spec, BoundaryEvent)]
    out = {}
    for t in candidates:
        if isinstance(getattr(t.task_spec, "event_definition", None), TimerEventDefinition):
            fired = t.has_state(TaskState.COMPLETED | TaskState.READY)
            out[t.task_spec.bpmn_id] = (_timer_kind(t.task_spec), copy.deepcopy(t.internal_data), fired)
    return out


def migrate(instance: Instance, target: Definition, mapping: Mapping[str, str | None],
            at: datetime) -> Instance:
    """`instance` moved to `target` (a new Instance; `instance` itself is left as it was).
    MigrationRefused when it cannot move (blockers)."""
    require_aware(at)
    if instance.status != "running":
        raise NotRunning(f"流程实例已结束（{instance.status}），不能迁移")
    found = blockers(instance, target, mapping)
    if found:
        raise MigrationRefused(found)
    entries = [_Entry(anchor_id=str(_anchor(t).id), task_id=str(t.id), source_id=t.task_spec.bpmn_id,
                      target_id=str(mapping[t.task_spec.bpmn_id]), data=copy.deepcopy(t.data),
                      ready_at=t.last_state_change, timers=_source_timers(t))
               for t in _active_entries(instance)]
    state = _rewritten(instance, target, entries)
    workflow = restore_state(state, target.spec, target.subprocess_specs)
    engine = instance.engine
    workflow.script_engine = engine.script_engine
    with engine.command(instance.instance_id, at) as ctx:
        ctx.load_counter(workflow)
        for entry in entries:
            anchor = workflow.get_task_from_id(UUID(entry.anchor_id))
            anchor.reset_branch(copy.deepcopy(entry.data))
            anchor.data = copy.deepcopy(entry.data)  # the update inherited the parent's over it
        budget = ctx.budget  # as every command: a runaway re-entry ends with LimitExceeded
        with flow_errors():
            workflow.do_engine_steps(will_complete_task=lambda t: budget.engine_step(t.task_spec.bpmn_id))
        renames = {}
        for entry in entries:
            anchor = workflow.get_task_from_id(UUID(entry.anchor_id))
            entered = next((t for t in _subtree(anchor) if t.task_spec.name == entry.target_id), None)
            if entered is None:
                continue
            entered.last_state_change = entry.ready_at  # the step has been waiting since then
            _carry_timers(entered, entry, engine.calendar)
            if str(entered.id) != entry.task_id:
                renames[str(entered.id)] = entry.task_id
                renames.setdefault(entry.task_id, str(entered.id))  # a swap when the id is in use
        ctx.save_counter(workflow)
    # Always through the stored form: the instance handed back is the one the service restores
    # from the state it saves (and the replay goes on with), nothing of the rebuild left over.
    state = _renamed(dump_state(workflow), renames)
    workflow = restore_state(state, target.spec, target.subprocess_specs)
    workflow.script_engine = engine.script_engine
    moved = Instance(engine, target, workflow, instance.instance_id)
    moved.check_size()
    return moved


def _carry_timers(entered: Any, entry: _Entry, calendar: Any) -> None:
    candidates = [entered]
    parent = entered.parent
    if parent is not None and isinstance(parent.task_spec, BoundaryEventSplit):
        candidates += [t for t in parent.children if isinstance(t.task_spec, BoundaryEvent)]
    by_kind: dict[str | None, list[str]] = {}
    for element_id, (kind, _, _) in entry.timers.items():
        by_kind.setdefault(kind, []).append(element_id)
    for t in candidates:
        definition = getattr(t.task_spec, "event_definition", None)
        if not isinstance(definition, TimerEventDefinition) or t.state != TaskState.WAITING:
            continue
        source_id = t.task_spec.bpmn_id if t.task_spec.bpmn_id in entry.timers else None
        if source_id is None:
            same_kind = by_kind.get(_timer_kind(t.task_spec), [])
            # a step mapped to another element: its timers have other ids; the one of each kind
            renamed = entry.source_id != entry.target_id
            source_id = same_kind[0] if renamed and len(same_kind) == 1 else None
        if source_id is None:
            continue  # new in the target: counts from the migration
        _, internal, fired = entry.timers[source_id]
        if fired:
            t.cancel()  # already done in the source (a reminder sent): not again
        elif isinstance(definition, DurationTimerEventDefinition) and internal.get("timer_started"):
            t.internal_data["timer_started"] = internal["timer_started"]
            recompute_deadline(t, calendar)


def _rewritten(instance: Instance, target: Definition, entries: list[_Entry]) -> dict[str, Any]:
    """The source state with the branches to re-enter cut back to their entry task (renamed to the
    target's entry spec) and finished branches of elements the target lacks dropped."""
    state = copy.deepcopy(instance.state())
    tasks: dict[str, dict[str, Any]] = state["tasks"]
    specs = target.spec.task_specs
    drop: set[str] = set()

    def subtree_ids(task_id: str) -> list[str]:
        out, stack = [], [task_id]
        while stack:
            current = stack.pop()
            out.append(current)
            stack.extend(tasks[current]["children"])
        return out

    for entry in entries:
        anchor = tasks[entry.anchor_id]
        for child in anchor["children"]:
            drop.update(subtree_ids(child))
        anchor["children"] = []
        anchor["task_spec"] = _target_entry(target, entry.target_id).name
    for task_id, task in tasks.items():
        if task_id not in drop and task["task_spec"] not in specs:
            drop.update(subtree_ids(task_id))  # blockers() made sure it is a finished branch
    for task_id in drop:
        tasks.pop(task_id, None)
    for task in tasks.values():
        task["children"] = [c for c in task["children"] if c not in drop]
    if state.get("last_task") in drop:
        state["last_task"] = None
    return state


def _renamed(state: dict[str, Any], renames: dict[str, str]) -> dict[str, Any]:
    """The state with task ids renamed (all at once, so a swap is a rename)."""
    def new(task_id: Any) -> Any:
        return renames.get(task_id, task_id) if isinstance(task_id, str) else task_id

    tasks = {}
    for task_id, task in state["tasks"].items():
        task = dict(task)
        task["id"] = new(task["id"])
        task["parent"] = new(task["parent"])
        task["children"] = [new(c) for c in task["children"]]
        tasks[new(task_id)] = task
    state = dict(state)
    state["tasks"] = tasks
    state["root"] = new(state["root"])
    state["last_task"] = new(state.get("last_task"))
    return state
