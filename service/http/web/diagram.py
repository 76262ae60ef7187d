"""The BPMN diagram as server-rendered SVG, drawn from the definition's own BPMNDI.

Why not bpmn-js: it is an npm package whose assets would have to be fetched and bundled at setup,
and this service is installed and run without network access (pip only). The BPMNDI already holds
every shape's dc:Bounds and every edge's di:waypoint (tools/build_bpmn.py writes them for every
node and flow), so drawing rectangles, circles, diamonds and polylines from them is enough for an
office browser, needs no JavaScript, and highlights completed and active elements with CSS classes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from html import escape

from lxml import etree
from markupsafe import Markup

NS = {
    "bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
    "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
    "dc": "http://www.omg.org/spec/DD/20100524/DC",
    "di": "http://www.omg.org/spec/DD/20100524/DI",
}
TASKS = {"task", "userTask", "scriptTask", "serviceTask", "manualTask", "sendTask", "receiveTask",
         "businessRuleTask", "callActivity", "subProcess"}
GATEWAY_MARKS = {"exclusiveGateway": "×", "parallelGateway": "+", "inclusiveGateway": "○",
                 "eventBasedGateway": "◇"}
FONT = 12

@dataclass
class Element:
    id: str
    kind: str
    name: str
    source: str | None = None
    target: str | None = None
    cancels: bool = True
    markers: set[str] = field(default_factory=set)


def _local(tag: str) -> str:
    return etree.QName(tag).localname


def _elements(root: etree._Element) -> dict[str, Element]:
    out: dict[str, Element] = {}
    for node in root.iter():
        if not isinstance(node.tag, str) or not node.get("id") or etree.QName(node).namespace != NS["bpmn"]:
            continue
        el = Element(node.get("id"), _local(node.tag), node.get("name") or "", node.get("sourceRef"),
                     node.get("targetRef"), node.get("cancelActivity") != "false")
        el.markers = {_local(c.tag) for c in node if isinstance(c.tag, str)
                      and _local(c.tag).endswith("EventDefinition")}
        out[el.id] = el
    return out


def _wrap(text: str, width: float) -> list[str]:
    per_line = max(1, int(width // FONT))
    return [text[i:i + per_line] for i in range(0, len(text), per_line)] or [""]


def _text(x: float, y: float, text: str, width: float, anchor: str = "middle") -> str:
    lines = _wrap(text, width)
    top = y - (len(lines) - 1) * (FONT + 2) / 2
    spans = "".join(f'<tspan x="{x:g}" y="{top + i * (FONT + 2):g}">{escape(line)}</tspan>'
                    for i, line in enumerate(lines))
    return f'<text text-anchor="{anchor}" dominant-baseline="middle">{spans}</text>'


def _shape(el: Element, x: float, y: float, w: float, h: float, state: str, horizontal: bool) -> str:
    cls = f"node {state}".strip()
    data = f'data-element="{escape(el.id)}"'
    cx, cy = x + w / 2, y + h / 2
    if el.kind == "participant" or el.kind == "lane":
        band = 30
        label = (f'<text transform="translate({x + band / 2:g},{cy:g}) rotate(-90)" text-anchor="middle" '
                 f'dominant-baseline="middle">{escape(el.name)}</text>') if horizontal else ""
        return (f'<g {data}><rect class="{el.kind if el.kind == "lane" else "pool"}" x="{x:g}" y="{y:g}" '
                f'width="{w:g}" height="{h:g}"/>{label}</g>')
    if el.kind in TASKS:
        return (f'<g {data}><rect class="{cls}" x="{x:g}" y="{y:g}" width="{w:g}" height="{h:g}" rx="10"/>'
                f'{_text(cx, cy, el.name, w - 8)}</g>')
    if el.kind.endswith("Gateway"):
        points = f"{cx:g},{y:g} {x + w:g},{cy:g} {cx:g},{y + h:g} {x:g},{cy:g}"
        mark = GATEWAY_MARKS.get(el.kind, "")
        return (f'<g {data}><polygon class="{cls}" points="{points}"/>'
                f'<text x="{cx:g}" y="{cy:g}" text-anchor="middle" dominant-baseline="middle">{mark}</text>'
                f'{_text(cx, y + h + 16, el.name, 120)}</g>')
    if el.kind.endswith("Event"):
        r = min(w, h) / 2
        extra = " end" if el.kind == "endEvent" else ""
        extra += "" if el.cancels else " noninterrupting"
        inner = ""
        if el.kind in ("boundaryEvent", "intermediateCatchEvent", "intermediateThrowEvent"):
            inner = f'<circle class="node{extra}" cx="{cx:g}" cy="{cy:g}" r="{r - 3:g}" fill="none"/>'
        icon = ""
        if "timerEventDefinition" in el.markers:
            # Drawn, not a glyph: the clock emoji is missing from common office fonts.
            icon = (f'<circle class="node" cx="{cx:g}" cy="{cy:g}" r="{r - 7:g}" fill="none"/>'
                    f'<path class="edge" d="M{cx:g},{cy - r + 10:g} L{cx:g},{cy:g} '
                    f'L{cx + r - 11:g},{cy:g}"/>')
        elif "messageEventDefinition" in el.markers:
            icon = f'<text x="{cx:g}" y="{cy:g}" text-anchor="middle" dominant-baseline="middle">✉</text>'
        label = _text(cx, y + h + 14, el.name, 110) if el.kind != "boundaryEvent" else ""
        return (f'<g {data}><circle class="{cls}{extra}" cx="{cx:g}" cy="{cy:g}" r="{r:g}"/>'
                f'{inner}{icon}{label}</g>')
    return f'<g {data}><rect class="{cls}" x="{x:g}" y="{y:g}" width="{w:g}" height="{h:g}"/></g>'


def render_svg(xml: str | bytes, completed: Iterable[str], active: Iterable[str]) -> Markup:
    """An inline <svg> of the diagram; completed elements get class `done`, active ones `active`."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    root = etree.fromstring(xml.encode("utf-8") if isinstance(xml, str) else xml, parser)
    elements = _elements(root)
    done, now = set(completed), set(active)
    back: list[str] = []
    edges: list[str] = []
    nodes: list[str] = []
    xs: list[float] = []
    ys: list[float] = []
    for shape in root.iterfind(".//bpmndi:BPMNShape", NS):
        el = elements.get(shape.get("bpmnElement", ""))
        bounds = shape.find("dc:Bounds", NS)
        if el is None or bounds is None:
            continue
        x, y, w, h = (float(bounds.get(k, "0")) for k in ("x", "y", "width", "height"))
        xs += [x, x + w]
        ys += [y, y + h + 30]
        state = "active" if el.id in now else "done" if el.id in done else ""
        svg = _shape(el, x, y, w, h, state, shape.get("isHorizontal") != "false")
        (back if el.kind in ("participant", "lane") else nodes).append(svg)
    for edge in root.iterfind(".//bpmndi:BPMNEdge", NS):
        el = elements.get(edge.get("bpmnElement", ""))
        points = [(float(p.get("x", "0")), float(p.get("y", "0"))) for p in edge.iterfind("di:waypoint", NS)]
        if el is None or len(points) < 2:
            continue
        xs += [p[0] for p in points]
        ys += [p[1] for p in points]
        # A flow was taken when its source completed and its target was reached.
        taken = el.id in done or (el.source in done and (el.target in done or el.target in now))
        path = " ".join(f"{px:g},{py:g}" for px, py in points)
        edges.append(f'<polyline data-element="{escape(el.id)}" class="edge{" done" if taken else ""}" '
                     f'points="{path}" marker-end="url(#arrow{"-done" if taken else ""})"/>')
    if not xs:
        return Markup('<p class="muted">该流程定义没有图形信息（BPMNDI）。</p>')
    pad = 10
    left, top = min(xs) - pad, min(ys) - pad
    width, height = max(xs) - left + pad, max(ys) - top + pad
    defs = ("<defs>"
            '<marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" '
            'orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#78909c"/></marker>'
            '<marker id="arrow-done" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" '
            'orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#2e7d32"/></marker></defs>')
    body = "".join(back) + "".join(edges) + "".join(nodes)
    return Markup(
        f'<svg class="bpmn" xmlns="http://www.w3.org/2000/svg" role="img" aria-label="流程图" '
        f'viewBox="{left:g} {top:g} {width:g} {height:g}" width="{width:g}" height="{height:g}">'
        f"{defs}{body}</svg>")
