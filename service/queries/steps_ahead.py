"""The steps still ahead of a case: the user tasks its process reaches from where it stands now if
every open step is approved, read from the pinned definition's BPMN (the step bar's 待办理).

A gateway's way forward: a flow testing `decision == "approve"` holds and one testing another
decision does not (the open steps are assumed approved); `NAME == "literal"` and a bare `NAME` are
read from the case's data when it holds NAME; any other condition (a rule check's result) cannot be
told yet. The flows that hold are taken (an exclusive gateway takes the first); else the gateway's
default flow, the way a case goes unless something else is found; else every flow that may hold.
Where nothing can be told (a step whose decisions are all alternatives, e.g. 整改 or 召回), every
branch is walked, so both alternatives are listed.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
APPROVE = "approve"
_EQUALS = re.compile(r'^\s*([A-Za-z_]\w*)\s*==\s*(["\'])(.*?)\2\s*$')
_NAME = re.compile(r"^\s*([A-Za-z_]\w*)\s*$")
# Gateways that choose among their flows; any other node takes all of its outgoing flows.
CHOOSING = {"exclusiveGateway", "inclusiveGateway"}


@dataclass
class Flow:
    id: str
    target: str
    condition: str | None


@dataclass
class Node:
    id: str
    kind: str
    name: str
    default: str | None = None
    outgoing: list[Flow] = field(default_factory=list)


def _graph(xml: str | bytes) -> dict[str, Node]:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    root = etree.fromstring(xml.encode("utf-8") if isinstance(xml, str) else xml, parser)
    nodes: dict[str, Node] = {}
    flows: list[tuple[str, Flow]] = []
    for el in root.iter(f"{{{BPMN_NS}}}*"):
        kind, el_id = etree.QName(el).localname, el.get("id")
        if not el_id:
            continue
        if kind == "sequenceFlow":
            cond = el.find(f"{{{BPMN_NS}}}conditionExpression")
            text = (cond.text or "").strip() if cond is not None else ""
            flows.append((el.get("sourceRef", ""), Flow(el_id, el.get("targetRef", ""), text or None)))
        else:
            nodes[el_id] = Node(el_id, kind, el.get("name") or "", el.get("default"))
    for source, flow in flows:
        if source in nodes:
            nodes[source].outgoing.append(flow)
    return nodes


def _holds(condition: str, data: Mapping[str, Any]) -> bool | None:
    """True / False when the condition can be told now, None when it may go either way."""
    equals = _EQUALS.match(condition)
    if equals:
        name, value = equals.group(1), equals.group(3)
        if name == "decision":
            return value == APPROVE
        return data[name] == value if name in data else None
    bare = _NAME.match(condition)
    if bare and bare.group(1) in data:
        return bool(data[bare.group(1)])
    return None


def _taken(node: Node, data: Mapping[str, Any]) -> list[Flow]:
    if node.kind not in CHOOSING:
        return node.outgoing
    conditional = [f for f in node.outgoing if f.id != node.default and f.condition]
    verdicts = [(f, _holds(f.condition or "", data)) for f in conditional]
    holding = [f for f, v in verdicts if v is True]
    if holding:
        return holding[:1] if node.kind == "exclusiveGateway" else holding
    otherwise = [f for f in node.outgoing if f not in conditional]  # the default, unconditioned flows
    maybe = [f for f, v in verdicts if v is None]
    return otherwise or maybe or node.outgoing


def steps_ahead(xml: str | bytes, active_ids: Iterable[str], data: Mapping[str, Any]) -> list[str]:
    """Names of the user tasks ahead of the active elements, nearest first, each once; the active
    tasks themselves are not ahead. Boundary events (reminders, deadlines) are not walked from."""
    nodes = _graph(xml)
    active = [i for i in active_ids if i in nodes and nodes[i].kind != "boundaryEvent"]
    seen = set(active)
    queue = deque(active)
    ahead: list[str] = []
    while queue:
        for flow in _taken(nodes[queue.popleft()], data):
            target = nodes.get(flow.target)
            if target is None or target.id in seen:
                continue
            seen.add(target.id)
            if target.kind == "userTask" and target.name not in ahead:
                ahead.append(target.name)
            queue.append(target.id)
    return ahead
