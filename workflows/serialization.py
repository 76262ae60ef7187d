"""Instance state without the spec, restored against the cached parsed spec; state hashes.

The stock serializer embeds the whole spec (most of every dump). We store the spec once per
definition version and the instance state without it: our workflow converter leaves `spec` and
`subprocess_specs` out and, on restore, takes them from the caller (the definition cache).
The registry also knows our timer classes, so even a full dump restores our timers rather than
silently falling back to the stock (wall-clock) ones. Tasks go through FastTaskConverter
(task_converter.py): byte-identical dumps and equivalent restored tasks, only faster.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.event_definition import TimerConditionalEventDefinitionConverter
from SpiffWorkflow.bpmn.serializer.default.task_spec import BpmnTaskSpecConverter
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter
from SpiffWorkflow.bpmn.serializer.workflow import VERSION
from SpiffWorkflow.camunda.serializer.config import CAMUNDA_CONFIG
from SpiffWorkflow.task import Task

from .canonical import canonical_bytes
from .parsing import PassThroughTask
from .task_converter import FastTaskConverter, parse_uuid, uuid_text
from .timer_converter import DayCountTimerConverter
from .timers import ClockTimeDateTimer, WorkingCycleTimer, WorkingDurationTimer

STATE_FORMAT = "cadreflow-state-1"


class StatelessSpecWorkflowConverter(BpmnWorkflowConverter):
    def mapping_to_dict(self, mapping: dict[Any, Any], **kwargs: Any) -> dict[str, Any]:
        # The stock mapping_to_dict (task and subprocess mappings), with memoised UUID text and
        # tasks converted without the registry's generic dispatch (task_converter.py).
        tasks = FastTaskConverter.of(self.registry)
        if tasks is None or kwargs:
            return super().mapping_to_dict(mapping, **kwargs)
        convert = self.registry.convert
        return {uuid_text(k): tasks.convert_task(v) if type(v) is Task else convert(v)
                for k, v in mapping.items()}

    def mapping_from_dict(self, mapping: dict[Any, Any], key_class: Any = None,
                          **kwargs: Any) -> dict[Any, Any]:
        # The stock mapping_from_dict, with memoised UUID parsing and tasks restored without the
        # registry's generic dispatch (task_converter.py).
        if key_class is UUID:
            key_class = parse_uuid
        tasks = FastTaskConverter.of(self.registry)
        if tasks is None or key_class is None or list(kwargs) != ["workflow"]:
            return super().mapping_from_dict(mapping, key_class, **kwargs)
        workflow = kwargs["workflow"]
        return {key_class(k): tasks.restore_task(v, workflow) for k, v in mapping.items()}

    def to_dict(self, workflow: BpmnWorkflow) -> dict[str, Any]:
        dct = super(BpmnWorkflowConverter, self).to_dict(workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(self, dct: dict[str, Any], spec: Any = None, subprocess_specs: Any = None) -> BpmnWorkflow:
        if spec is None:
            spec = self.registry.restore(dct.pop("spec"))
            subprocess_specs = self.mapping_from_dict(dct.pop("subprocess_specs", {}))
        dct.pop("spec", None)
        dct.pop("subprocess_specs", None)
        workflow = self.target_class(spec, subprocess_specs or {}, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


SPEC_CONFIG = {
    **CAMUNDA_CONFIG,
    WorkingDurationTimer: DayCountTimerConverter,
    ClockTimeDateTimer: TimerConditionalEventDefinitionConverter,
    WorkingCycleTimer: DayCountTimerConverter,
    PassThroughTask: BpmnTaskSpecConverter,
    Task: FastTaskConverter,  # the stock TaskConverter's dicts and tasks, in fewer steps
}
# Full dumps (spec included) with our classes: used for spec round trips and diagnostics.
full_serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPEC_CONFIG))
_state_registry = BpmnWorkflowSerializer.configure(
    {**SPEC_CONFIG, BpmnWorkflow: StatelessSpecWorkflowConverter})


def dump_state(workflow: BpmnWorkflow) -> dict[str, Any]:
    """JSON-able state of an instance, without spec/subprocess_specs."""
    dct = _state_registry.convert(workflow)
    dct["serializer_version"] = VERSION
    dct["format"] = STATE_FORMAT
    return dct


def _consumable_copy(state: dict[str, Any]) -> dict[str, Any]:
    """A copy of `state` that the converters may consume, without deep-copying all of it.

    The registry copies every typed dict before popping from it and rebuilds plain dicts and
    lists, so the input is only mutated where a converter pops from (or keeps) an untyped
    container: the top level, `subprocesses` (popped per subprocess) and `correlations` (kept
    as the workflow's own dict). Those are copied; the task mapping is only read.
    """
    dct = dict(state)
    for key in ("subprocesses", "correlations"):
        if key in dct:
            dct[key] = json.loads(json.dumps(dct[key]))
    return dct


def restore_state(state: dict[str, Any], spec: Any, subprocess_specs: dict[str, Any]) -> BpmnWorkflow:
    dct = _consumable_copy(state)
    if dct.pop("format", STATE_FORMAT) != STATE_FORMAT:
        raise ValueError("未知的实例状态格式")
    version = dct.pop("serializer_version", VERSION)
    if version != VERSION:
        raise ValueError(f"实例状态的序列化版本 {version} 与引擎 {VERSION} 不符")
    return _state_registry.restore(dct, spec=spec, subprocess_specs=subprocess_specs)


def canonical_json(obj: Any) -> str:
    return canonical_bytes(obj).decode("utf-8")


def state_hash(state: dict[str, Any]) -> str:
    return bytes_hash(canonical_bytes(state))


def bytes_hash(canonical: bytes) -> str:
    """The state hash of a state whose canonical JSON is `canonical`."""
    return "sha256:" + hashlib.sha256(canonical).hexdigest()
