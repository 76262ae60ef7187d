"""Whether a running instance still waits for something that can come (issue #20: no instance
hangs silently).

After a command, a running instance must have one of: an open task someone can act on (a role
and a jurisdiction its data names), a waiting timer (the timer service fires it), or a catch of a
message the service delivers from outside (plain_bpmn.MESSAGES_FROM_OUTSIDE: the withdraw
command). Otherwise nothing will ever move it: a join waits for a branch that was not taken, a
catch waits for an event nobody throws, a task is for a jurisdiction the data does not name.
`stall_of` says so, naming the elements where it stopped, and the service puts the instance in
`error` (service/commands/stalls.py); the same answer on a replay lets the audit check it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.multiple import MultipleEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.unstructured_join import UnstructuredJoin
from SpiffWorkflow.util.task import TaskState

from .engine import HumanTask, Instance
from .plain_bpmn import MESSAGES_FROM_OUTSIDE


@dataclass(frozen=True)
class Stall:
    element_ids: tuple[str, ...]
    reason: str  # Chinese, naming the elements


def stall_of(instance: Instance, deliverable: frozenset[str] = MESSAGES_FROM_OUTSIDE) -> Stall | None:
    """None while the instance is not running or still waits for something that can come."""
    if instance.status != "running":
        return None
    open_tasks = instance.open_tasks()
    if any(_actionable(t) for t in open_tasks) or instance.pending_timers():
        return None
    active = instance.active_tasks()
    if any(_catches(t, deliverable) for t in active):
        return None
    if open_tasks:
        ids = tuple(dict.fromkeys(t.spec_id for t in open_tasks))
        return Stall(ids, "；".join(_why_nobody(t) for t in open_tasks) + "。流程无法继续。")
    waiting = [t for t in active if t.state in (TaskState.READY, TaskState.WAITING)] or active
    named = [t for t in waiting if getattr(t.task_spec, "bpmn_id", None)]
    ids = tuple(dict.fromkeys(t.task_spec.bpmn_id for t in named))
    where = "、".join(dict.fromkeys(_label(t) for t in named)) or "未知环节"
    hints = [h for h in dict.fromkeys(_hint(t) for t in named) if h]
    reason = f"流程停在 {where}：没有可办理的待办任务、等待中的定时器或可送达的消息，流程无法继续"
    return Stall(ids, reason + (f"（{'；'.join(hints)}）" if hints else "") + "。")


def _actionable(task: HumanTask) -> bool:
    return bool(task.role) and (task.scope_kind == "county" or task.scope_value is not None)


def nobody_can_act(task: HumanTask) -> str | None:
    """Why nobody can act on an open task (Chinese, naming it), or None when someone can."""
    return None if _actionable(task) else _why_nobody(task)


def _why_nobody(task: HumanTask) -> str:
    label = f"{task.spec_id}（{task.name}）" if task.name and task.name != task.spec_id else task.spec_id
    if not task.role:
        return f"待办任务 {label} 没有办理角色，无人可以办理"
    return (f"待办任务 {label} 的办理范围为 {task.scope_kind}，但流程数据中没有指明是哪一个，"
            "无人可以办理（启动数据缺少该字段）")


def _catches(task: Any, deliverable: frozenset[str]) -> bool:
    if task.state != TaskState.WAITING:
        return False
    definition = getattr(task.task_spec, "event_definition", None)
    inner = definition.event_definitions if isinstance(definition, MultipleEventDefinition) else [definition]
    return any(isinstance(d, MessageEventDefinition) and d.name in deliverable for d in inner)


def _label(task: Any) -> str:
    spec = task.task_spec
    return f"{spec.bpmn_id}（{spec.bpmn_name}）" if spec.bpmn_name else spec.bpmn_id


def _hint(task: Any) -> str | None:
    if isinstance(task.task_spec, UnstructuredJoin):
        return f"汇合网关 {task.task_spec.bpmn_id} 在等待不会到达的分支"
    if task.state == TaskState.WAITING and getattr(task.task_spec, "event_definition", None) is not None:
        return f"{task.task_spec.bpmn_id} 等待的事件不会发生"
    return None
