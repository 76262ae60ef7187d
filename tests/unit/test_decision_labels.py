"""Each step's own decision words (user-task property decision_labels): parsed into the task
contract, checked at deploy, the general word where a step names none."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from wf_helpers import fixture_bytes, request_data

from service.core.labels import DECISION_NAMES, decision_word
from workflows.definitions import load_definition
from workflows.engine import Engine
from workflows.parsing import DefinitionError, parse_decision_labels

GOOD = fixture_bytes("approval_loop.bpmn")
SCOPE = b'<camunda:property name="scope" value="township:township_id"/>'
BPMN_DIR = Path(__file__).resolve().parents[2] / "bpmn"


def with_labels(value: str) -> bytes:
    assert SCOPE in GOOD
    prop = f'<camunda:property name="decision_labels" value="{value}"/>'.encode()
    return GOOD.replace(SCOPE, SCOPE + prop, 1)


def test_labels_parse_into_a_mapping():
    parsed = parse_decision_labels("approve:予以备案, reject:不予备案")
    assert parsed == {"approve": "予以备案", "reject": "不予备案"}
    assert parse_decision_labels(None) == {}


def test_the_open_task_carries_its_step_words():
    definition = load_definition({"approval_loop.bpmn": with_labels("approve:予以备案,reject:不予备案")})
    instance = Engine().start(definition, request_data(), "i-1",
                              datetime(2026, 12, 1, tzinfo=UTC))
    (task,) = [t for t in instance.open_tasks() if t.spec_id == "township_consent"]
    assert task.decision_labels == {"approve": "予以备案", "reject": "不予备案"}


@pytest.mark.parametrize("value, complaint", [
    ("withdraw:撤回", "不在本任务的 decisions 中"),  # not one of the step's decisions
    ("approve", "须为 决定:名称"),  # no word
    ("approve:" + "很" * 13, "须为 决定:名称"),  # too long to read as a button
])
def test_bad_labels_are_refused_naming_the_step(value, complaint):
    with pytest.raises(DefinitionError) as err:
        load_definition({"bad.bpmn": with_labels(value)})
    assert complaint in str(err.value) and "township_consent" in str(err.value)


def test_a_step_without_words_keeps_the_general_ones():
    assert decision_word("approve", {}) == DECISION_NAMES["approve"] == "同意"
    assert decision_word("approve", {"approve": "确认到岗"}) == "确认到岗"
    assert decision_word("return", {"approve": "确认到岗"}) == "退回修改"
    assert decision_word(None, {"approve": "x"}) is None


def test_every_bundled_step_names_each_of_its_decisions():
    """The words people read are the step's own, never the general 同意 on a step that is not a consent."""
    consent_steps = {"township_consent", "county_consent"}
    for path in sorted(BPMN_DIR.glob("*.bpmn")):
        definition = load_definition({path.name: path.read_bytes()})
        for spec in definition.spec.task_specs.values():
            ext = getattr(spec, "extensions", None) or {}
            if "decisions" not in ext:
                continue
            decisions = [d for d in ext["decisions"].split(",") if d]
            assert set(ext["decisionLabels"]) == set(decisions), (path.name, spec.bpmn_id)
            if spec.bpmn_id not in consent_steps:
                assert "同意" not in ext["decisionLabels"].values(), (path.name, spec.bpmn_id)
