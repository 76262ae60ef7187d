"""Diagrams drawn without cadreflow's properties: who does a task (its lane), its decision and
scope by default, the warnings naming what was filled in, Camunda's expressions, and what is
refused (workflows/plain_bpmn.py, roles.py, juel.py)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from element_diagrams import diagram, flows

from workflows.definitions import load_definition
from workflows.engine import Engine
from workflows.juel import JuelError, to_python
from workflows.parsing import DefinitionError, PassThroughTask
from workflows.roles import ROLE_NAMES, lane_role, role_named

PLAIN = Path(__file__).resolve().parents[1] / "support" / "fixtures" / "plain"


def lane(name: str, *members: str, lane_id: str = "Lane_0x1", inner: str = "") -> str:
    refs = "".join(f"<bpmn:flowNodeRef>{m}</bpmn:flowNodeRef>" for m in members)
    child = f'<bpmn:childLaneSet id="{lane_id}_set">{inner}</bpmn:childLaneSet>' if inner else ""
    return f'<bpmn:lane id="{lane_id}" name="{name}">{refs}{child}</bpmn:lane>'


def one_task(lanes: str, task: str = '<bpmn:userTask id="u" name="审核"/>') -> bytes:
    return diagram('<bpmn:startEvent id="s"/>' + task + '<bpmn:endEvent id="e"/>' + flows("s", "u", "e"),
                   lanes=lanes)


@pytest.mark.parametrize(("lane_id", "name", "role"), [
    ("Lane_0abc", "乡镇", "township"),
    ("Lane_0abc", "组织部", "org_dept"),
    ("Lane_0abc", "乡镇党委政府", "township"),
    ("Lane_0abc", "红旗镇党委", "township"),
    ("Lane_0abc", "县委组织部干部科", "org_dept"),
    ("Lane_0abc", "县乡村振兴局", "rrb"),
    ("Lane_0abc", "派出单位（人事部门）", "unit_hr"),
    ("Lane_0abc", "派出单位(人事部门)", "unit_hr"),
    ("Lane_0abc", "驻村第一书记", "cadre"),
    ("Lane_0abc", "县驻村工作领导小组", "county"),
    ("Lane_0abc", "系统管理员", "admin"),
    ("township", "随便什么名字", "township"),
    ("lane_org_dept", None, "org_dept"),
    ("Lane_rrb", "", "rrb"),
    ("Lane_0abc", "审批人", None),
    ("Lane_0abc", "县委办", None),
    ("Lane_0abc", None, None),
])
def test_a_lane_names_its_role_by_id_or_chinese_name(lane_id: str, name: str | None,
                                                     role: str | None) -> None:
    assert lane_role(lane_id, name) == role


def test_every_role_is_named_by_its_own_chinese_name() -> None:
    assert {role: role_named(name) for role, name in ROLE_NAMES.items()} == {r: r for r in ROLE_NAMES}


def test_a_task_takes_the_role_of_its_lane_with_default_decision_and_scope() -> None:
    d = load_definition({"lane.bpmn": one_task(lane("乡镇", "s", "u", "e"))})
    ext = d.task_spec("u").extensions
    assert (ext["candidateGroups"], ext["decisions"], ext["scope"]) == \
        ("township", "complete", "township:township_id")
    (warning,) = d.warnings
    assert warning.startswith("用户任务 u（审核）：")
    assert "“乡镇”" in warning and "township" in warning and "“完成”（complete）" in warning
    assert "township:township_id" in warning


@pytest.mark.parametrize(("role", "scope"), [
    ("org_dept", "county"), ("county", "county"), ("admin", "county"), ("unit_hr", "unit:unit_id"),
    ("cadre", "cadre:cadre_id")])
def test_the_default_scope_is_where_the_role_is_held(role: str, scope: str) -> None:
    d = load_definition({"scope.bpmn": one_task(lane(role, "u", lane_id=role))})
    assert d.task_spec("u").extensions["scope"] == scope


def test_nested_lanes_and_subprocesses_take_the_nearest_lane_that_names_a_role() -> None:
    body = ('<bpmn:startEvent id="s"/><bpmn:subProcess id="sp"><bpmn:startEvent id="ss"/>'
            '<bpmn:userTask id="inner"/><bpmn:endEvent id="se"/>' + flows("ss", "inner", "se", prefix="x")
            + '</bpmn:subProcess><bpmn:userTask id="u"/><bpmn:endEvent id="e"/>' + flows("s", "sp", "u", "e"))
    lanes = lane("县委组织部", lane_id="Lane_org", inner=lane("干部科", "sp", lane_id="Lane_kc")) \
        + lane("县乡村振兴局", "u", lane_id="Lane_rrb")
    d = load_definition({"nested.bpmn": diagram(body, lanes=lanes)})
    assert d.task_spec("inner").extensions["candidateGroups"] == "org_dept"
    assert d.task_spec("u").extensions["candidateGroups"] == "rrb"


def test_what_the_diagram_says_is_kept() -> None:
    task = ('<bpmn:userTask id="u" camunda:candidateGroups="组织部"><bpmn:extensionElements>'
            '<camunda:properties><camunda:property name="decisions" value="approve,reject"/>'
            '<camunda:property name="scope" value="county"/></camunda:properties></bpmn:extensionElements>'
            "</bpmn:userTask>")
    d = load_definition({"kept.bpmn": one_task(lane("乡镇", "u"), task)})
    ext = d.task_spec("u").extensions
    assert (ext["candidateGroups"], ext["decisions"], ext["scope"]) == \
        ("org_dept", "approve,reject", "county")
    assert d.warnings == ("用户任务 u：camunda:candidateGroups“组织部”按角色县委组织部（org_dept）办理。",)


@pytest.mark.parametrize(("lanes", "words"), [
    ("", "不在任何泳道中"),
    (lane("审批人", "u"), "“审批人”不对应任何角色"),
    (lane("审计监督", "u"), "只能查阅"),
])
def test_a_task_whose_role_nothing_names_is_refused_saying_how_to_fix_it(lanes: str, words: str) -> None:
    with pytest.raises(DefinitionError) as refused:
        load_definition({"who.bpmn": one_task(lanes)})
    assert refused.value.element_id == "u" and words in str(refused.value)
    assert "candidateGroups" in str(refused.value) and "who.bpmn" in str(refused.value)


def test_a_plain_task_passes_and_a_manual_task_waits_for_a_person() -> None:
    body = ('<bpmn:startEvent id="s"/><bpmn:task id="t" name="准备材料"/>'
            '<bpmn:manualTask id="m" name="盖章"/><bpmn:endEvent id="e"/>' + flows("s", "t", "m", "e"))
    d = load_definition({"kinds.bpmn": diagram(body, lanes=lane("乡镇", "t", "m"))})
    assert isinstance(d.task_spec("t"), PassThroughTask)
    assert any(w.startswith("任务 t（准备材料）：普通任务") and "直接通过" in w for w in d.warnings)
    assert any(w.startswith("人工任务 m（盖章）：") for w in d.warnings)
    inst = Engine().start(d, {"township_id": "tw-1"}, instance_id="00000000-0000-4000-8000-00000000000a",
                          at=datetime(2026, 12, 1, 1, tzinfo=UTC))
    assert [(t.spec_id, t.role, t.scope_value, t.decisions) for t in inst.open_tasks()] == \
        [("m", "township", "tw-1", ["complete"])]


def test_camunda_timers_and_conditions_are_read_as_written() -> None:
    body = ('<bpmn:startEvent id="s"/><bpmn:intermediateCatchEvent id="w"><bpmn:timerEventDefinition>'
            '<bpmn:timeDate>2026-12-02T09:00:00</bpmn:timeDate></bpmn:timerEventDefinition>'
            '</bpmn:intermediateCatchEvent><bpmn:intermediateCatchEvent id="d"><bpmn:timerEventDefinition>'
            '<bpmn:timeDuration>P2D</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>'
            '<bpmn:exclusiveGateway id="g" default="f_no"/><bpmn:endEvent id="e"/><bpmn:endEvent id="e2"/>'
            '<bpmn:sequenceFlow id="f_yes" sourceRef="g" targetRef="e"><bpmn:conditionExpression>'
            "${!urgent &amp;&amp; amount gt 100}</bpmn:conditionExpression></bpmn:sequenceFlow>"
            '<bpmn:sequenceFlow id="f_no" sourceRef="g" targetRef="e2"/>' + flows("s", "w", "d", "g"))
    d = load_definition({"camunda.bpmn": diagram(body)})
    assert d.task_spec("w").event_definition.expression == '"2026-12-02T09:00:00+08:00"'
    assert d.task_spec("d").event_definition.expression == '"P2D"'
    assert any("w" in w and "北京时间" in w for w in d.warnings)
    gateway = d.task_spec("g")
    assert [c.args[0] for c, _ in gateway.cond_task_specs if c] == ["(not urgent) and amount > 100"]


def test_the_same_camunda_file_deploys_again_from_the_cache() -> None:
    body = ('<bpmn:startEvent id="s"/><bpmn:userTask id="u"/><bpmn:boundaryEvent id="b" attachedToRef="u" '
            'cancelActivity="false"><bpmn:timerEventDefinition><bpmn:timeCycle>R2/PT1H</bpmn:timeCycle>'
            '</bpmn:timerEventDefinition></bpmn:boundaryEvent><bpmn:endEvent id="e"/><bpmn:endEvent id="e2"/>'
            + flows("s", "u", "e") + flows("b", "e2", prefix="y"))
    xml = diagram(body, lanes=lane("组织部", "u"))
    first = load_definition({"cycle.bpmn": xml})
    assert first.task_spec("b").event_definition.expression == '"R2/PT1H"'
    assert load_definition({"cycle.bpmn": xml}) is first  # the new-version rules pass again


@pytest.mark.parametrize(("text", "python"), [
    ("${approved}", "approved"),
    ("${!approved}", "(not approved)"),
    ('${decision == "approve"}', 'decision == "approve"'),
    ("${a || !(b && c)}", "a or (not (b and c))"),
    ("#{days ge 3 and x != null}", "days >= 3 and x != None"),
    ("${not not ok}", "(not (not ok))"),
])
def test_juel_that_means_the_same_in_python_is_translated(text: str, python: str) -> None:
    assert to_python(text) == python


@pytest.mark.parametrize(("text", "words"), [
    ('${execution.getVariable("a")}', "execution"),
    ("${a.b}", "属性或方法调用"),
    ("${a ? 1 : 2}", "? :"),
    ("${empty items}", "empty"),
    ("共 ${n} 天", "整段"),
    ("${(a}", "括号"),
])
def test_juel_beyond_that_is_refused_saying_what(text: str, words: str) -> None:
    with pytest.raises(JuelError) as refused:
        to_python(text)
    assert words in str(refused.value)


def test_a_juel_condition_that_cannot_run_is_refused_naming_the_flow() -> None:
    body = ('<bpmn:startEvent id="s"/><bpmn:exclusiveGateway id="g" default="f2"/><bpmn:endEvent id="e"/>'
            '<bpmn:endEvent id="e2"/><bpmn:sequenceFlow id="f1" sourceRef="g" targetRef="e">'
            "<bpmn:conditionExpression>${execution.getVariable('ok')}</bpmn:conditionExpression>"
            '</bpmn:sequenceFlow><bpmn:sequenceFlow id="f2" sourceRef="g" targetRef="e2"/>' + flows("s", "g"))
    with pytest.raises(DefinitionError) as refused:
        load_definition({"juel.bpmn": diagram(body)})
    assert refused.value.element_id == "f1" and "execution" in str(refused.value)


def test_every_unrunnable_element_of_an_upload_is_named_at_once() -> None:
    with pytest.raises(DefinitionError) as refused:
        load_definition({"credit_check.bpmn": (PLAIN / "credit_check.bpmn").read_bytes()})
    assert refused.value.element_id == "Activity_0q9credit"
    assert [(f, e) for f, e, _ in refused.value.problems] == [
        ("credit_check.bpmn", "Activity_0q9credit"), ("credit_check.bpmn", "Activity_1k2reply")]
    assert "服务任务" in str(refused.value) and "credit_reply" in str(refused.value)


def test_bpmn_io_files_are_executable_and_named_after_their_pool() -> None:
    d = load_definition({"visit.bpmn": (PLAIN / "village_visit.bpmn").read_bytes()})
    assert (d.key, d.name) == ("Process_0m4x7qa", "驻村干部入户走访")
    assert any("isExecutable" in w for w in d.warnings)


def test_a_stored_version_loads_with_the_same_defaults() -> None:
    xml = (PLAIN / "cadre_leave.bpmn").read_bytes()
    deployed = load_definition({"cadre_leave.bpmn": xml})
    stored = load_definition({"cadre_leave.bpmn": xml}, version_label="v1", deploying=False)
    assert stored.warnings == deployed.warnings and len(deployed.warnings) == 4
    assert stored.task_spec("Activity_0n7e3wb").extensions["candidateGroups"] == "org_dept"
