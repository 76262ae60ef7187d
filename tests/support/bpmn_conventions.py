"""The conventions every file in bpmn/ keeps (docs/design.md §1), as checks naming what breaks them.

bpmn/*.bpmn are the source: people edit them in a modeller (the service's /modeller page,
bpmn.io, Camunda Modeler), and nothing generates them. These checks hold an edit to the
conventions instead. Each takes a file and returns its problems, one sentence per element, and
an empty list when the file keeps the convention. tests/unit/test_bpmn_conventions.py runs them
over every file in bpmn/, and on broken copies to show that each of them can fail.

What a modeller may change freely is left alone: the order of attributes, namespaces and
attributes of its own (`modeler:`, colours), where shapes sit, as long as they do not overlap.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from lxml import etree

from workflows.definitions import load_definition
from workflows.parsing import DefinitionError
from workflows.roles import TASK_ROLES, lane_role

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
NS = {
    "bpmn": BPMN,
    "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
    "dc": "http://www.omg.org/spec/DD/20100524/DC",
    "di": "http://www.omg.org/spec/DD/20100524/DI",
    "camunda": "http://camunda.org/schema/1.0/bpmn",
}
CAMUNDA = "{" + NS["camunda"] + "}"
CJK = re.compile(r"[\u4e00-\u9fff]")
HUMAN_TASKS = ("userTask", "manualTask")
FLOW_NODES = (
    "task", "userTask", "manualTask", "serviceTask", "scriptTask", "businessRuleTask", "sendTask",
    "receiveTask", "subProcess", "callActivity", "transaction", "startEvent", "endEvent",
    "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent", "exclusiveGateway",
    "parallelGateway", "inclusiveGateway", "eventBasedGateway", "complexGateway",
)
# A step where an authority decides on a case (design.md §1: the decision vocabulary says it):
# it can refuse or order a rectification, or send the case back when it is not the cadre's own
# review (a new cadre returning a handover list to the old one is not an approval).
REFUSING = frozenset({"reject", "rectify"})
# Each approval step is chased in working days: a reminder (催办) and an escalation (督办), neither
# taking the step away.
APPROVAL_TIMER_KINDS = ("reminder", "escalation")
# A duration counts working days through its day, week, month or year part (timers.py); hours
# and minutes are exact time.
WORKING_DAY_PART = re.compile(r"^P(\d+[YMWD])+", re.IGNORECASE)

Check = Callable[[Path], list[str]]


def parse(path: Path) -> etree._ElementTree:
    return etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True))


def _local(el: etree._Element) -> str:
    return etree.QName(el).localname


def _nodes(doc: etree._ElementTree, *tags: str) -> list[etree._Element]:
    """Flow nodes of those kinds in every process, subprocesses included, in document order."""
    wanted = set(tags or FLOW_NODES)
    return [el for el in doc.iter(f"{{{BPMN}}}*") if _local(el) in wanted
            and el.xpath("ancestor::bpmn:process", namespaces=NS)]


def _props(el: etree._Element) -> dict[str, str]:
    return {p.get("name"): p.get("value") or "" for p in
            el.xpath("./bpmn:extensionElements/camunda:properties/camunda:property", namespaces=NS)}


def _csv(text: str | None) -> list[str]:
    return [part.strip() for part in (text or "").split(",") if part.strip()]


def _lanes_of(doc: etree._ElementTree, node_id: str) -> list[etree._Element]:
    """The lanes holding a node, innermost first."""
    lanes = doc.xpath(f"//bpmn:lane[bpmn:flowNodeRef[normalize-space()='{node_id}']]", namespaces=NS)
    return sorted(lanes, key=lambda lane: -len(lane.xpath("ancestor::bpmn:lane", namespaces=NS)))


def _role(doc: etree._ElementTree, task: etree._Element) -> str | None:
    """Who does a human task: its camunda:candidateGroups, else the lane that names a role."""
    groups = (task.get(f"{CAMUNDA}candidateGroups") or "").strip()
    if groups:
        return groups if groups in TASK_ROLES else None
    for lane in _lanes_of(doc, task.get("id")):
        role = lane_role(lane.get("id"), lane.get("name"))
        if role is not None:
            return role
    return None


def check_unique_ids(path: Path) -> list[str]:
    """Every id of the model and of its diagram names one element. (Form fields and enum values
    are data keys, not elements: two steps may both ask for `nominee_id`.)"""
    spaces = {NS["bpmn"], NS["bpmndi"], NS["dc"], NS["di"]}
    counts = Counter(el.get("id") for el in parse(path).iter()
                     if isinstance(el.tag, str) and etree.QName(el).namespace in spaces and el.get("id"))
    return [f"标识 {i} 用了 {n} 次" for i, n in counts.items() if n > 1]


def check_roles(path: Path) -> list[str]:
    """Every user task and manual task says which role does it (camunda:candidateGroups, or a lane
    whose id or name names the role)."""
    doc = parse(path)
    out = []
    for task in _nodes(doc, *HUMAN_TASKS):
        if _role(doc, task) is None:
            groups = task.get(f"{CAMUNDA}candidateGroups")
            why = f"角色 {groups!r} 未知" if groups else "没有 candidateGroups，所在泳道也未指明角色"
            out.append(f"{task.get('id')}: {why}")
    return out


def check_chinese_names(path: Path) -> list[str]:
    """People read the names: the process, its pool and lanes, every flow node, every named flow
    and every form field's label are Chinese."""
    doc = parse(path)
    out = []
    named = [*doc.xpath("//bpmn:process | //bpmn:participant | //bpmn:lane", namespaces=NS), *_nodes(doc)]
    for el in named:
        if not CJK.search(el.get("name") or ""):
            out.append(f"{el.get('id')}: 名称 {el.get('name')!r} 不是中文")
    for flow in doc.xpath("//bpmn:sequenceFlow[@name]", namespaces=NS):
        if flow.get("name").strip() and not CJK.search(flow.get("name")):
            out.append(f"{flow.get('id')}: 名称 {flow.get('name')!r} 不是中文")
    for field in doc.xpath("//camunda:formField", namespaces=NS):
        if not CJK.search(field.get("label") or ""):
            owner = field.xpath("ancestor::*[@id][1]")[0].get("id")
            out.append(f"{owner}.{field.get('id')}: 表单字段名称 {field.get('label')!r} 不是中文")
    return out


def is_approval(doc: etree._ElementTree, task: etree._Element) -> bool:
    decisions = set(_csv(_props(task).get("decisions")))
    return bool(decisions & REFUSING) or ("return" in decisions and _role(doc, task) != "cadre")


def _working_day_timer(event: etree._Element) -> bool:
    """A timer counted from the step's start in working days: a duration whose expression is a
    configured deadline variable (each one a day count) or a literal with a day part, and no
    `day_count` other than working."""
    (duration,) = event.xpath("./bpmn:timerEventDefinition/bpmn:timeDuration", namespaces=NS) or [None]
    if duration is None or (_props(event).get("day_count") or "working") != "working":
        return False
    text = (duration.text or "").strip()
    if text.startswith("deadline_"):
        return True
    return bool(WORKING_DAY_PART.match(text.strip("\"'")))


def check_approval_timers(path: Path) -> list[str]:
    """Every approval step carries a working-day reminder and escalation that do not interrupt it."""
    doc = parse(path)
    out = []
    for task in _nodes(doc, *HUMAN_TASKS):
        if not is_approval(doc, task):
            continue
        tid = task.get("id")
        timers = [ev for ev in _nodes(doc, "boundaryEvent") if ev.get("attachedToRef") == tid
                  and ev.get("cancelActivity") == "false" and _working_day_timer(ev)]
        kinds = {_props(ev).get("timer_kind") for ev in timers}
        missing = [kind for kind in APPROVAL_TIMER_KINDS if kind not in kinds]
        if missing:
            out.append(f"{tid}: 审批环节缺少按工作日计的{'、'.join(missing)}定时器（非中断的边界定时事件）")
    return out


def _bounds(shape: etree._Element) -> tuple[float, float, float, float] | None:
    found = shape.xpath("./dc:Bounds", namespaces=NS)
    if not found:
        return None
    b = found[0]
    return float(b.get("x")), float(b.get("y")), float(b.get("width")), float(b.get("height"))


def check_di(path: Path) -> list[str]:
    """Every flow node, lane and pool has a shape with bounds; every flow an edge of two waypoints
    or more; and the diagram shows nothing that is not in the model."""
    doc = parse(path)
    shapes = {s.get("bpmnElement"): s for s in doc.xpath("//bpmndi:BPMNShape", namespaces=NS)}
    edges = {e.get("bpmnElement"): e for e in doc.xpath("//bpmndi:BPMNEdge", namespaces=NS)}
    ids = {el.get("id") for el in doc.xpath("//bpmn:*[@id]", namespaces=NS)}
    out = []
    for el in [*_nodes(doc), *doc.xpath("//bpmn:lane | //bpmn:participant", namespaces=NS)]:
        shape = shapes.get(el.get("id"))
        box = _bounds(shape) if shape is not None else None
        if box is None or box[2] <= 0 or box[3] <= 0:
            out.append(f"{el.get('id')}: 缺少图形（BPMNShape 及其 Bounds）")
    for flow in doc.xpath("//bpmn:sequenceFlow | //bpmn:messageFlow", namespaces=NS):
        edge = edges.get(flow.get("id"))
        if edge is None or len(edge.xpath("./di:waypoint", namespaces=NS)) < 2:
            out.append(f"{flow.get('id')}: 缺少连线（BPMNEdge 及至少两个 waypoint）")
    for element in sorted(set(shapes) | set(edges), key=str):
        if element not in ids:
            out.append(f"{element}: 图中的图形或连线所指的元素不存在")
    return out


def _overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    """The insides meet (shapes that only touch do not overlap)."""
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def check_no_overlaps(path: Path) -> list[str]:
    """No two flow nodes are drawn over each other. A boundary event sits on its task's border (its
    centre on the border line), and a node drawn inside its subprocess is where it belongs."""
    doc = parse(path)
    boxes: dict[str, tuple[float, float, float, float]] = {}
    for shape in doc.xpath("//bpmndi:BPMNShape", namespaces=NS):
        box = _bounds(shape)
        if box is not None:
            boxes[shape.get("bpmnElement")] = box
    nodes = [n for n in _nodes(doc) if n.get("id") in boxes]
    containers = {n.get("id"): {c.get("id") for c in n.iter(f"{{{BPMN}}}*") if c is not n}
                  for n in nodes if _local(n) in ("subProcess", "transaction")}
    out = []
    for i, a in enumerate(nodes):
        for b in nodes[i + 1:]:
            ida, idb = a.get("id"), b.get("id")
            if {ida, idb} & {x.get("attachedToRef") for x in (a, b)}:
                continue  # a boundary event on its own task
            if idb in containers.get(ida, ()) or ida in containers.get(idb, ()):
                continue
            if _overlap(boxes[ida], boxes[idb]):
                out.append(f"{ida} 与 {idb} 的图形重叠")
    for ev in _nodes(doc, "boundaryEvent"):
        host = boxes.get(ev.get("attachedToRef") or "")
        box = boxes.get(ev.get("id"))
        if host is None or box is None:
            continue
        cx, cy = box[0] + box[2] / 2, box[1] + box[3] / 2
        x, y, w, h = host
        on_edge = ((x - 1 <= cx <= x + w + 1 and (abs(cy - y) <= 1 or abs(cy - y - h) <= 1))
                   or (y - 1 <= cy <= y + h + 1 and (abs(cx - x) <= 1 or abs(cx - x - w) <= 1)))
        if not on_edge:
            out.append(f"{ev.get('id')}: 边界事件未画在所附环节 {ev.get('attachedToRef')} 的边框上")
    return out


def _decision_gateways(path: Path) -> set[str]:
    """Exclusive and inclusive gateways with a condition on every exit and no default one."""
    doc = parse(path)
    found = set()
    for gw in _nodes(doc, "exclusiveGateway", "inclusiveGateway"):
        exits = doc.xpath(f"//bpmn:sequenceFlow[@sourceRef='{gw.get('id')}']", namespaces=NS)
        if len(exits) > 1 and not gw.get("default") and all(
                f.find(f"{{{BPMN}}}conditionExpression") is not None for f in exits):
            found.add(gw.get("id"))
    return found


def check_deploys_cleanly(path: Path) -> list[str]:
    """The service's own parser deploys the file as it is, as the process its name says, with
    nothing filled in for it: no warning but one. A gateway after a decision has one exit per
    decision the step allows, each with its condition and none the default, so that a decision
    no exit takes is refused (422) rather than sent down a guessed path; the deploy's notice
    about such a gateway is advice for diagrams drawn elsewhere, not a default filled in."""
    try:
        definition = load_definition({path.name: path.read_bytes()})
    except DefinitionError as err:
        return [f"部署被拒绝：{err}"]
    gateways = _decision_gateways(path)
    out = [f"部署提示：{warning}" for warning in definition.warnings
           if not any(re.search(rf"\b{re.escape(gw)}[（：]", warning) for gw in gateways)]
    if definition.key != path.stem:
        out.append(f"流程标识 {definition.key} 与文件名 {path.name} 不符")
    return out


CHECKS: dict[str, Check] = {
    "unique_ids": check_unique_ids,
    "roles": check_roles,
    "chinese_names": check_chinese_names,
    "approval_timers": check_approval_timers,
    "di": check_di,
    "no_overlaps": check_no_overlaps,
    "deploys_cleanly": check_deploys_cleanly,
}


def problems(path: Path) -> dict[str, list[str]]:
    """Every convention the file breaks, with its problems."""
    found = {name: check(path) for name, check in CHECKS.items()}
    return {name: listed for name, listed in found.items() if listed}
