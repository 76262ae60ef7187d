"""A BPMN file written back the way a modeller saves it (Camunda Modeler, bpmn.io).

A modeller re-serialises the whole document: attributes come out in its own order, it stamps the
definitions with its name and its target platform (`modeler:` attributes of its own namespace),
may colour shapes (`bioc:` and `color:` attributes), marks pools and lanes horizontal, gives
named flows a label, and any move shifts the diagram's coordinates. None of it changes what the
process does, so a file saved like this must keep the conventions and deploy as before.
"""

from __future__ import annotations

from lxml import etree

MODELER = "http://camunda.org/schema/modeler/1.0"
BIOC = "http://bpmn.io/schema/bpmn/biocolor/1.0"
COLOR = "http://www.omg.org/spec/BPMN/non-normative/color/1.0"
BPMNDI = "http://www.omg.org/spec/BPMN/20100524/DI"
DC = "http://www.omg.org/spec/DD/20100524/DC"
DI = "http://www.omg.org/spec/DD/20100524/DI"
BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
# Where the whole drawing moves to (a modeller keeps coordinates positive, so only a shift right
# and down).
SHIFT = (37.0, 11.0)


def _number(value: float) -> str:
    return str(int(value)) if value == int(value) else str(value)


def resave(content: bytes) -> bytes:
    """`content` as a modeller would write it back after moving the drawing."""
    root = etree.fromstring(content, etree.XMLParser(remove_blank_text=True, resolve_entities=False,
                                                     no_network=True))
    nsmap = {**root.nsmap, "modeler": MODELER, "bioc": BIOC, "color": COLOR}
    saved = etree.Element(root.tag, nsmap=nsmap)
    for name, value in reversed(root.attrib.items()):
        saved.set(name, value)
    saved.set("exporter", "Camunda Modeler")
    saved.set("exporterVersion", "5.31.0")
    saved.set(f"{{{MODELER}}}executionPlatform", "Camunda Platform")
    saved.set(f"{{{MODELER}}}executionPlatformVersion", "7.22.0")
    saved.extend(list(root))
    for el in saved.iter():
        if not isinstance(el.tag, str):
            continue
        attrs = list(el.attrib.items())
        el.attrib.clear()
        for name, value in reversed(attrs):  # another attribute order
            el.set(name, value)
    for bounds in saved.iter(f"{{{DC}}}Bounds"):
        bounds.set("x", _number(float(bounds.get("x")) + SHIFT[0]))
        bounds.set("y", _number(float(bounds.get("y")) + SHIFT[1]))
    for point in saved.iter(f"{{{DI}}}waypoint"):
        point.set("x", _number(float(point.get("x")) + SHIFT[0]))
        point.set("y", _number(float(point.get("y")) + SHIFT[1]))
    elements = {el.get("id"): el for el in saved.iter(f"{{{BPMN}}}*") if el.get("id")}
    for shape in saved.iter(f"{{{BPMNDI}}}BPMNShape"):
        kind = etree.QName(elements[shape.get("bpmnElement")]).localname
        if kind in ("participant", "lane"):
            shape.set("isHorizontal", "true")
        elif kind == "userTask":
            shape.set(f"{{{BIOC}}}stroke", "#1e88e5")
            shape.set(f"{{{BIOC}}}fill", "#bbdefb")
            shape.set(f"{{{COLOR}}}background-color", "#bbdefb")
            shape.set(f"{{{COLOR}}}border-color", "#1e88e5")
    for edge in saved.iter(f"{{{BPMNDI}}}BPMNEdge"):
        flow = elements[edge.get("bpmnElement")]
        if flow.get("name") and edge.find(f"{{{BPMNDI}}}BPMNLabel") is None:
            first = edge.find(f"{{{DI}}}waypoint")
            label = etree.SubElement(edge, f"{{{BPMNDI}}}BPMNLabel")
            above = _number(float(first.get("y")) - 20)
            etree.SubElement(label, f"{{{DC}}}Bounds", x=first.get("x"), y=above, width="60", height="14")
    etree.indent(saved, space="  ")
    return etree.tostring(saved, xml_declaration=True, encoding="UTF-8")
