"""`workflow.get_tasks(...)` without SpiffWorkflow's iterator machinery, for speed.

The facade walks the task tree several times per command (open tasks, pending timers, data,
status, the timers before a step). SpiffWorkflow's `BpmnTaskIterator` pops from the front of a
Python list, builds `task.children` lists and keeps depth bookkeeping for every task; a plain
stack loop gives the same answer with far less work.

`get_tasks` mirrors SpiffWorkflow 3.2's `Workflow.get_tasks` -> `BpmnTaskIterator` with a default
`BpmnTaskFilter` (SpiffWorkflow/util/task.py, SpiffWorkflow/bpmn/util/task.py) for the keyword
arguments the facade uses -- `state`, `manual` and `updated_ts` -- and returns the same task
objects in the same order:

* depth first, pre-order, a task before its children, children in `_children` order; a task that
  owns a subprocess (`top_workflow.subprocesses[task.id]`) is followed by that subprocess's tree
  and then by its own children;
* a task's children are visited only if its state >= `min_state` (MAYBE when the state mask holds
  a predicted state, FUTURE when it holds a definite one, COMPLETED otherwise); a task owning a
  subprocess is always descended into, except into the subprocess itself when Spiff's "finished
  subprocess" rule says not to (the rule is kept verbatim even though, as written in Spiff 3.2,
  it can never be true for a single state bit);
* a task matches when `task._state & state`, `task.last_state_change >= updated_ts` and, when
  `manual` is not None, `task.task_spec.manual == manual`.

It reads `task._state`, `task._children` and `task.workflow.tasks`, which is what the stock
`Task.state` and `Task.children` properties return.

Anything this walk does not reproduce goes to Spiff's own `get_tasks` instead of answering
differently: other keyword arguments, another SpiffWorkflow version or workflow class, a child id
missing from `workflow.tasks` (Spiff would put None in `task.children` and fail on it), and walks
long enough for Spiff's `max_depth` (1000) bookkeeping to matter -- Spiff's depth counter only
grows when a task is expanded, so while fewer than `max_depth` tasks have been expanded it cannot
stop a descent.
"""

from __future__ import annotations

from importlib.metadata import version
from typing import Any

from SpiffWorkflow.bpmn.util.subworkflow import BpmnBaseWorkflow
from SpiffWorkflow.util.task import TaskState
from SpiffWorkflow.workflow import Workflow

__all__ = ["get_tasks"]

_MIRRORED = version("SpiffWorkflow").split(".")[:2] == ["3", "2"]
_SUPPORTED_KWARGS = frozenset({"state", "manual", "updated_ts"})
_MAX_DEPTH = 1000  # TaskIterator's default max_depth
_FINISHED_MASK = TaskState.FINISHED_MASK


class _Unfaithful(Exception):
    """This tree needs Spiff's own iterator for an identical answer."""


def get_tasks(workflow: Any, **kwargs: Any) -> list[Any]:
    """What `workflow.get_tasks(**kwargs)` returns, found by a plain stack walk when faithful."""
    if not _mirrors(workflow, kwargs):
        return workflow.get_tasks(**kwargs)
    try:
        return _walk(workflow, kwargs.get("state", TaskState.ANY_MASK), kwargs.get("manual"),
                     kwargs.get("updated_ts", 0))
    except _Unfaithful:
        return workflow.get_tasks(**kwargs)


def _mirrors(workflow: Any, kwargs: dict[str, Any]) -> bool:
    cls = type(workflow)
    return (_MIRRORED and kwargs.keys() <= _SUPPORTED_KWARGS
            and type(kwargs.get("state", 0)) is int  # TaskState values are plain ints
            and getattr(cls, "get_tasks", None) is Workflow.get_tasks
            and getattr(cls, "get_tasks_iterator", None) is BpmnBaseWorkflow.get_tasks_iterator)


def _walk(workflow: Any, state: int, manual: bool | None, updated_ts: float) -> list[Any]:
    # TaskIterator.__init__: how far down the tree a filter can find anything.
    if state & TaskState.PREDICTED_MASK:
        min_state = TaskState.MAYBE
    elif state & TaskState.DEFINITE_MASK:
        min_state = TaskState.FUTURE
    else:
        min_state = TaskState.COMPLETED
    # BpmnTaskIterator._next: "do not descend into a completed subprocess to look for unfinished tasks".
    finished_filter = state <= _FINISHED_MASK
    subprocesses = workflow.top_workflow.subprocesses

    found: list[Any] = []
    root = workflow.task_tree
    if root is None:
        raise _Unfaithful
    stack = [root]  # the reverse of Spiff's task_list: next task last
    expanded = 0
    while stack:
        task = stack.pop()
        task_state = task._state
        children = task._children
        subprocess = subprocesses.get(task.id) if subprocesses else None
        if (children or subprocess is not None) and (task_state >= min_state or subprocess is not None) \
                and task.task_spec.name is not None:  # name != end_at_spec (None)
            if expanded >= _MAX_DEPTH:
                raise _Unfaithful  # Spiff's depth counter might stop this descent
            expanded += 1
            if children:
                tasks = task.workflow.tasks
                try:
                    stack.extend([tasks[child] for child in reversed(children)])
                except KeyError:
                    raise _Unfaithful from None
            if subprocess is not None and not (task_state >= _FINISHED_MASK and finished_filter):
                sub_root = subprocess.task_tree
                if sub_root is None:
                    raise _Unfaithful
                stack.append(sub_root)  # before the owner's children
        if task_state & state and task.last_state_change >= updated_ts \
                and (manual is None or task.task_spec.manual == manual):
            found.append(task)
    return found
