"""bpmn/*.bpmn are the source, edited in a modeller: every file keeps the conventions
(tests/support/bpmn_conventions.py), each convention is shown failing on a broken copy, and a file
saved back by a modeller still keeps them and deploys as the same process."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from bpmn_conventions import CHECKS, NS, problems
from lxml import etree
from modeller_save import SHIFT, resave

from workflows.definitions import load_definition

ROOT = Path(__file__).resolve().parents[2]
FILES = sorted((ROOT / "bpmn").glob("*.bpmn"))
BASE = ROOT / "bpmn" / "mid_term_replacement.bpmn"
CAMUNDA = "{" + NS["camunda"] + "}"


def test_there_are_files_to_check() -> None:
    assert len(FILES) >= 7


@pytest.mark.parametrize("convention", sorted(CHECKS))
@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_file_keeps_every_convention(path: Path, convention: str) -> None:
    assert CHECKS[convention](path) == []


# --- each convention fails on a broken copy ---------------------------------------------------

def broken(tmp_path: Path, change: Callable[[etree._ElementTree], None], name: str = BASE.name) -> Path:
    """A copy of the replacement process with `change` made to it."""
    doc = etree.parse(str(BASE))
    change(doc)
    path = tmp_path / name
    doc.write(str(path), xml_declaration=True, encoding="UTF-8")
    return path


def one(doc: etree._ElementTree, xpath: str) -> etree._Element:
    (el,) = doc.xpath(xpath, namespaces=NS)
    return el


def drop(doc: etree._ElementTree, xpath: str) -> None:
    for el in doc.xpath(xpath, namespaces=NS):
        el.getparent().remove(el)


def only_broken(path: Path, convention: str) -> list[str]:
    """The problems of `convention`, after checking that it is the one convention broken."""
    found = problems(path)
    assert set(found) == {convention}, found
    return found[convention]


def test_the_untouched_copy_keeps_every_convention(tmp_path: Path) -> None:
    assert problems(broken(tmp_path, lambda doc: None)) == {}


def test_an_approval_without_its_escalation_timer_is_found(tmp_path: Path) -> None:
    def change(doc: etree._ElementTree) -> None:
        drop(doc, "//bpmn:boundaryEvent[@id='county_consent_escalation']")
        drop(doc, "//bpmn:sequenceFlow[@sourceRef='county_consent_escalation']")
        drop(doc, "//bpmn:endEvent[@id='end_reminded_county_consent_escalation']")
        for ref in ("county_consent_escalation", "end_reminded_county_consent_escalation"):
            drop(doc, f"//bpmn:flowNodeRef[text()='{ref}'] | //bpmn:incoming[text()='{ref}']")
        flows = {f.get("id") for f in doc.xpath("//bpmn:sequenceFlow", namespaces=NS)}
        drop(doc, "//bpmn:outgoing | //bpmn:incoming")  # the refs a modeller keeps in step
        nodes = {el.get("id") for el in doc.xpath("//bpmn:process//*[@id]", namespaces=NS)} | flows
        for di in doc.xpath("//bpmndi:BPMNShape | //bpmndi:BPMNEdge", namespaces=NS):
            if di.get("bpmnElement") not in nodes and not di.get("bpmnElement").startswith(
                    ("participant_", "lane_")):
                di.getparent().remove(di)

    assert only_broken(broken(tmp_path, change), "approval_timers") == [
        "county_consent: 审批环节缺少按工作日计的escalation定时器（非中断的边界定时事件）"]


def test_a_reminder_counted_in_calendar_days_or_hours_is_no_working_day_timer(tmp_path: Path) -> None:
    def calendar_days(doc: etree._ElementTree) -> None:
        reminder = one(doc, "//bpmn:boundaryEvent[@id='township_consent_reminder']")
        props = one(reminder, "./bpmn:extensionElements/camunda:properties")
        etree.SubElement(props, f"{CAMUNDA}property", name="day_count", value="calendar")

    def hours(doc: etree._ElementTree) -> None:
        one(doc, "//bpmn:boundaryEvent[@id='township_consent_reminder']//bpmn:timeDuration").text = '"PT4H"'

    for change in (calendar_days, hours):
        found = only_broken(broken(tmp_path, change), "approval_timers")
        assert found == ["township_consent: 审批环节缺少按工作日计的reminder定时器（非中断的边界定时事件）"]


def test_a_step_that_starts_to_refuse_becomes_an_approval_and_needs_the_timers(tmp_path: Path) -> None:
    """The revision gets a 不同意 (reject) but keeps only its interrupting deadline."""
    def change(doc: etree._ElementTree) -> None:
        prop = one(doc, "//bpmn:userTask[@id='revise_request']//camunda:property[@name='decisions']")
        prop.set("value", prop.get("value") + ",reject")

    assert only_broken(broken(tmp_path, change), "approval_timers") == [
        "revise_request: 审批环节缺少按工作日计的reminder、escalation定时器（非中断的边界定时事件）"]


def test_an_english_name_is_found(tmp_path: Path) -> None:
    def change(doc: etree._ElementTree) -> None:
        one(doc, "//bpmn:userTask[@id='county_consent']").set("name", "County consent")
        one(doc, "//camunda:formField[@id='nominee_id']").set("label", "Nominee")

    found = only_broken(broken(tmp_path, change), "chinese_names")
    assert found == ["county_consent: 名称 'County consent' 不是中文",
                     "revise_request.nominee_id: 表单字段名称 'Nominee' 不是中文"]


def test_a_step_without_a_role_is_found_and_a_lane_naming_one_gives_it(tmp_path: Path) -> None:
    def no_groups(doc: etree._ElementTree) -> None:
        del one(doc, "//bpmn:userTask[@id='county_consent']").attrib[f"{CAMUNDA}candidateGroups"]

    # In the county's lane, the lane names the role: the convention holds (the deploy says what
    # it read from the lane, so only that one breaks).
    assert set(problems(broken(tmp_path, no_groups))) == {"deploys_cleanly"}

    def nowhere(doc: etree._ElementTree) -> None:
        no_groups(doc)
        one(doc, "//bpmn:lane[@id='lane_county']").set("id", "lane_3")
        one(doc, "//bpmn:lane[@id='lane_3']").set("name", "第三泳道")
        one(doc, "//bpmndi:BPMNShape[@bpmnElement='lane_county']").set("bpmnElement", "lane_3")

    found = problems(broken(tmp_path, nowhere))
    assert found["roles"] == ["county_consent: 没有 candidateGroups，所在泳道也未指明角色"]

    def unknown(doc: etree._ElementTree) -> None:
        one(doc, "//bpmn:userTask[@id='county_consent']").set(f"{CAMUNDA}candidateGroups", "mayor")

    assert problems(broken(tmp_path, unknown))["roles"] == ["county_consent: 角色 'mayor' 未知"]


def test_a_missing_shape_or_edge_is_found(tmp_path: Path) -> None:
    def change(doc: etree._ElementTree) -> None:
        drop(doc, "//bpmndi:BPMNShape[@bpmnElement='county_consent']")
        flow = one(doc, "//bpmn:sequenceFlow[@sourceRef='county_consent']").get("id")
        drop(doc, f"//bpmndi:BPMNEdge[@bpmnElement='{flow}']/di:waypoint[position() > 1]")

    found = problems(broken(tmp_path, change))
    flow = one(etree.parse(str(BASE)), "//bpmn:sequenceFlow[@sourceRef='county_consent']").get("id")
    assert found["di"] == ["county_consent: 缺少图形（BPMNShape 及其 Bounds）",
                           f"{flow}: 缺少连线（BPMNEdge 及至少两个 waypoint）"]
    assert "流程节点 userTask 缺少 BPMNShape" in found["deploys_cleanly"][0]  # the engine refuses it too


def test_a_shape_of_nothing_is_found(tmp_path: Path) -> None:
    def change(doc: etree._ElementTree) -> None:
        plane = one(doc, "//bpmndi:BPMNPlane")
        shape = etree.SubElement(plane, etree.QName(NS["bpmndi"], "BPMNShape"), id="ghost_di",
                                 bpmnElement="ghost")
        etree.SubElement(shape, etree.QName(NS["dc"], "Bounds"), x="0", y="0", width="10", height="10")

    assert only_broken(broken(tmp_path, change), "di") == ["ghost: 图中的图形或连线所指的元素不存在"]


def test_shapes_drawn_over_each_other_are_found(tmp_path: Path) -> None:
    def change(doc: etree._ElementTree) -> None:
        target = one(doc, "//bpmndi:BPMNShape[@bpmnElement='org_dept_filing']/dc:Bounds")
        moved = one(doc, "//bpmndi:BPMNShape[@bpmnElement='rrb_filing']/dc:Bounds")
        moved.set("x", str(float(target.get("x")) + 20))
        moved.set("y", str(float(target.get("y")) + 10))

    found = only_broken(broken(tmp_path, change), "no_overlaps")
    assert "org_dept_filing 与 rrb_filing 的图形重叠" in found


def test_a_boundary_event_off_its_task_is_found(tmp_path: Path) -> None:
    def change(doc: etree._ElementTree) -> None:
        bounds = one(doc, "//bpmndi:BPMNShape[@bpmnElement='county_consent_reminder']/dc:Bounds")
        bounds.set("y", str(float(bounds.get("y")) + 12))

    found = only_broken(broken(tmp_path, change), "no_overlaps")
    assert found == ["county_consent_reminder: 边界事件未画在所附环节 county_consent 的边框上"]


def test_a_duplicate_id_is_found(tmp_path: Path) -> None:
    def change(doc: etree._ElementTree) -> None:
        one(doc, "//bpmndi:BPMNShape[@bpmnElement='county_consent']").set("id", "township_consent")

    assert only_broken(broken(tmp_path, change), "unique_ids") == ["标识 township_consent 用了 2 次"]


def test_a_step_the_deploy_must_complete_or_refuses_is_found(tmp_path: Path) -> None:
    def no_scope(doc: etree._ElementTree) -> None:
        drop(doc, "//bpmn:userTask[@id='county_consent']//camunda:property[@name='scope']")

    (warning,) = only_broken(broken(tmp_path, no_scope), "deploys_cleanly")
    assert warning.startswith("部署提示：") and "county_consent" in warning

    def bad_condition(doc: etree._ElementTree) -> None:
        doc.xpath("//bpmn:conditionExpression", namespaces=NS)[0].text = "__import__('os')"

    (refusal,) = only_broken(broken(tmp_path, bad_condition), "deploys_cleanly")
    assert refusal.startswith("部署被拒绝：")

    renamed = broken(tmp_path, lambda doc: None, name="replacement.bpmn")
    assert only_broken(renamed, "deploys_cleanly") == [
        "流程标识 mid_term_replacement 与文件名 replacement.bpmn 不符"]


# --- a modeller's save --------------------------------------------------------------------------

def steps(definition: object) -> dict[str, tuple[str, dict[str, object]]]:
    """What the engine reads from a definition: each task spec's kind and properties."""
    return {getattr(s, "bpmn_id", None) or name: (type(s).__name__, dict(getattr(s, "extensions", {}) or {}))
            for name, s in definition.spec.task_specs.items()}  # type: ignore[attr-defined]


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_a_file_saved_back_by_a_modeller_keeps_the_conventions_and_deploys_the_same(
        path: Path, tmp_path: Path) -> None:
    content = path.read_bytes()
    saved = tmp_path / path.name
    saved.write_bytes(resave(content))
    text = saved.read_text("utf-8")
    assert 'modeler:executionPlatform="Camunda Platform"' in text and 'exporter="Camunda Modeler"' in text
    assert saved.read_bytes() != content
    original = etree.parse(str(path)).xpath("//dc:Bounds", namespaces=NS)[0]
    moved = etree.parse(str(saved)).xpath("//dc:Bounds", namespaces=NS)[0]
    assert float(moved.get("x")) == float(original.get("x")) + SHIFT[0]

    assert problems(saved) == {}
    before = load_definition({path.name: content})
    after = load_definition({path.name: saved.read_bytes()})
    assert after.content_hash != before.content_hash  # another file: a new version when deployed
    assert (after.key, after.name) == (before.key, before.name)
    assert steps(after) == steps(before)
