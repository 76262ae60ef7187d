"""Reading 抄送 from a diagram (workflows/carbon_copy.py): roles by code or Chinese name, each
once; what names no role is listed (the deploy refuses it); a step's and the process's `cc`."""

from __future__ import annotations

import pytest
from element_diagrams import diagram, flows

from workflows.carbon_copy import cc_roles, process_cc, step_cc, unknown_cc_roles
from workflows.definitions import load_definition
from workflows.parsing import DefinitionError


def test_roles_are_read_by_code_or_chinese_name_each_once_in_order() -> None:
    read = cc_roles("org_dept, 乡镇，县委组织部,auditor, 派出单位")
    assert read == ("org_dept", "township", "auditor", "unit_hr")
    assert cc_roles("") == cc_roles(None) == ()
    assert unknown_cc_roles("township,mayor, 县长 ,county_org") == ["mayor", "县长", "county_org"]
    assert unknown_cc_roles("审计监督,系统管理员,驻村干部") == []


def cc_diagram(step_value: str, process_value: str | None = None) -> bytes:
    process = ('<bpmn:extensionElements><camunda:properties><camunda:property name="cc" '
               f'value="{process_value}"/></camunda:properties></bpmn:extensionElements>'
               if process_value is not None else "")
    return diagram(
        process + '<bpmn:startEvent id="s" name="发起"/>'
        '<bpmn:userTask id="review" name="审核" camunda:candidateGroups="township"><bpmn:extensionElements>'
        '<camunda:properties><camunda:property name="decisions" value="approve"/>'
        '<camunda:property name="scope" value="township:township_id"/>'
        f'<camunda:property name="cc" value="{step_value}"/></camunda:properties></bpmn:extensionElements>'
        '</bpmn:userTask><bpmn:endEvent id="e" name="结束"/>' + flows("s", "review", "e"), pid="cc_unit")


def test_a_steps_and_the_processs_cc_are_read_from_the_definition() -> None:
    definition = load_definition({"cc_unit.bpmn": cc_diagram("county,乡镇", "审计监督")})
    assert step_cc(definition, "review") == ("county", "township")
    assert process_cc(definition) == ("auditor",)
    plain = load_definition({"cc_unit.bpmn": cc_diagram("county")})
    assert process_cc(plain) == ()


@pytest.mark.parametrize(("step_value", "process_value", "element"), [
    ("county,mayor", None, "review"), ("county", "nobody", "cc_unit")])
def test_a_role_nothing_names_is_refused_naming_the_element_and_the_role(
        step_value: str, process_value: str | None, element: str) -> None:
    with pytest.raises(DefinitionError) as refused:
        load_definition({"cc_unit.bpmn": cc_diagram(step_value, process_value)})
    assert refused.value.element_id == element
    assert repr(process_value or "mayor") in str(refused.value)
