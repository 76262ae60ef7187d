"""Instance migration, the plan's rules: which elements a plan maps, the default mapping (the same
id where the target has an element of the same kind), and why an override cannot stand."""

from __future__ import annotations

from pathlib import Path

import pytest
from element_diagrams import diagram, flows
from wf_helpers import fixture_bytes

from workflows import migration
from workflows.definitions import load_definition

REPO = Path(__file__).resolve().parents[2]
MTR = "mid_term_replacement.bpmn"
U = '<bpmn:userTask id="{0}" name="{1}" camunda:candidateGroups="county"/>'
S, E = '<bpmn:startEvent id="s"/>', '<bpmn:endEvent id="e"/>'
# The one message the service delivers from outside (a diagram waiting for another does not deploy).
WITHDRAW = '<bpmn:message id="m" name="withdraw"/>'


def user(task_id: str, name: str = "") -> str:
    return U.format(task_id, name or task_id)


def process(body: str) -> object:
    return load_definition({"p.bpmn": diagram(body, definitions=WITHDRAW)})


@pytest.fixture(scope="module")
def v1():
    return load_definition({MTR: (REPO / "bpmn" / MTR).read_bytes()})


@pytest.fixture(scope="module")
def v2():
    return load_definition({MTR: fixture_bytes("mid_term_replacement_v2_migration.bpmn")})


def test_a_plan_maps_the_elements_an_instance_waits_at(v1, v2):
    ids = [e.id for e in migration.migration_elements(v1)]
    assert ids == ["township_consent", "county_consent", "org_dept_filing", "revise_request", "rrb_filing"]
    # script tasks, exclusive gateways, boundary and end events are passed through, never waited at
    assert {e.kind for e in migration.migration_elements(v1)} == {"user_task"}
    assert "county_publicity" in [e.id for e in migration.migration_elements(v2)]


def test_by_default_each_element_goes_to_the_same_id(v1, v2):
    assert migration.default_mapping(v1, v2) == {
        "township_consent": "township_consent", "county_consent": "county_consent",
        "org_dept_filing": "org_dept_filing", "revise_request": "revise_request", "rrb_filing": "rrb_filing"}
    # the step added in v2 has no source: going back, it maps to nothing
    assert migration.default_mapping(v2, v1)["county_publicity"] is None


def test_missing_or_other_kind_in_the_target_maps_to_nothing():
    source = process(S + user("a", "审核") + user("b") + E + flows("s", "a", "b", "e"))
    target = process(S + '<bpmn:receiveTask id="a" name="收件" messageRef="m"/>' + user("c") + E
                     + flows("s", "a", "c", "e"))
    assert migration.default_mapping(source, target) == {"a": None, "b": None}
    assert migration.mapping_problem(source, target, "b", None) == "「b」：目标版本中没有对应环节"
    assert migration.mapping_problem(source, target, "b", "zz") == "「b」：目标环节「zz」在目标版本中不存在"
    kind = migration.mapping_problem(source, target, "a", "a")
    assert kind == "「审核」（a）：目标环节「收件」（a）是接收任务，与本环节（人工任务）类型不同"
    # an override to an element of the same kind stands
    assert migration.mapping_problem(source, target, "b", "c") is None
    assert migration.mapping_problem(source, target, "s", "c") == "「s」不是源版本中可停留的环节"


def test_a_join_goes_to_the_join_of_its_own_id_only():
    def parallel(join: str) -> object:
        return process(S + '<bpmn:parallelGateway id="fork"/>' + user("a") + user("b")
                       + f'<bpmn:parallelGateway id="{join}" name="汇合"/>' + E
                       + flows("s", "fork", "a", join, "e") + flows("fork", "b", join, prefix="g"))

    source, target = parallel("join"), parallel("join2")
    assert sorted((e.id, e.kind) for e in migration.migration_elements(source)) == [
        ("a", "user_task"), ("b", "user_task"), ("join", "join")]
    assert migration.default_mapping(source, target)["join"] is None
    assert migration.mapping_problem(source, target, "join", "join2") == \
        "「汇合」（join）：汇合网关只能对应目标版本中同一编号的网关"
    assert migration.mapping_problem(source, parallel("join"), "join", "join") is None


def test_countersign_and_subprocess_steps_are_not_supported():
    raw = fixture_bytes("countersign.bpmn").replace(b"RULE", b"all")
    countersign = load_definition({"countersign.bpmn": raw})
    (step,) = [e for e in migration.migration_elements(countersign) if e.id == "joint_sign"]
    assert (step.kind, step.supported) == ("countersign", False)
    assert migration.default_mapping(countersign, countersign)["joint_sign"] is None
    problem = migration.mapping_problem(countersign, countersign, "joint_sign", "joint_sign")
    assert problem is not None and "会签（多实例）环节暂不支持迁移" in problem

    inner = '<bpmn:startEvent id="ss"/>' + user("inner") + '<bpmn:endEvent id="se"/>' + flows(
        "ss", "inner", "se", prefix="i")
    nested = process(S + f'<bpmn:subProcess id="sp" name="子流程">{inner}</bpmn:subProcess>' + E
                     + flows("s", "sp", "e"))
    kinds = {e.id: e.kind for e in migration.migration_elements(nested)}
    assert kinds == {"sp": "subprocess", "inner": "subprocess"}
    assert migration.mapping_problem(nested, nested, "inner", "inner") == \
        "「inner」：子流程、调用活动暂不支持迁移"


def test_catch_events_are_compared_by_what_they_wait_for():
    timer = ('<bpmn:intermediateCatchEvent id="w" name="等待"><bpmn:timerEventDefinition>'
             '<bpmn:timeDuration>"P3D"</bpmn:timeDuration></bpmn:timerEventDefinition>'
             '</bpmn:intermediateCatchEvent>')
    date = timer.replace('<bpmn:timeDuration>"P3D"</bpmn:timeDuration>',
                         '<bpmn:timeDate>"2030-01-01T09:00:00+08:00"</bpmn:timeDate>')
    message = ('<bpmn:intermediateCatchEvent id="w" name="等通知">'
               '<bpmn:messageEventDefinition messageRef="m"/></bpmn:intermediateCatchEvent>')
    by_duration = process(S + timer + user("a") + E + flows("s", "w", "a", "e"))
    by_date = process(S + date + user("a") + E + flows("s", "w", "a", "e"))
    by_message = process(S + message + user("a") + E + flows("s", "w", "a", "e"))
    assert migration.default_mapping(by_duration, by_date)["w"] == "w"  # a timer for a timer
    assert migration.default_mapping(by_duration, by_message)["w"] is None
    assert "消息等待事件" in migration.mapping_problem(by_duration, by_message, "w", "w")
