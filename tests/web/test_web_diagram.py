"""The server-rendered BPMN diagram: every DI shape and edge drawn, progress highlighted."""

from __future__ import annotations

import re
from pathlib import Path

from service.http.web.diagram import render_svg

BPMN = Path(__file__).resolve().parents[2] / "bpmn" / "mid_term_replacement.bpmn"


def test_every_shape_and_edge_of_the_di_is_drawn() -> None:
    xml = BPMN.read_text(encoding="utf-8")
    svg = str(render_svg(xml, [], []))
    shapes = set(re.findall(r'<bpmndi:BPMNShape [^>]*bpmnElement="([^"]+)"', xml))
    edges = set(re.findall(r'<bpmndi:BPMNEdge [^>]*bpmnElement="([^"]+)"', xml))
    drawn = set(re.findall(r'data-element="([^"]+)"', svg))
    assert shapes | edges == drawn
    assert "乡镇党委政府审核" in svg and svg.startswith("<svg")


def test_completed_and_active_elements_and_taken_flows_are_marked() -> None:
    xml = BPMN.read_text(encoding="utf-8")
    svg = str(render_svg(xml, ["start", "check_rules", "gw_rules_ok"], ["township_consent"]))
    assert re.search(r'data-element="township_consent"><rect class="node active"', svg)
    assert re.search(r'data-element="check_rules"><rect class="node done"', svg)
    assert re.search(r'data-element="county_consent"><rect class="node"', svg)
    taken = re.findall(r'data-element="([^"]+)" class="edge done"', svg)
    assert taken and all("county_consent" not in flow_id.split("_to_")[-1] for flow_id in taken)


def test_names_are_escaped() -> None:
    xml = BPMN.read_text(encoding="utf-8").replace('name="乡镇党委政府审核"', 'name="&lt;b&gt;x"')
    assert "<b>x" not in str(render_svg(xml, [], []))
