"""A faster serializer converter for SpiffWorkflow's `Task`: same dicts, same restored tasks.

Why: restoring and dumping an instance's state runs once per command, and most of it is
SpiffWorkflow's `TaskConverter` (SpiffWorkflow/bpmn/serializer/default/workflow.py, 3.2.0, pinned):
UUIDs parsed and printed three times per task, every value walked through the registry's generic
`convert`/`restore` (a method call, the callable/module cleaning and the typename lookup per
value), `DeepMerge.merge({}, parent.data)` per task. This converter does the same work in fewer
steps and changes nothing else: `FastTaskConverter.to_dict` returns the dict the stock one
returns (same keys in the same order, the same values, even the same objects: the root task's
`data` and the delta's `updates` values are the live task data, as in the stock converter), and
`from_dict` restores the same task (same attributes, same data, copied exactly where the stock
converter copies).

What it mirrors, step by step:
- UUIDs: `parse_uuid(text)` is `UUID(text)` and `uuid_text(u)` is `str(u)`, both memoised in
  bounded tables (pure functions of an immutable value; misses go through `UUID`/`str`, so bad
  input fails as before).
- `registry.restore(value)` (DictionaryConverter.restore): `_restore` rebuilds plain dicts and
  lists itself and hands every other value to the registry: a dict with a 'typename' key (the
  registry turns those into objects, or fails on unknown names), tuples, sets, subclasses and any
  non-JSON object. Primitives are returned as they are, like the registry does.
- `registry.convert(value)` (DefaultRegistry.convert outside the JSON-encoder mode): `_convert`
  copies plain dicts (dropping callables and modules, the registry's `clean`) and lists and
  returns primitives; anything else, and any type the registry has a conversion for, goes to the
  registry. In encoder mode the registry does all of it.
- `DeepMerge.merge({}, parent.data)`: a new dict in the parent's key order whose dict, list and
  set values are shallow copies (`copy.copy`) and whose other values are the parent's objects.
  Note: this is one level deep, not a deep copy; nested containers stay shared with the parent
  exactly as after a stock restore (and as after Spiff's own `_inherit_data`).
- `DeepMerge.get_updated_keys` / `get_deleted_keys`: the same comparisons in the same order.

Anything outside these cases (another registry class, task subclasses, non-dict data) takes the
stock code path.
"""

from __future__ import annotations

from collections.abc import Callable
from copy import copy
from functools import partial
from types import ModuleType
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn.serializer.default.workflow import TaskConverter
from SpiffWorkflow.bpmn.serializer.helpers.registry import DefaultRegistry
from SpiffWorkflow.bpmn.specs.mixins.events.event_types import CatchingEvent
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.deep_merge import DeepMerge
from SpiffWorkflow.util.task import TaskState

__all__ = ["FastTaskConverter", "parse_uuid", "uuid_text"]

# The registry's own set of values `restore` returns untouched (dictionary._JSON_PRIMITIVE_TYPES).
_PRIMITIVES = frozenset({str, int, float, bool, type(None)})
_MISSING = object()

# Memo tables, cleared when full: a few thousand ids cover the instances a worker is busy with.
# Shared by threads: single dict reads/writes (atomic under the GIL), and an entry is always right.
_CACHE_LIMIT = 16384
_uuid_of: dict[str, UUID] = {}
_text_of: dict[int, str] = {}


def _remember(table: dict[Any, Any], key: Any, value: Any) -> Any:
    """Store a memo entry (emptying the bounded table first when it is full) and return it."""
    if len(table) >= _CACHE_LIMIT:
        table.clear()
    table[key] = value
    return value


def parse_uuid(text: Any) -> UUID:
    """`UUID(text)`, memoised for exact `str` input (a UUID is immutable, so sharing one is safe)."""
    if type(text) is not str:
        return UUID(text)
    value = _uuid_of.get(text)
    return value if value is not None else _remember(_uuid_of, text, UUID(text))


def uuid_text(value: Any) -> str:
    """`str(value)`, memoised for exact `UUID`s by their integer (all `UUID.__str__` reads)."""
    if type(value) is not UUID:
        return str(value)
    text = _text_of.get(value.int)
    return text if text is not None else _remember(_text_of, value.int, str(value))


def _inherited(parent_data: dict[Any, Any]) -> dict[Any, Any]:
    """`DeepMerge.merge({}, parent_data)` for an exact dict: dict/list/set values copied one level."""
    data = parent_data.copy()
    for key, value in parent_data.items():
        kind = type(value)
        if kind is str:  # most values: skip the other tests
            continue
        if kind is dict or kind is list:
            data[key] = value.copy()
        elif kind not in _PRIMITIVES and isinstance(value, (dict, list, set)):
            data[key] = copy(value)
    return data


class FastTaskConverter(TaskConverter):
    """Drop-in for `TaskConverter` (registered for `Task`); see the module docstring."""

    def __init__(self, target_class: type, registry: Any, typename: str | None = None) -> None:
        super().__init__(target_class, registry, typename)
        # The shortcuts mirror DefaultRegistry/DictionaryConverter and Task exactly; anything else
        # is served by the stock methods.
        self._fast = type(registry) is DefaultRegistry and target_class is Task
        self._restore = self._make_restore()
        self._convert = self._make_convert()
        # What the registry calls for a task (partials around to_dict/from_dict): while these are
        # still registered, calling to_dict/from_dict directly is what the registry would do.
        self._registered_to = registry.convert_to_dict[self.typename]
        self._registered_from = registry.convert_from_dict[self.typename]

    @staticmethod
    def of(registry: Any) -> FastTaskConverter | None:
        """The FastTaskConverter `registry` restores tasks with, if that is one."""
        restore = registry.convert_from_dict.get(registry.typenames.get(Task))
        bound = restore.args[0] if isinstance(restore, partial) and restore.args else None
        converter = getattr(bound, "__self__", None)
        return converter if isinstance(converter, FastTaskConverter) else None

    def convert_task(self, task: Any) -> Any:
        """`registry.convert(task)` without the generic dispatch (for exact `Task`s)."""
        registry = self.registry
        if (type(task) is Task and registry.typenames.get(Task) == self.typename
                and registry.convert_to_dict.get(self.typename) is self._registered_to):
            dct = self.to_dict(task)
            dct["typename"] = self.typename  # DictionaryConverter._obj_to_dict
            return dct
        return registry.convert(task)

    def restore_task(self, value: Any, workflow: Any) -> Any:
        """`registry.restore(value, workflow=workflow)` without the generic dispatch.

        The registry hands `from_dict` a copy of `value` without 'typename'; `from_dict` only reads
        its own keys, so it gets `value` itself.
        """
        if (type(value) is dict and "typename" in value
                and self.registry.convert_from_dict.get(value["typename"]) is self._registered_from):
            return self.from_dict(value, workflow)
        return self.registry.restore(value, workflow=workflow)

    # --- registry mirrors --------------------------------------------------------------------

    def _make_restore(self) -> Callable[[Any], Any]:
        registry_restore = self.registry.restore
        primitives = _PRIMITIVES

        def restore(value: Any) -> Any:
            kind = type(value)
            if kind in primitives:
                return value
            if kind is dict:
                if "typename" in value:
                    return registry_restore(value)
                return {k: restore(v) for k, v in value.items()}
            if kind is list:
                return [restore(v) for v in value]
            return registry_restore(value)

        return restore

    def _make_convert(self) -> Callable[[Any], Any]:
        registry = self.registry
        registry_convert = registry.convert
        typenames = registry.typenames
        primitives = _PRIMITIVES

        def convert(value: Any) -> Any:
            kind = type(value)
            if kind in typenames:
                return registry_convert(value)
            if kind in primitives:
                return value
            if kind is dict:
                return {k: convert(v) for k, v in value.items()
                        if not callable(v) and not isinstance(v, ModuleType)}
            if kind is list:
                return [convert(v) for v in value]
            return registry_convert(value)

        return convert

    # --- converter ---------------------------------------------------------------------------

    def to_dict(self, task: Task) -> dict[str, Any]:
        if not self._fast or type(task) is not Task:
            return super().to_dict(task)
        parent = task.workflow.tasks.get(task._parent)  # Task.parent
        data = task.data
        if parent is None:
            delta: dict[str, Any] = {}
        else:
            parent_data = parent.data
            if type(data) is dict and type(parent_data) is dict:
                updates = {k: v for k, v in data.items()
                           if (old := parent_data.get(k, _MISSING)) is _MISSING or v != old}
                deletions = [k for k in parent_data if k not in data]
            else:
                updates = DeepMerge.get_updated_keys(parent_data, data)
                deletions = DeepMerge.get_deleted_keys(parent_data, data)
            data = {}
            delta = {"updates": updates, "deletions": deletions}
        internal = task.internal_data
        return {
            "id": uuid_text(task.id),
            "parent": uuid_text(task._parent) if parent is not None else None,
            "children": [uuid_text(child) for child in task._children],
            "last_state_change": task.last_state_change,
            "state": task.state,
            "task_spec": task.task_spec.name,
            "triggered": task.triggered,
            "internal_data": (self.registry.convert(internal) if self.registry._encoder_mode
                              else self._convert(internal)),
            "data": data,
            "delta": delta,
        }

    def from_dict(self, dct: dict[str, Any], workflow: Any) -> Task:
        if not self._fast:
            return super().from_dict(dct, workflow)
        restore = self._restore
        task_spec = workflow.spec.task_specs.get(dct["task_spec"])
        task = self.target_class(workflow, task_spec, state=dct["state"], id=parse_uuid(dct["id"]))
        parent_id = dct["parent"]
        task._parent = parse_uuid(parent_id) if parent_id is not None else None
        task._children = [parse_uuid(child) for child in dct["children"]]
        task.last_state_change = dct["last_state_change"]
        task.triggered = dct["triggered"]
        task.internal_data = restore(dct["internal_data"])
        if isinstance(task_spec, CatchingEvent) and task.has_state(TaskState.WAITING):
            task.workflow.top_workflow.event_manager.add_task(task)

        delta = dct.get("delta")
        parent = workflow.tasks.get(task._parent)  # Task.parent
        if delta and parent is not None:
            parent_data = parent.data
            data = _inherited(parent_data) if type(parent_data) is dict else DeepMerge.merge({}, parent_data)
            updates = delta.get("updates", {})
            if type(updates) is dict and "typename" not in updates:
                for key, value in updates.items():
                    data[key] = restore(value)
            else:
                data.update(self.registry.restore(updates))
            for key in delta.get("deletions", {}):
                if key in data:
                    del data[key]
        else:
            data = restore(dct["data"])
        task.data = data
        return task

