"""Static checks of the seven processes in bpmn/ against BPMN 2.0, plain SpiffWorkflow 3.2 and
design.md §1: what each of them must do (its approval steps and their timers, the deadlines of
its other steps, its handover message) and how its diagram is laid out.

The conventions any file in bpmn/ keeps are tests/unit/test_bpmn_conventions.py. These tests read
the XML only (no workflows/ import), so a broken engine cannot hide a broken diagram and vice versa.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from lxml import etree
from SpiffWorkflow.bpmn.parser.BpmnParser import BpmnParser, BpmnValidator
from SpiffWorkflow.camunda.parser.CamundaParser import CamundaParser

ROOT = Path(__file__).resolve().parents[2]
BPMN_DIR = ROOT / "bpmn"
KEYS = ("mid_term_replacement", "handover", "recall", "unit_duties", "dispatch", "leave", "assessment")
NS = {
    "bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
    "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
    "dc": "http://www.omg.org/spec/DD/20100524/DC",
    "di": "http://www.omg.org/spec/DD/20100524/DI",
    "camunda": "http://camunda.org/schema/1.0/bpmn",
}
CAMUNDA = "{" + NS["camunda"] + "}"
ROLES = {"unit_hr", "township", "county", "org_dept", "rrb", "cadre"}
DECISIONS = {"approve", "reject", "return", "resubmit", "withdraw", "recall", "rectify"}
DEADLINE_VARIABLES = {
    "deadline_approval_reminder", "deadline_approval_escalation", "deadline_revision", "deadline_arrival",
    "deadline_handover", "deadline_statement", "deadline_rectification", "deadline_nomination",
    "deadline_return_reminder", "deadline_return_escalation", "deadline_summary",
}
# Steps where an authority approves, rejects or returns: each needs both approval timers.
APPROVAL_STEPS = {
    "mid_term_replacement": ["township_consent", "county_consent", "org_dept_filing", "rrb_filing"],
    "handover": [],
    "recall": ["verify_finding_org_dept", "verify_finding_rrb", "county_decision",
               "recheck_rectification_org_dept", "recheck_rectification_rrb",
               "replacement_filing_org_dept", "replacement_filing_rrb"],
    "unit_duties": ["rectify_first_half", "rectify_second_half"],
    "dispatch": ["township_consent", "county_consent", "org_dept_filing", "rrb_filing"],
    "leave": ["township_approval", "county_approval"],
    "assessment": ["township_evaluation"],
}
# Every other user task that someone can sit on carries the deadline of design.md §1.1.
OTHER_TIMERS = {
    "mid_term_replacement": {"revise_request": {"revise_request_deadline": "deadline_revision"}},
    "dispatch": {},
    "handover": {
        "confirm_arrival": {"confirm_arrival_reminder": "deadline_arrival",
                            "confirm_arrival_escalation": "deadline_arrival"},
        **{t: {f"{t}_reminder": "deadline_handover", f"{t}_escalation": "deadline_handover"}
           for t in ("prepare_handover_list", "review_handover_list", "sign_old", "sign_new",
                     "witness_handover", "transfer_party_relation", "transfer_party_relation_township")},
    },
    "recall": {
        "cadre_statement": {"cadre_statement_deadline": "deadline_statement"},
        **{t: {f"{t}_deadline": "deadline_rectification"}
           for t in ("rectification", "rectification_township")},
        "record_accountability": {"record_accountability_reminder": "deadline_approval_reminder",
                                  "record_accountability_escalation": "deadline_approval_escalation"},
        **{t: {f"{t}_reminder": "deadline_approval_reminder", f"{t}_escalation": "deadline_nomination"}
           for t in ("nominate_replacement", "nominate_replacement_township")},
    },
    "unit_duties": {t: {f"{t}_reminder": "deadline_approval_reminder",
                        f"{t}_escalation": "deadline_approval_escalation"}
                    for t in ("report_first_half", "report_second_half")},
    "leave": {"confirm_return": {"confirm_return_reminder": "deadline_return_reminder",
                                 "confirm_return_escalation": "deadline_return_escalation"}},
    "assessment": {
        "self_summary": {"self_summary_reminder": "deadline_summary",
                         "self_summary_escalation": "deadline_summary"},
        **{t: {f"{t}_reminder": "deadline_approval_reminder",
               f"{t}_escalation": "deadline_approval_escalation"}
           for t in ("township_supplier_opinion", "unit_opinion", "county_grade")},
    },
}
# Escalations go to the county leading group, but a cadre late to confirm their return (销假) is the
# township's to follow up: it confirms the cadre's presence month by month.
ESCALATION_NOTIFIES = {"confirm_return_escalation": "township"}
FLOW_NODES = ("startEvent", "endEvent", "userTask", "scriptTask", "exclusiveGateway", "parallelGateway",
              "boundaryEvent", "intermediateCatchEvent", "intermediateThrowEvent", "task", "serviceTask",
              "callActivity", "subProcess", "inclusiveGateway", "eventBasedGateway")
SNAKE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")
CJK = re.compile(r"[\u4e00-\u9fff]")


def load(key: str) -> etree._ElementTree:
    return etree.parse(str(BPMN_DIR / f"{key}.bpmn"))


def process(doc: etree._ElementTree) -> etree._Element:
    (proc,) = doc.xpath("/bpmn:definitions/bpmn:process", namespaces=NS)
    return proc


def flow_nodes(doc: etree._ElementTree) -> list[etree._Element]:
    proc = process(doc)
    return [el for tag in FLOW_NODES for el in proc.xpath(f"./bpmn:{tag}", namespaces=NS)]


def props(el: etree._Element) -> dict[str, str]:
    return {p.get("name"): p.get("value")
            for p in el.xpath("./bpmn:extensionElements/camunda:properties/camunda:property", namespaces=NS)}


def bounds(doc: etree._ElementTree, element_id: str) -> tuple[float, float, float, float]:
    (b,) = doc.xpath(f"//bpmndi:BPMNShape[@bpmnElement='{element_id}']/dc:Bounds", namespaces=NS)
    return tuple(float(b.get(k)) for k in ("x", "y", "width", "height"))  # type: ignore[return-value]


def boundary_events(doc: etree._ElementTree) -> list[etree._Element]:
    return process(doc).xpath("./bpmn:boundaryEvent", namespaces=NS)


def by_id(doc: etree._ElementTree, element_id: str) -> etree._Element:
    (el,) = process(doc).xpath(f"./*[@id='{element_id}']")
    return el


def timer_variable(event: etree._Element) -> str | None:
    dur = event.xpath("./bpmn:timerEventDefinition/bpmn:timeDuration", namespaces=NS)
    return dur[0].text.strip() if dur else None


@pytest.mark.parametrize("key", KEYS)
@pytest.mark.parametrize("parser_class", [CamundaParser, BpmnParser])
def test_validates_against_the_xsd_and_parses_with_plain_spiffworkflow(key: str, parser_class: type) -> None:
    parser = parser_class(validator=BpmnValidator())
    parser.add_bpmn_file(str(BPMN_DIR / f"{key}.bpmn"))
    assert parser.get_process_ids() == [key]
    spec = parser.get_spec(key)
    ids = {getattr(s, "bpmn_id", None) for s in spec.task_specs.values()}
    assert {n.get("id") for n in flow_nodes(load(key))} <= ids


@pytest.mark.parametrize("key", KEYS)
def test_process_is_executable_with_a_chinese_name_and_one_participant(key: str) -> None:
    doc = load(key)
    proc = process(doc)
    assert proc.get("id") == key and proc.get("isExecutable") == "true"
    assert CJK.search(proc.get("name"))
    (participant,) = doc.xpath("//bpmn:collaboration/bpmn:participant", namespaces=NS)
    assert participant.get("processRef") == key and CJK.search(participant.get("name"))


@pytest.mark.parametrize("key", KEYS)
def test_one_lane_per_role_and_every_node_in_exactly_one_lane(key: str) -> None:
    doc = load(key)
    lanes = process(doc).xpath("./bpmn:laneSet/bpmn:lane", namespaces=NS)
    roles = [lane.get("id").removeprefix("lane_") for lane in lanes]
    assert all(lane.get("id").startswith("lane_") for lane in lanes)
    assert set(roles) <= ROLES and len(roles) == len(set(roles))
    assert all(CJK.search(lane.get("name")) for lane in lanes)
    refs = [r.text for lane in lanes for r in lane.xpath("./bpmn:flowNodeRef", namespaces=NS)]
    assert sorted(refs) == sorted(n.get("id") for n in flow_nodes(doc))
    # Every user task sits in the lane of the role that acts on it.
    for lane, role in zip(lanes, roles, strict=True):
        for ref in lane.xpath("./bpmn:flowNodeRef", namespaces=NS):
            el = by_id(doc, ref.text)
            if el.tag.endswith("userTask"):
                assert el.get(f"{CAMUNDA}candidateGroups") == role, ref.text


@pytest.mark.parametrize("key", KEYS)
def test_every_flow_node_and_sequence_flow_has_di(key: str) -> None:
    doc = load(key)
    shapes = {s.get("bpmnElement") for s in doc.xpath("//bpmndi:BPMNShape", namespaces=NS)}
    edges = {e.get("bpmnElement") for e in doc.xpath("//bpmndi:BPMNEdge", namespaces=NS)}
    (plane,) = doc.xpath("//bpmndi:BPMNPlane", namespaces=NS)
    assert plane.get("bpmnElement") == f"collaboration_{key}"
    assert {n.get("id") for n in flow_nodes(doc)} <= shapes
    lanes = {lane.get("id") for lane in process(doc).xpath("./bpmn:laneSet/bpmn:lane", namespaces=NS)}
    assert lanes <= shapes and f"participant_{key}" in shapes
    flows = {f.get("id") for f in process(doc).xpath("./bpmn:sequenceFlow", namespaces=NS)}
    assert flows and flows == edges


@pytest.mark.parametrize("key", KEYS)
def test_shapes_lie_inside_their_lane_and_boundary_events_on_their_task_border(key: str) -> None:
    doc = load(key)
    for lane in process(doc).xpath("./bpmn:laneSet/bpmn:lane", namespaces=NS):
        lx, ly, lw, lh = bounds(doc, lane.get("id"))
        for ref in lane.xpath("./bpmn:flowNodeRef", namespaces=NS):
            x, y, w, h = bounds(doc, ref.text)
            assert lx <= x and x + w <= lx + lw and ly <= y and y + h <= ly + lh, ref.text
    for ev in boundary_events(doc):
        x, y, w, h = bounds(doc, ev.get("id"))
        tx, ty, tw, th = bounds(doc, ev.get("attachedToRef"))
        cx, cy = x + w / 2, y + h / 2
        on_horizontal = tx <= cx <= tx + tw and (abs(cy - ty) < 1 or abs(cy - (ty + th)) < 1)
        on_vertical = ty <= cy <= ty + th and (abs(cx - tx) < 1 or abs(cx - (tx + tw)) < 1)
        assert on_horizontal or on_vertical, ev.get("id")
    # Lanes tile the pool without gaps or overlaps.
    ph = bounds(doc, f"participant_{key}")[3]
    lane_bounds = sorted(bounds(doc, lane.get("id"))
                         for lane in process(doc).xpath("./bpmn:laneSet/bpmn:lane", namespaces=NS))
    assert sum(b[3] for b in lane_bounds) == ph


def _on_border(p: tuple[float, float], b: tuple[float, float, float, float], kind: str) -> bool:
    x, y, w, h = b
    px, py = p
    if kind.endswith("Gateway"):  # diamonds are entered and left at their corners
        corners = {(x + w / 2, y), (x + w / 2, y + h), (x, y + h / 2), (x + w, y + h / 2)}
        return any(abs(px - cx) < 1 and abs(py - cy) < 1 for cx, cy in corners)
    if kind.endswith("Event"):
        return abs(((px - x - w / 2) ** 2 + (py - y - h / 2) ** 2) ** 0.5 - w / 2) < 1
    inside_x, inside_y = x - 1 <= px <= x + w + 1, y - 1 <= py <= y + h + 1
    return (inside_x and (abs(py - y) < 1 or abs(py - y - h) < 1)) or \
        (inside_y and (abs(px - x) < 1 or abs(px - x - w) < 1))


@pytest.mark.parametrize("key", KEYS)
def test_edges_are_orthogonal_and_connect_the_borders_of_their_shapes(key: str) -> None:
    doc = load(key)
    for flow in process(doc).xpath("./bpmn:sequenceFlow", namespaces=NS):
        fid = flow.get("id")
        pts = [(float(w.get("x")), float(w.get("y")))
               for w in doc.xpath(f"//bpmndi:BPMNEdge[@bpmnElement='{fid}']/di:waypoint", namespaces=NS)]
        assert len(pts) >= 2, fid
        for (x0, y0), (x1, y1) in zip(pts, pts[1:], strict=False):
            assert abs(x0 - x1) < 1 or abs(y0 - y1) < 1, f"{fid} has a diagonal segment"
        src, tgt = by_id(doc, flow.get("sourceRef")), by_id(doc, flow.get("targetRef"))
        assert _on_border(pts[0], bounds(doc, src.get("id")), etree.QName(src).localname), fid
        assert _on_border(pts[-1], bounds(doc, tgt.get("id")), etree.QName(tgt).localname), fid


def _crosses(p: tuple[float, float], q: tuple[float, float], box: tuple[float, float, float, float]) -> bool:
    x, y, w, h = box[0] + 2, box[1] + 2, box[2] - 4, box[3] - 4  # touching a border is fine
    if abs(p[0] - q[0]) < 1:
        return x < p[0] < x + w and max(min(p[1], q[1]), y) < min(max(p[1], q[1]), y + h)
    return y < p[1] < y + h and max(min(p[0], q[0]), x) < min(max(p[0], q[0]), x + w)


@pytest.mark.parametrize("key", KEYS)
def test_edges_and_labels_keep_clear_of_other_shapes(key: str) -> None:
    doc = load(key)
    nodes = {n.get("id"): n for n in flow_nodes(doc)}
    boxes = {i: bounds(doc, i) for i in nodes}
    for flow in process(doc).xpath("./bpmn:sequenceFlow", namespaces=NS):
        ends = {flow.get("sourceRef"), flow.get("targetRef")}
        ends |= {nodes[e].get("attachedToRef") for e in list(ends)} - {None}
        pts = [(float(w.get("x")), float(w.get("y"))) for w in
               doc.xpath(f"//bpmndi:BPMNEdge[@bpmnElement='{flow.get('id')}']/di:waypoint", namespaces=NS)]
        for p, q in zip(pts, pts[1:], strict=False):
            hit = [i for i, box in boxes.items() if i not in ends and _crosses(p, q, box)]
            assert not hit, f"{flow.get('id')} runs through {hit}"
    for label in doc.xpath("//bpmndi:BPMNShape/bpmndi:BPMNLabel/dc:Bounds", namespaces=NS):
        lx, ly, lw, lh = (float(label.get(k)) for k in ("x", "y", "width", "height"))
        owner = label.getparent().getparent().get("bpmnElement")
        for i, (x, y, w, h) in boxes.items():
            overlap = lx < x + w and x < lx + lw and ly < y + h and y < ly + lh
            assert i == owner or not overlap, f"label of {owner} covers {i}"


@pytest.mark.parametrize("key", KEYS)
def test_events_and_gateways_have_labels(key: str) -> None:
    doc = load(key)
    for n in flow_nodes(doc):
        if etree.QName(n).localname.endswith(("Event", "Gateway")):
            label = doc.xpath(f"//bpmndi:BPMNShape[@bpmnElement='{n.get('id')}']/bpmndi:BPMNLabel/dc:Bounds",
                              namespaces=NS)
            assert label, n.get("id")


@pytest.mark.parametrize("key", KEYS)
def test_ids_snake_case_and_names_chinese(key: str) -> None:
    doc = load(key)
    for n in flow_nodes(doc):
        assert SNAKE.match(n.get("id")), n.get("id")
        assert n.get("name") and CJK.search(n.get("name")), n.get("id")
    for f in process(doc).xpath("./bpmn:sequenceFlow", namespaces=NS):
        assert SNAKE.match(f.get("id")), f.get("id")
        if f.get("name"):
            assert CJK.search(f.get("name")), f.get("id")


@pytest.mark.parametrize("key", KEYS)
def test_user_tasks_declare_role_decisions_and_scope(key: str) -> None:
    doc = load(key)
    tasks = process(doc).xpath("./bpmn:userTask", namespaces=NS)
    assert tasks
    for t in tasks:
        tid, p = t.get("id"), props(t)
        assert t.get(f"{CAMUNDA}candidateGroups") in ROLES, tid
        decisions = p["decisions"].split(",")
        assert decisions and set(decisions) <= DECISIONS, tid
        kind, _, var = p["scope"].partition(":")
        assert kind in {"unit", "township", "county", "cadre"}, tid
        assert (kind == "county") == (var == ""), tid
        if "comment_required" in p:
            assert set(p["comment_required"].split(",")) <= set(decisions), tid
        for field in t.xpath("./bpmn:extensionElements/camunda:formData/camunda:formField", namespaces=NS):
            assert field.get("type") in {"string", "long", "boolean", "date", "enum"}, tid
            assert CJK.search(field.get("label")), f"{tid}.{field.get('id')}"


@pytest.mark.parametrize("key", KEYS)
def test_every_approval_step_has_reminder_and_escalation(key: str) -> None:
    doc = load(key)
    for step in APPROVAL_STEPS[key]:
        task = by_id(doc, step)
        assert {"approve", "reject", "return", "rectify"} & set(props(task)["decisions"].split(","))
        for kind, variable in (("reminder", "deadline_approval_reminder"),
                               ("escalation", "deadline_approval_escalation")):
            ev = by_id(doc, f"{step}_{kind}")
            assert ev.get("attachedToRef") == step
            assert ev.get("cancelActivity") == "false", f"{step}_{kind} must not interrupt"
            assert timer_variable(ev) == variable
            assert props(ev)["timer_kind"] == kind
    # And nothing that approves is missing from the list above.
    approvals = {t.get("id") for t in process(doc).xpath("./bpmn:userTask", namespaces=NS)
                 if {"reject", "rectify"} & set(props(t)["decisions"].split(","))
                 or ("return" in props(t)["decisions"] and t.get(f"{CAMUNDA}candidateGroups") != "cadre")}
    assert approvals == set(APPROVAL_STEPS[key])


@pytest.mark.parametrize("key", KEYS)
def test_other_deadlines_follow_design(key: str) -> None:
    doc = load(key)
    for task, timers in OTHER_TIMERS[key].items():
        for timer_id, variable in timers.items():
            ev = by_id(doc, timer_id)
            assert ev.get("attachedToRef") == task
            assert timer_variable(ev) == variable, timer_id
            interrupting = timer_id.endswith("_deadline")
            assert ev.get("cancelActivity") == ("true" if interrupting else "false"), timer_id


@pytest.mark.parametrize("key", KEYS)
def test_timers_name_known_variables_and_reminders_lead_nowhere(key: str) -> None:
    doc = load(key)
    proc = process(doc)
    for ev in boundary_events(doc):
        eid = ev.get("id")
        variable = timer_variable(ev)
        if variable is None:
            continue
        assert variable in DEADLINE_VARIABLES, eid
        p = props(ev)
        assert p["timer_kind"] in {"reminder", "escalation", "deadline"} and p["notify"] in ROLES, eid
        assert eid == f"{ev.get('attachedToRef')}_{p['timer_kind']}"
        out = proc.xpath(f"./bpmn:sequenceFlow[@sourceRef='{eid}']", namespaces=NS)
        assert len(out) == 1, eid
        if p["timer_kind"] in {"reminder", "escalation"}:
            assert ev.get("cancelActivity") == "false", eid
            target = by_id(doc, out[0].get("targetRef"))
            assert etree.QName(target).localname == "endEvent", eid
            assert target.get("id").startswith("end_reminded_"), eid
            assert not proc.xpath(f"./bpmn:sequenceFlow[@targetRef='{target.get('id')}' and "
                                  f"@sourceRef!='{eid}']", namespaces=NS), eid
        else:
            assert ev.get("cancelActivity") == "true", eid
        if p["timer_kind"] == "escalation":
            assert p["notify"] == ESCALATION_NOTIFIES.get(eid, "county"), eid


# nominated_by_township: the service's flag that the township nominated (dispatch skips its consent);
# party_transfer_role: who confirms a handover's Party relation transfer (the service decides it);
# supplier_role: who rectifies and nominates in a recall, the cadre's supplier (likewise);
# leave_working_days, leave_county_days: a leave's length and the county's threshold (both working days);
# supplied_by_township: the service's flag that the township supplied an assessed team member (it
# gives the supplier's opinion); grade: the assessment's grade (不称职 opens a recall)
CONDITION_NAMES = {"decision", "role", "rule_violations", "len", "nominated_by_township",
                   "party_transfer_role", "supplier_role", "leave_working_days", "leave_county_days",
                   "supplied_by_township", "grade"}
GRADES = {"excellent", "competent", "basically_competent", "incompetent"}


@pytest.mark.parametrize("key", KEYS)
def test_gateway_conditions_are_python_on_decision_role_or_violations(key: str) -> None:
    doc = load(key)
    proc = process(doc)
    for gw in proc.xpath("./bpmn:exclusiveGateway", namespaces=NS):
        outgoing = proc.xpath(f"./bpmn:sequenceFlow[@sourceRef='{gw.get('id')}']", namespaces=NS)
        if len(outgoing) < 2:
            continue  # a merge
        for f in outgoing:
            cond = f.xpath("./bpmn:conditionExpression", namespaces=NS)
            if f.get("id") == gw.get("default"):
                assert not cond, f.get("id")
                continue
            assert cond, f"{f.get('id')}: non-default flow without condition"
            tree = ast.parse(cond[0].text, mode="eval")
            names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
            assert names and names <= CONDITION_NAMES, f.get("id")
            for const in (n.value for n in ast.walk(tree) if isinstance(n, ast.Constant)):
                assert const in DECISIONS | GRADES | {"first_secretary", "team_member", "township", 0}, \
                    f.get("id")
    for script in proc.xpath("./bpmn:scriptTask", namespaces=NS):
        assert script.get("scriptFormat") == "python"
        ast.parse(script.xpath("./bpmn:script", namespaces=NS)[0].text)


@pytest.mark.parametrize(("key", "end"), [("mid_term_replacement", "end_approved"),
                                         ("recall", "end_recalled")])
def test_approving_end_throws_handover_requested_with_its_payload(key: str, end: str) -> None:
    doc = load(key)
    ev = by_id(doc, end)
    assert etree.QName(ev).localname == "endEvent"
    (med,) = ev.xpath("./bpmn:messageEventDefinition", namespaces=NS)
    (msg,) = doc.xpath(f"/bpmn:definitions/bpmn:message[@id='{med.get('messageRef')}']", namespaces=NS)
    assert msg.get("name") == "handover_requested"
    payload = ast.parse(med.get(f"{CAMUNDA}expression"), mode="eval").body
    assert isinstance(payload, ast.Dict)
    keys = {k.value for k in payload.keys}  # type: ignore[union-attr]
    assert keys == {"old_cadre_id", "new_cadre_id", "village_id", "township_id", "unit_id", "role"}
    # The recall and the replacement are the only ways into a handover.
    others = [e.get("id") for e in process(doc).xpath(".//bpmn:messageEventDefinition/..", namespaces=NS)
              if etree.QName(e).localname == "endEvent"]
    assert others == [end]


def test_withdraw_is_an_interrupting_message_on_the_first_approval() -> None:
    doc = load("mid_term_replacement")
    ev = by_id(doc, "withdraw_requested")
    assert ev.get("attachedToRef") == "township_consent" and ev.get("cancelActivity") == "true"
    (med,) = ev.xpath("./bpmn:messageEventDefinition", namespaces=NS)
    (msg,) = doc.xpath(f"/bpmn:definitions/bpmn:message[@id='{med.get('messageRef')}']", namespaces=NS)
    assert msg.get("name") == "withdraw"
    (flow,) = process(doc).xpath("./bpmn:sequenceFlow[@sourceRef='withdraw_requested']", namespaces=NS)
    assert flow.get("targetRef") == "end_withdrawn"
    assert "withdraw" in props(by_id(doc, "revise_request"))["decisions"].split(",")


def test_handover_cannot_release_before_the_witness_and_party_transfer() -> None:
    """Graph check: every path from the start to the release passes each handover step."""
    doc = load("handover")
    proc = process(doc)
    succ: dict[str, list[str]] = {}
    for f in proc.xpath("./bpmn:sequenceFlow", namespaces=NS):
        succ.setdefault(f.get("sourceRef"), []).append(f.get("targetRef"))
    (start,) = proc.xpath("./bpmn:startEvent", namespaces=NS)
    # The Party relation transfer is confirmed by a unit's HR or by the township (whoever supplies
    # the new cadre): every path passes one of the two.
    party_transfer = ("transfer_party_relation", "transfer_party_relation_township")
    for gate in ("confirm_arrival", "review_handover_list", "sign_old", "sign_new", "witness_handover",
                 party_transfer):
        removed = set(gate) if isinstance(gate, tuple) else {gate}
        seen, todo = set(removed), [start.get("id")]
        while todo:  # reachability with the gate removed
            node = todo.pop()
            for nxt in succ.get(node, []):
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        if gate in ("sign_old", "sign_new"):
            continue  # a parallel join needs both: checked by the join type below
        assert "release_old_cadre" not in seen, f"release reachable without {gate}"
    assert etree.QName(by_id(doc, "gw_sign_join")).localname == "parallelGateway"
    assert sorted(f.get("sourceRef") for f in proc.xpath("./bpmn:sequenceFlow[@targetRef='gw_sign_join']",
                                                         namespaces=NS)) == ["sign_new", "sign_old"]
    assert not [ev for ev in boundary_events(doc) if ev.get("cancelActivity") != "false"]

