"""Definition loading: validation errors name the element and file; safe XML; caching."""

import re

import pytest
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.camunda.parser.CamundaParser import CamundaParser
from wf_helpers import fixture_bytes

from workflows.definitions import load_definition
from workflows.parsing import DefinitionError
from workflows.serialization import full_serializer
from workflows.timers import WorkingDurationTimer

GOOD = fixture_bytes("approval_loop.bpmn")


def variant(old: bytes, new: bytes, count: int = 1) -> bytes:
    assert old in GOOD, old
    return GOOD.replace(old, new, count)


def drop(pattern: str) -> bytes:
    out, n = re.subn(pattern.encode(), b"", GOOD)
    assert n == 1, pattern
    return out


def load_error(xml: bytes, name: str = "bad.bpmn") -> DefinitionError:
    with pytest.raises(DefinitionError) as err:
        load_definition({name: xml})
    return err.value


def test_good_definition_loads_and_is_cached():
    a = load_definition({"approval_loop.bpmn": GOOD})
    b = load_definition({"approval_loop.bpmn": GOOD})
    assert a is b
    assert a.key == "approval_loop" and a.name == "审批循环测试流程"
    assert a.content_hash.startswith("sha256:") and a.files["approval_loop.bpmn"] == GOOD
    assert "bpmndi:BPMNDiagram" in a.xml["approval_loop.bpmn"]
    ext = a.task_spec("township_consent").extensions
    assert ext["candidateGroups"] == "township" and ext["scope"] == "township:township_id"
    escalation = a.task_spec("township_consent_escalation").extensions
    assert escalation == {"timer_kind": "escalation", "notify": "county"}
    assert isinstance(a.task_spec("township_consent_reminder").event_definition, WorkingDurationTimer)


def test_fixture_also_parses_with_plain_camunda_parser():
    parser = CamundaParser()
    parser.add_bpmn_str(GOOD, "approval_loop.bpmn")
    assert parser.get_spec("approval_loop").name == "approval_loop"


def test_full_dump_restores_our_timer_classes():
    d = load_definition({"approval_loop.bpmn": GOOD})
    wf = BpmnWorkflow(d.spec, d.subprocess_specs)
    restored = full_serializer.deserialize_json(full_serializer.serialize_json(wf))
    spec = restored.spec.task_specs["township_consent_reminder"]
    assert isinstance(spec.event_definition, WorkingDurationTimer)


@pytest.mark.parametrize(("xml", "element", "words"), [
    (variant(b'camunda:candidateGroups="township"', b'camunda:candidateGroups="mayor"'),
     "township_consent", "角色"),
    (variant(b'camunda:candidateGroups="county"', b'camunda:candidateGroups="county,township"'),
     "county_consent", "角色"),
    (variant(b'name="decisions" value="approve,reject,return"', b'name="decisions" value="approve,maybe"'),
     "township_consent", "maybe"),
    (variant(b'name="scope" value="unit:unit_id"', b'name="scope" value="planet:mars"'),
     "revise_request", "scope"),
    (variant(b">deadline_approval_reminder<", b">deadline_bogus<"), "township_consent_reminder", "期限变量"),
    (variant(b">deadline_revision<", b">deadline_revision + 'P1D'<"), "revise_request_deadline", "字面量"),
    (variant(b">deadline_revision<", b">'five days'<"), "revise_request_deadline", "无效"),
    (variant(b'name="timer_kind" value="reminder"', b'name="timer_kind" value="sometimes"'),
     "township_consent_reminder", "timer_kind"),
    (variant(b'name="notify" value="county"', b'name="notify" value="everyone"'),
     "township_consent_escalation", "通知角色"),
    (drop(r'<bpmndi:BPMNShape id="county_consent_di".*?</bpmndi:BPMNShape>'), "county_consent", "BPMNShape"),
    (drop(r'<bpmndi:BPMNEdge id="f_county_di".*?</bpmndi:BPMNEdge>'), "f_county", "BPMNEdge"),
    (variant(b"len(rule_violations) &gt; 0", b"rule_violations.__len__() &gt; 0"), "f_rules_bad", "沙箱"),
    (variant(b'type="long"', b'type="money"'), "revise_request", "money"),
])
def test_invalid_definitions_name_the_element(xml, element, words):
    err = load_error(xml)
    assert err.element_id == element
    assert element in str(err) and "bad.bpmn" in str(err) and words in str(err)


def test_missing_diagram():
    err = load_error(drop(r"(?s)<bpmndi:BPMNDiagram .*</bpmndi:BPMNDiagram>\n"))
    assert "BPMNDI" in str(err)


def test_quoted_literal_timer_is_accepted():
    d = load_definition({"lit.bpmn": variant(b">deadline_revision<", b'>"P2DT4H"<')})
    assert d.task_spec("revise_request_deadline").event_definition.expression == '"P2DT4H"'


@pytest.mark.parametrize("xml", [b"", b"<bpmn:definitions", b"not xml at all", b"<a/>"])
def test_missing_or_invalid_xml(xml):
    err = load_error(xml, "broken.bpmn")
    assert "broken.bpmn" in str(err)


def test_entities_and_doctype_refused():
    bomb = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'
            b"<lolz>&lol2;</lolz>")
    assert "DOCTYPE" in str(load_error(bomb))
    xxe = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>'
    assert "DOCTYPE" in str(load_error(xxe))


def test_size_limit():
    big = GOOD.replace(b"</bpmn:definitions>", b"<!--" + b"x" * (3 * 1024 * 1024) + b"--></bpmn:definitions>")
    assert "上限" in str(load_error(big))


def test_two_main_processes_rejected():
    other = GOOD.replace(b'"approval_loop"', b'"approval_loop_2"')
    other = other.replace(b"_approval_loop", b"_approval_loop_2")
    with pytest.raises(DefinitionError) as err:
        load_definition({"a.bpmn": GOOD, "b.bpmn": other})
    assert "approval_loop" in str(err.value)


def test_empty_files_rejected():
    with pytest.raises(DefinitionError):
        load_definition({})
