"""Compact description -> BPMN 2.0 XML with BPMNDI (lanes as horizontal bands, nodes on a grid).

The three processes in bpmn/ are generated from tools/build_bpmn.py with this module so that the
semantics (ids, roles, timers, conditions) and the diagram (shapes, edges, labels) never drift
apart, and so that a reviewer reads ~300 lines of Python instead of ~2,000 lines of XML. The XML is
committed; Camunda Modeler / bpmn.io can open and re-save it (every attribute we use is either
BPMN 2.0 or a Camunda extension the modeler knows).

Geometry conventions (all in diagram pixels):
* lanes are horizontal bands stacked top to bottom inside one pool (participant);
* a node sits in column ``col`` (x centre = X0 + col * COL_W) and at a named row of its lane
  (``top`` for ends of interrupting boundary events, ``main`` for the flow, ``bottom`` for the
  ends of reminder/escalation timers) or at a numeric offset from the lane top;
* boundary events sit centred on the bottom border of their task (reminder left, escalation right)
  or on the top border (interrupting message/deadline events);
* edges are orthogonal polylines that start and end on a shape border; a flow either takes the
  automatic L-shaped route or is given explicit bend points.

Only the standard library and lxml are used (tools/ must not depend on the application).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from lxml import etree

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
BPMNDI_NS = "http://www.omg.org/spec/BPMN/20100524/DI"
DC_NS = "http://www.omg.org/spec/DD/20100524/DC"
DI_NS = "http://www.omg.org/spec/DD/20100524/DI"
CAMUNDA_NS = "http://camunda.org/schema/1.0/bpmn"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
NSMAP = {"bpmn": BPMN_NS, "bpmndi": BPMNDI_NS, "dc": DC_NS, "di": DI_NS, "camunda": CAMUNDA_NS,
         "xsi": XSI_NS}

# Grid and shape sizes. Tasks are a little wider than bpmn.io's 100 px default so that two
# boundary timers plus an interrupting event fit on one task without overlapping.
POOL_X = 150
POOL_LABEL_W = 30
LANE_X = POOL_X + POOL_LABEL_W
X0 = LANE_X + 110
COL_W = 180
TASK_W, TASK_H = 120, 80
EVENT_D = 36
GATEWAY_D = 50
ROWS = {"top": 45, "main": 130, "bottom": 222}
DEFAULT_LANE_H = 270
BOUNDARY_DX = 35  # horizontal offset of a boundary event from its task's centre

Point = tuple[float, float]


def _q(ns: str, tag: str) -> str:
    return f"{{{ns}}}{tag}"


@dataclass
class FormField:
    id: str
    label: str
    type: str = "string"  # string | long | boolean | date | enum
    required: bool = True
    options: Sequence[tuple[str, str]] = ()  # (value id, Chinese name) for enum
    multiline: bool = False  # a long text (a report): the pages give it a text area


@dataclass
class Node:
    id: str
    kind: str  # start | end | user | script | xor | and | boundary | catch (intermediate timer)
    name: str
    lane: str
    col: float
    row: str | float = "main"
    # user task
    role: str | None = None
    decisions: str | None = None
    decision_labels: str | None = None  # "approve:予以备案,reject:不予备案": the step's own words
    scope: str | None = None
    comment_required: str | None = None
    form: Sequence[FormField] = ()
    # script task
    script: str | None = None
    # events
    message: str | None = None  # message name (start/end/boundary)
    payload: str | None = None  # camunda:expression of a throwing message end event
    timer: str | None = None  # variable holding the ISO duration, or a quoted literal (catch)
    # "duration" (timeDuration) or "date" (timeDate: the variable holds an aware ISO date-time)
    timer_type: str = "duration"
    timer_kind: str | None = None
    day_count: str | None = None  # "calendar" for calendar-day timers (default: working days)
    start_roles: str | None = None  # start event: roles besides its lane's that may start (service)
    notify: str | None = None
    attached_to: str | None = None
    interrupting: bool = True
    side: str = "bottom"  # border of the task a boundary event sits on
    slot: int = 0  # -1 left, 0 centre, +1 right along that border
    default: str | None = None  # id of the default outgoing flow (gateways)
    # below | right | left: where an event's name goes (beside it when an edge arrives from below)
    label_pos: str = "below"
    documentation: str | None = None

    @property
    def size(self) -> tuple[float, float]:
        if self.kind in ("user", "script"):
            return TASK_W, TASK_H
        if self.kind in ("xor", "and"):
            return GATEWAY_D, GATEWAY_D
        return EVENT_D, EVENT_D


@dataclass
class Flow:
    id: str
    source: str
    target: str
    name: str | None = None
    condition: str | None = None
    exit: str | None = None  # t | b | l | r : which border of the source the edge leaves by
    enter: str | None = None  # t | b | l | r : which border of the target it arrives at
    via: Sequence[tuple[float | None, float | None]] = ()  # bend points; None = keep previous


@dataclass
class Process:
    id: str
    name: str
    participant_name: str
    lanes: Sequence[tuple[str, str]]  # (role, Chinese lane name), top to bottom
    lane_heights: dict[str, float] = field(default_factory=dict)
    documentation: str | None = None
    nodes: list[Node] = field(default_factory=list)
    flows: list[Flow] = field(default_factory=list)
    messages: dict[str, str] = field(default_factory=dict)  # message name -> id

    # ----- description helpers -------------------------------------------------------------
    def add(self, node: Node) -> Node:
        if any(n.id == node.id for n in self.nodes):
            raise ValueError(f"duplicate node id {node.id}")
        if node.message and node.message not in self.messages:
            self.messages[node.message] = f"message_{node.message}"
        self.nodes.append(node)
        return node

    def flow(self, source: str, target: str, name: str | None = None, condition: str | None = None,
             *, default: bool = False, exit: str | None = None, enter: str | None = None,
             via: Sequence[tuple[float | None, float | None]] = (), fid: str | None = None) -> Flow:
        fid = fid or f"flow_{source}_to_{target}"
        if any(f.id == fid for f in self.flows):
            raise ValueError(f"duplicate flow id {fid}")
        flow = Flow(fid, source, target, name, condition, exit, enter, via)
        self.flows.append(flow)
        if default:
            self.node(source).default = fid
        return flow

    def node(self, node_id: str) -> Node:
        for n in self.nodes:
            if n.id == node_id:
                return n
        raise KeyError(node_id)

    # ----- geometry --------------------------------------------------------------------------
    def lane_top(self, role: str) -> float:
        y = 80.0
        for r, _ in self.lanes:
            if r == role:
                return y
            y += self.lane_heights.get(r, DEFAULT_LANE_H)
        raise KeyError(role)

    def lane_height(self, role: str) -> float:
        return self.lane_heights.get(role, DEFAULT_LANE_H)

    def x(self, col: float) -> float:
        return X0 + col * COL_W

    def y(self, role: str, row: str | float = "main") -> float:
        off = ROWS[row] if isinstance(row, str) else row
        return self.lane_top(role) + off

    def center(self, node: Node) -> Point:
        if node.kind == "boundary":
            task = self.node(node.attached_to or "")
            tx, ty = self.center(task)
            w, h = task.size
            cy = ty + h / 2 if node.side == "bottom" else ty - h / 2
            return tx + node.slot * BOUNDARY_DX, cy
        return self.x(node.col), self.y(node.lane, node.row)

    def bounds(self, node: Node) -> tuple[float, float, float, float]:
        cx, cy = self.center(node)
        w, h = node.size
        return cx - w / 2, cy - h / 2, w, h

    def port(self, node: Node, side: str) -> Point:
        x, y, w, h = self.bounds(node)
        return {"t": (x + w / 2, y), "b": (x + w / 2, y + h), "l": (x, y + h / 2),
                "r": (x + w, y + h / 2)}[side]

    def width(self) -> float:
        right = max(self.bounds(n)[0] + self.bounds(n)[2] for n in self.nodes)
        return right + 80 - POOL_X

    def height(self) -> float:
        return sum(self.lane_height(r) for r, _ in self.lanes)

    def route(self, flow: Flow) -> list[Point]:
        """Orthogonal waypoints from a border of the source to a border of the target."""
        src, tgt = self.node(flow.source), self.node(flow.target)
        (sx, sy), (tx, ty) = self.center(src), self.center(tgt)
        exit_side = flow.exit
        if exit_side is None:
            if src.kind == "boundary":
                exit_side = "b" if src.side == "bottom" else "t"
            elif abs(sy - ty) < 0.5:
                exit_side = "r"
            elif src.kind in ("xor", "and"):
                exit_side = "b" if ty > sy else "t"
            else:
                exit_side = "r"
        start = self.port(src, exit_side)
        enter_side = flow.enter
        if enter_side is None and flow.via:
            # With explicit bend points the last leg is usually horizontal into the left side.
            lx = flow.via[-1][0] if flow.via[-1][0] is not None else start[0]
            enter_side = "l" if tx - tgt.size[0] / 2 > lx else ("t" if ty > sy else "b")
        if enter_side is None:
            if abs(start[1] - ty) < 0.5 and tx > start[0]:
                enter_side = "l"
            elif abs(tx - start[0]) < 0.5:  # straight above or below: no bend at all
                enter_side = "t" if ty > start[1] else "b"
            elif exit_side in ("t", "b") and tx > sx:
                enter_side = "l"
            else:
                enter_side = "t" if ty > sy else "b"
        end = self.port(tgt, enter_side)
        points: list[Point] = [start]
        for vx, vy in flow.via:
            px, py = points[-1]
            points.append((px if vx is None else vx, py if vy is None else vy))
        px, py = points[-1]
        if enter_side in ("l", "r"):
            if abs(py - end[1]) > 0.5:
                points.append((px, end[1]))
        elif abs(px - end[0]) > 0.5:
            points.append((end[0], py))
        points.append(end)
        return _dedupe(points)

    # ----- XML -------------------------------------------------------------------------------
    def to_xml(self) -> bytes:
        self.check()
        defs = etree.Element(_q(BPMN_NS, "definitions"), nsmap=NSMAP)
        defs.set("id", f"definitions_{self.id}")
        defs.set("targetNamespace", f"http://cadreflow.example/bpmn/{self.id}")
        defs.set("exporter", "cadreflow tools/bpmn_layout.py")
        defs.set("exporterVersion", "1")

        collab = etree.SubElement(defs, _q(BPMN_NS, "collaboration"), id=f"collaboration_{self.id}")
        etree.SubElement(collab, _q(BPMN_NS, "participant"), id=f"participant_{self.id}",
                         name=self.participant_name, processRef=self.id)
        for name, mid in self.messages.items():
            etree.SubElement(defs, _q(BPMN_NS, "message"), id=mid, name=name)

        proc = etree.SubElement(defs, _q(BPMN_NS, "process"), id=self.id, name=self.name,
                                isExecutable="true")
        if self.documentation:
            etree.SubElement(proc, _q(BPMN_NS, "documentation")).text = self.documentation
        lane_set = etree.SubElement(proc, _q(BPMN_NS, "laneSet"), id=f"lane_set_{self.id}")
        for role, lname in self.lanes:
            lane = etree.SubElement(lane_set, _q(BPMN_NS, "lane"), id=f"lane_{role}", name=lname)
            for n in self.nodes:
                if n.lane == role:
                    etree.SubElement(lane, _q(BPMN_NS, "flowNodeRef")).text = n.id
        for n in self.nodes:
            self._node_xml(proc, n)
        for f in self.flows:
            el = etree.SubElement(proc, _q(BPMN_NS, "sequenceFlow"), id=f.id, sourceRef=f.source,
                                  targetRef=f.target)
            if f.name:
                el.set("name", f.name)
            if f.condition:
                cond = etree.SubElement(el, _q(BPMN_NS, "conditionExpression"))
                cond.set(_q(XSI_NS, "type"), "bpmn:tFormalExpression")
                cond.text = f.condition
        self._di_xml(defs)
        etree.indent(defs, space="  ")
        return etree.tostring(defs, xml_declaration=True, encoding="UTF-8", pretty_print=True)

    def _node_xml(self, proc: etree._Element, n: Node) -> None:
        tag = {"start": "startEvent", "end": "endEvent", "user": "userTask", "script": "scriptTask",
               "xor": "exclusiveGateway", "and": "parallelGateway", "boundary": "boundaryEvent",
               "catch": "intermediateCatchEvent"}[n.kind]
        el = etree.SubElement(proc, _q(BPMN_NS, tag), id=n.id, name=n.name)
        if n.documentation:
            etree.SubElement(el, _q(BPMN_NS, "documentation")).text = n.documentation
        props: list[tuple[str, str]] = []
        if n.kind == "user":
            el.set(_q(CAMUNDA_NS, "candidateGroups"), n.role or "")
            props += [("decisions", n.decisions or ""), ("scope", n.scope or "")]
            if n.decision_labels:
                props.append(("decision_labels", n.decision_labels))
            if n.comment_required is not None:
                props.append(("comment_required", n.comment_required))
        if n.kind == "boundary" and n.timer:
            props += [("timer_kind", n.timer_kind or ""), ("notify", n.notify or "")]
        if n.kind == "catch" and n.timer_kind:
            props += [("timer_kind", n.timer_kind), ("notify", n.notify or "")]
        if n.timer and n.day_count:
            props.append(("day_count", n.day_count))
        if n.kind == "start" and n.start_roles:
            props.append(("start_roles", n.start_roles))
        if props or n.form:
            ext = etree.SubElement(el, _q(BPMN_NS, "extensionElements"))
            if n.form:
                fd = etree.SubElement(ext, _q(CAMUNDA_NS, "formData"))
                for ff in n.form:
                    fe = etree.SubElement(fd, _q(CAMUNDA_NS, "formField"), id=ff.id, label=ff.label,
                                          type=ff.type)
                    if ff.multiline:
                        fp = etree.SubElement(fe, _q(CAMUNDA_NS, "properties"))
                        etree.SubElement(fp, _q(CAMUNDA_NS, "property"), id="multiline", value="true")
                    for value_id, value_name in ff.options:
                        etree.SubElement(fe, _q(CAMUNDA_NS, "value"), id=value_id, name=value_name)
                    if ff.required:
                        val = etree.SubElement(fe, _q(CAMUNDA_NS, "validation"))
                        etree.SubElement(val, _q(CAMUNDA_NS, "constraint"), name="required")
            if props:
                pe = etree.SubElement(ext, _q(CAMUNDA_NS, "properties"))
                for k, v in props:
                    etree.SubElement(pe, _q(CAMUNDA_NS, "property"), name=k, value=v)
        for f in self.flows:
            if f.target == n.id:
                etree.SubElement(el, _q(BPMN_NS, "incoming")).text = f.id
        for f in self.flows:
            if f.source == n.id:
                etree.SubElement(el, _q(BPMN_NS, "outgoing")).text = f.id
        if n.kind == "script":
            el.set("scriptFormat", "python")
            etree.SubElement(el, _q(BPMN_NS, "script")).text = n.script
        if n.kind in ("xor",) and n.default:
            el.set("default", n.default)
        if n.kind == "boundary":
            el.set("attachedToRef", n.attached_to or "")
            el.set("cancelActivity", "true" if n.interrupting else "false")
        if n.message:
            med = etree.SubElement(el, _q(BPMN_NS, "messageEventDefinition"),
                                   id=f"{n.id}_message", messageRef=self.messages[n.message])
            if n.payload:
                # Camunda's throw-side message expression: SpiffWorkflow's CamundaParser evaluates it
                # into the thrown event's payload (plain BpmnParser throws the whole task data).
                med.set(_q(CAMUNDA_NS, "expression"), n.payload)
        if n.timer:
            ted = etree.SubElement(el, _q(BPMN_NS, "timerEventDefinition"), id=f"{n.id}_timer")
            tag = {"duration": "timeDuration", "date": "timeDate"}[n.timer_type]
            dur = etree.SubElement(ted, _q(BPMN_NS, tag))
            dur.set(_q(XSI_NS, "type"), "bpmn:tFormalExpression")
            dur.text = n.timer

    def _di_xml(self, defs: etree._Element) -> None:
        diagram = etree.SubElement(defs, _q(BPMNDI_NS, "BPMNDiagram"), id=f"diagram_{self.id}")
        plane = etree.SubElement(diagram, _q(BPMNDI_NS, "BPMNPlane"), id=f"plane_{self.id}",
                                 bpmnElement=f"collaboration_{self.id}")
        pool_y, total_h = 80.0, self.height()
        _shape(plane, f"participant_{self.id}", (POOL_X, pool_y, self.width(), total_h), horizontal=True)
        for role, _ in self.lanes:
            _shape(plane, f"lane_{role}",
                   (LANE_X, self.lane_top(role), self.width() - POOL_LABEL_W, self.lane_height(role)),
                   horizontal=True)
        for n in self.nodes:
            label = None
            if n.kind not in ("user", "script"):
                label = self.label_bounds(n)
            _shape(plane, n.id, self.bounds(n), label=label, marker=n.kind == "xor")
        for f in self.flows:
            edge = etree.SubElement(plane, _q(BPMNDI_NS, "BPMNEdge"), id=f"{f.id}_di", bpmnElement=f.id)
            pts = self.route(f)
            for px, py in pts:
                etree.SubElement(edge, _q(DI_NS, "waypoint"), x=_n(px), y=_n(py))
            if f.name:
                _label(edge, self.edge_label_bounds(f.name, pts))

    # ----- labels ----------------------------------------------------------------------------
    def label_bounds(self, n: Node) -> tuple[float, float, float, float]:
        x, y, w, h = self.bounds(n)
        lw, lh = _text_box(n.name)
        cx = x + w / 2
        if n.kind == "boundary":
            # Next to the edge that leaves the boundary event, on the side away from the task's
            # centre, so that neither the edge nor the neighbouring timer covers it.
            if n.side == "top":  # the edge turns right above the task: keep the left free side
                return x - lw - 2, y - lh - 2, lw, lh
            return (x - lw - 2 if n.slot < 0 else x + w + 2), y + h + 2, lw, lh
        if n.kind in ("xor", "and"):
            # Above-left of the diamond: flows leave by the top, right and bottom corners and
            # arrive at the left one, so this quadrant is the one that stays free.
            return cx - lw - 6, y - lh + 6, lw, lh
        if n.label_pos == "right":
            return x + w + 4, y + h / 2 - lh / 2, lw, lh
        if n.label_pos == "left":
            return x - lw - 4, y + h / 2 - lh / 2, lw, lh
        return cx - lw / 2, y + h + 4, lw, lh

    def edge_label_bounds(self, text: str, pts: list[Point]) -> tuple[float, float, float, float]:
        lw, lh = _text_box(text)
        (x0, y0), (x1, y1) = pts[0], pts[1]
        if abs(x0 - x1) < 0.5:  # vertical first segment: label to its right
            ly = y0 + 4 if y1 > y0 else y0 - lh - 4
            return x0 + 5, ly, lw, lh
        return (x0 + 4 if x1 > x0 else x0 - lw - 4), y0 - lh - 3, lw, lh

    # ----- consistency -----------------------------------------------------------------------
    def check(self) -> None:
        ids = [n.id for n in self.nodes] + [f.id for f in self.flows]
        dup = {i for i in ids if ids.count(i) > 1}
        if dup:
            raise ValueError(f"duplicate ids: {sorted(dup)}")
        known = {n.id for n in self.nodes}
        for f in self.flows:
            if f.source not in known or f.target not in known:
                raise ValueError(f"flow {f.id} refers to an unknown node")
        roles = {r for r, _ in self.lanes}
        for n in self.nodes:
            if n.lane not in roles:
                raise ValueError(f"{n.id}: unknown lane {n.lane}")


def _n(v: float) -> str:
    v = round(float(v), 1)  # grid arithmetic with fractional columns leaves float noise
    return str(int(v)) if v.is_integer() else f"{v:.1f}"


def _text_box(text: str) -> tuple[float, float]:
    # Chinese glyphs are ~12 px wide at bpmn.io's 11-12 px label font; wrap at 7 glyphs.
    units = sum(1.0 if ord(c) > 0x2E80 else 0.6 for c in text)
    per_line = 7.0
    lines = max(1, math.ceil(units / per_line))
    width = min(units, per_line) * 12 + 6
    return round(width), 14 * lines


def _shape(plane: etree._Element, element: str, b: tuple[float, float, float, float], *,
           horizontal: bool = False, label: tuple[float, float, float, float] | None = None,
           marker: bool = False) -> None:
    shape = etree.SubElement(plane, _q(BPMNDI_NS, "BPMNShape"), id=f"{element}_di", bpmnElement=element)
    if horizontal:
        shape.set("isHorizontal", "true")
    if marker:
        shape.set("isMarkerVisible", "true")
    x, y, w, h = b
    etree.SubElement(shape, _q(DC_NS, "Bounds"), x=_n(x), y=_n(y), width=_n(w), height=_n(h))
    if label is not None:
        _label(shape, label)


def _label(parent: etree._Element, b: tuple[float, float, float, float]) -> None:
    lab = etree.SubElement(parent, _q(BPMNDI_NS, "BPMNLabel"))
    x, y, w, h = b
    etree.SubElement(lab, _q(DC_NS, "Bounds"), x=_n(x), y=_n(y), width=_n(w), height=_n(h))


def _dedupe(points: Iterable[Point]) -> list[Point]:
    out: list[Point] = []
    for p in points:
        if not out or abs(out[-1][0] - p[0]) > 0.5 or abs(out[-1][1] - p[1]) > 0.5:
            out.append(p)
    # Drop collinear middle points so that bpmn.io does not show superfluous bend handles.
    i = 1
    while i < len(out) - 1:
        (ax, ay), (bx, by), (cx, cy) = out[i - 1], out[i], out[i + 1]
        if (abs(ax - bx) < 0.5 and abs(bx - cx) < 0.5) or (abs(ay - by) < 0.5 and abs(by - cy) < 0.5):
            out.pop(i)
        else:
            i += 1
    return out


def svg_preview(proc: Process) -> str:
    """A rough SVG of the DI for eyeballing the layout without a browser (not used at run time)."""
    w, h = proc.width() + POOL_X + 40, proc.height() + 160
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w:.0f}" height="{h:.0f}" '
           'font-family="Noto Sans CJK SC, sans-serif" font-size="11">',
           f'<rect width="{w:.0f}" height="{h:.0f}" fill="white"/>']
    for role, lname in proc.lanes:
        y = proc.lane_top(role)
        out.append(f'<rect x="{LANE_X}" y="{y}" width="{proc.width() - POOL_LABEL_W}" '
                   f'height="{proc.lane_height(role)}" fill="none" stroke="#999"/>')
        out.append(f'<text x="{LANE_X + 4}" y="{y + 14}">{lname}</text>')
    for f in proc.flows:
        pts = " ".join(f"{x},{y}" for x, y in proc.route(f))
        out.append(f'<polyline points="{pts}" fill="none" stroke="#333"/>')
        x, y = proc.route(f)[-1]
        out.append(f'<circle cx="{x}" cy="{y}" r="3" fill="#333"/>')
        if f.name:
            lx, ly, _, lh = proc.edge_label_bounds(f.name, proc.route(f))
            out.append(f'<text x="{lx}" y="{ly + lh - 3}" fill="#06c">{f.name}</text>')
    for n in proc.nodes:
        x, y, bw, bh = proc.bounds(n)
        if n.kind in ("user", "script"):
            out.append(f'<rect x="{x}" y="{y}" width="{bw}" height="{bh}" rx="8" fill="#fff" stroke="#000"/>')
            out.append(f'<text x="{x + 4}" y="{y + 44}">{n.name}</text>')
        elif n.kind in ("xor", "and"):
            cx, cy = x + bw / 2, y + bh / 2
            out.append(f'<polygon points="{cx},{y} {x + bw},{cy} {cx},{y + bh} {x},{cy}" fill="#fff" '
                       'stroke="#000"/>')
        else:
            colour = {"start": "#0a0", "end": "#c00", "boundary": "#e80", "catch": "#e80"}[n.kind]
            out.append(f'<circle cx="{x + bw / 2}" cy="{y + bh / 2}" r="{bw / 2}" fill="#fff" '
                       f'stroke="{colour}" stroke-width="2"/>')
        if n.kind not in ("user", "script"):
            lx, ly, _, lh = proc.label_bounds(n)
            out.append(f'<text x="{lx}" y="{ly + 11}" fill="#555">{n.name}</text>')
    out.append("</svg>")
    return "\n".join(out)
