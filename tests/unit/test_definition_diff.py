"""What the version comparison reports: elements added, removed and changed by id and name, a
default the modeller leaves out is no change, a moved shape is only a layout change, and the
text diff marks its lines."""

from __future__ import annotations

from pathlib import Path

from service.queries.definition_diff import describe, diff_definitions, user_tasks

BPMN = (Path(__file__).resolve().parents[2] / "bpmn" / "recall.bpmn").read_text(encoding="utf-8")
FILE = "recall.bpmn"


def test_the_same_files_are_no_change() -> None:
    diff = diff_definitions({FILE: BPMN}, {FILE: BPMN})
    assert diff.same_text and diff.same_model and not diff.text and diff.moved_shapes == 0


def test_a_left_out_default_and_a_moved_shape_change_no_element() -> None:
    # bpmn-js writes an interrupting boundary event without cancelActivity="true"
    explicit = 'attachedToRef="rectification" cancelActivity="true"'
    assert BPMN.count(explicit) == 1
    changed = BPMN.replace(explicit, 'attachedToRef="rectification"')
    shape = '<bpmndi:BPMNShape id="county_decision_di" bpmnElement="county_decision"'
    assert shape in changed
    head, tail = changed.split(shape, 1)
    bounds_at = tail.index('x="') + 3
    moved = head + shape + tail[:bounds_at] + "9" + tail[bounds_at:]
    diff = diff_definitions({FILE: BPMN}, {FILE: moved})
    assert diff.same_model and not diff.same_text and diff.moved_shapes == 1
    assert any(line.kind == "del" for line in diff.text) and any(line.kind == "add" for line in diff.text)


def test_added_removed_and_changed_elements_by_id_and_name() -> None:
    changed = BPMN.replace('<camunda:property name="notify" value="county"/>',
                           '<camunda:property name="notify" value="org_dept"/>', 1)
    changed = changed.replace('name="县驻村工作领导小组决定"', 'name="县驻村工作领导小组研究决定"', 1)
    changed = changed.replace("</bpmn:process>",
                              '<bpmn:task id="extra_step" name="补充环节"/></bpmn:process>', 1)
    diff = diff_definitions({FILE: BPMN}, {"renamed.bpmn": changed}, "第 1 版", "第 2 版")
    assert [(e.id, e.name, e.kind_name) for e in diff.added] == [("extra_step", "补充环节", "环节")]
    assert diff.removed == []
    changes = {c.new.id: [(ch.label, ch.old, ch.new) for ch in c.changes] for c in diff.changed}
    assert changes["county_decision"] == [("名称", "县驻村工作领导小组决定", "县驻村工作领导小组研究决定")]
    notified = [c for c in diff.changed if c.new.id != "county_decision"]
    assert len(notified) == 1
    assert notified[0].changes[0].label == "通知角色"
    assert (notified[0].changes[0].old, notified[0].changes[0].new) == (
        "县驻村工作领导小组（county）", "县委组织部（org_dept）")
    assert diff.text[0].text == "--- 第 1 版 recall.bpmn" and diff.text[1].text == "+++ 第 2 版 renamed.bpmn"
    removed = diff_definitions({FILE: changed}, {FILE: BPMN})
    assert [e.id for e in removed.removed] == ["extra_step"]


def test_a_versions_steps_read_with_their_own_decision_words() -> None:
    steps = {s["id"]: s for s in user_tasks(BPMN)}
    assert steps["county_decision"]["decisions"] == "限期整改（rectify）、召回（recall）"
    assert steps["county_decision"]["role"] == "县驻村工作领导小组（county）"
    assert steps["rectification"]["scope"] == "派出单位，按 unit_id（unit:unit_id）"
    assert steps["rectification"]["form"] == ["rectification_report：整改报告，类型 string，必填"]
    assert "county_decision" in describe(BPMN) and "county_decision_di" not in describe(BPMN)
