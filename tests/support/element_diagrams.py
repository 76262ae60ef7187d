"""Small one-process diagrams for the element tests: a process body in, a whole .bpmn file out,
with a shape for every flow node and an edge for every sequence flow (deploy wants BPMNDI), and
a driver that runs an instance the way the service would until nothing more can happen."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from workflows.engine import Engine, FlowError, Instance
from workflows.stall import Stall, stall_of

HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n'
        '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
        'xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" '
        'xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" '
        'xmlns:di="http://www.omg.org/spec/DD/20100524/DI" '
        'xmlns:camunda="http://camunda.org/schema/1.0/bpmn" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="defs" '
        'targetNamespace="http://bpmn.io/schema/bpmn">')
FLOW_NODES = ("task", "userTask", "manualTask", "serviceTask", "scriptTask", "businessRuleTask",
              "sendTask", "receiveTask", "subProcess", "callActivity", "transaction", "adHocSubProcess",
              "startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent",
              "boundaryEvent", "exclusiveGateway", "parallelGateway", "inclusiveGateway",
              "eventBasedGateway", "complexGateway")
_NODE = re.compile(r"<bpmn:(" + "|".join(FLOW_NODES) + r")\b[^>]*\bid=\"([^\"]+)\"")
_FLOW = re.compile(r"<bpmn:sequenceFlow\b[^>]*\bid=\"([^\"]+)\"")


def diagram(body: str, *, pid: str = "p", definitions: str = "", processes: str = "",
            lanes: str = "") -> bytes:
    """A file with process `pid` holding `body` (and `lanes` as its laneSet), `definitions`
    (messages, signals, ...) before it and other `processes` after it, all with BPMNDI."""
    process = (f'<bpmn:process id="{pid}" name="测试流程" isExecutable="true">'
               + (f'<bpmn:laneSet id="lanes">{lanes}</bpmn:laneSet>' if lanes else "")
               + body + "</bpmn:process>")
    xml = definitions + process + processes
    shapes = "".join(
        f'<bpmndi:BPMNShape id="{node_id}_di" bpmnElement="{node_id}">'
        f'<dc:Bounds x="{100 + 120 * i}" y="100" width="100" height="80"/></bpmndi:BPMNShape>'
        for i, (_, node_id) in enumerate(_NODE.findall(xml)))
    edges = "".join(
        f'<bpmndi:BPMNEdge id="{flow_id}_di" bpmnElement="{flow_id}">'
        '<di:waypoint x="0" y="0"/><di:waypoint x="10" y="0"/></bpmndi:BPMNEdge>'
        for flow_id in _FLOW.findall(xml))
    return (f'{HEAD}{xml}<bpmndi:BPMNDiagram id="diagram"><bpmndi:BPMNPlane id="plane" bpmnElement="{pid}">'
            f"{shapes}{edges}</bpmndi:BPMNPlane></bpmndi:BPMNDiagram></bpmn:definitions>").encode()


def flows(*path: str, prefix: str = "f") -> str:
    """Sequence flows along `path` (a -> b -> c), ids prefix0, prefix1, ..."""
    return "".join(f'<bpmn:sequenceFlow id="{prefix}{i}" sourceRef="{a}" targetRef="{b}"/>'
                   for i, (a, b) in enumerate(zip(path, path[1:], strict=False)))


@dataclass
class Run:
    """How an instance ended up: `completed`, `waiting` (still running with something to wait
    for after the driver gave up), `stalled` (nothing left to wait for: the service's `error`),
    or `refused` (a command the engine refused, the instance staying where it was)."""

    outcome: str
    instance: Instance
    stall: Stall | None = None
    refusal: FlowError | None = None
    steps: list[str] = field(default_factory=list)


def drive(engine: Engine, definition: Any, data: dict[str, Any], at: datetime,
          instance_id: str = "00000000-0000-4000-8000-000000000001", max_steps: int = 40) -> Run:
    """Start an instance and act as everyone would: complete each open task with its first
    decision, else fire the timers when they are due; after every command check it still waits
    for something (stall_of)."""
    instance = engine.start(definition, data, instance_id=instance_id, at=at)
    steps = ["start"]
    for _ in range(max_steps):
        if instance.status != "running":
            return Run(instance.status, instance, steps=steps)
        stall = stall_of(instance)
        if stall is not None:
            return Run("stalled", instance, stall=stall, steps=steps)
        tasks = instance.open_tasks()
        before = instance.state()
        try:
            if tasks:
                task = tasks[0]
                at += timedelta(minutes=1)
                instance.complete(task.id, decision=task.decisions[0], comment="测试意见", at=at)
                steps.append(f"complete {task.spec_id}")
                continue
            due = [t.fire_at for t in instance.pending_timers() if t.fire_at is not None]
            if not due:
                return Run("waiting", instance, steps=steps)
            at = max(at, min(due)) + timedelta(seconds=1)
            instance.fire_due_timers(at)
            steps.append("timers")
        except FlowError as err:
            # The service rolls the command back: the instance is what was stored before it.
            instance = engine.restore(definition, before, instance_id)
            return Run("refused", instance, refusal=err, steps=steps)
    return Run("waiting", instance, steps=steps)
