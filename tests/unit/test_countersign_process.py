"""会签: a parallel multi-instance step, one task per signer, decided by its countersign rule."""

import pytest
from wf_helpers import fixture_bytes, local

from workflows.countersign import outcome, parse_rule
from workflows.engine import load_definition, state_hash
from workflows.parsing import DefinitionError
from workflows.replay import replay

T0 = local(2026, 9, 24, 9, 0)
SIGNERS = ["cty_a", "cty_b", "cty_c", "cty_d"]


def definition(rule: str):
    raw = fixture_bytes("countersign.bpmn").replace(b"RULE", rule.encode())
    return load_definition({"countersign.bpmn": raw})


def run(engine, rule, votes):
    """Start with four signers and let them vote in order; returns (instance, commands)."""
    d = definition(rule)
    inst = engine.start(d, {"signers": SIGNERS}, instance_id="cs-1", at=T0)
    commands = [{"kind": "start", "inputs": {"instance_id": "cs-1", "data": {"signers": SIGNERS}},
                 "at": T0.isoformat()}]
    for n, (signer, decision) in enumerate(votes):
        task = next(t for t in inst.open_tasks() if t.scope_value == signer)
        at = T0.replace(hour=10 + n)
        comment = "不同意" if decision == "reject" else ""
        inst.complete(task.id, decision=decision, comment=comment, actor=signer, at=at)
        commands.append({"kind": "complete", "at": at.isoformat(), "inputs": {
            "task_id": task.id, "decision": decision, "comment": comment, "actor": signer}})
    return d, inst, commands


def test_each_signer_has_a_task_of_their_own(engine):
    inst = engine.start(definition("all"), {"signers": SIGNERS}, instance_id="cs-1", at=T0)
    tasks = inst.open_tasks()
    assert [(t.spec_id, t.scope_kind, t.scope_value) for t in tasks] == [
        ("joint_sign", "user", s) for s in SIGNERS]
    assert len({t.id for t in tasks}) == 4


def test_all_approve_carries_the_step_and_replays(engine):
    d, inst, commands = run(engine, "all", [(s, "approve") for s in SIGNERS])
    assert inst.status == "completed"
    assert "end_approved" in inst.completed_element_ids()
    tally = inst.data["joint_sign_countersign"]
    assert tally["outcome"] == "approve" and tally["votes"] == dict.fromkeys(SIGNERS, "approve")
    assert replay(d, commands, engine)[-1] == state_hash(inst.state())


def test_all_rule_one_reject_ends_it_and_cancels_the_rest(engine):
    d, inst, commands = run(engine, "all", [("cty_a", "approve"), ("cty_c", "reject")])
    assert inst.status == "rejected" and inst.open_tasks() == []
    assert inst.data["joint_sign_decision"] == "reject"
    assert replay(d, commands, engine)[-1] == state_hash(inst.state())


def test_any_rule_one_approval_is_enough(engine):
    _, inst, _ = run(engine, "any", [("cty_b", "reject"), ("cty_d", "approve")])
    assert inst.status == "completed" and inst.open_tasks() == []


def test_any_rule_rejects_only_when_everyone_rejects(engine):
    _, inst, _ = run(engine, "any", [(s, "reject") for s in SIGNERS[:3]])
    assert inst.status == "running" and [t.scope_value for t in inst.open_tasks()] == ["cty_d"]
    last = inst.open_tasks()[0].id
    inst.complete(last, decision="reject", comment="否", actor="cty_d", at=T0.replace(hour=16))
    assert inst.status == "rejected"


def test_share_rule_half_of_four_needs_two(engine):
    _, inst, _ = run(engine, "share:0.5", [("cty_a", "reject"), ("cty_b", "approve")])
    assert inst.status == "running" and len(inst.open_tasks()) == 2
    _, inst, _ = run(engine, "share:0.5", [("cty_a", "approve"), ("cty_b", "reject"), ("cty_c", "approve")])
    assert inst.status == "completed"
    _, inst, _ = run(engine, "share:0.75", [("cty_a", "reject"), ("cty_b", "reject")])
    assert inst.status == "rejected"  # three of four can no longer approve


def test_outcome_table():
    assert outcome(parse_rule("all"), 2, {"a": "approve"}) is None
    assert outcome(parse_rule("all"), 2, {"a": "approve", "b": "approve"}) == "approve"
    assert outcome(parse_rule("share:0.6"), 5, {"a": "approve", "b": "approve"}) is None
    assert outcome(parse_rule("share:0.6"), 5, dict.fromkeys("abc", "approve")) == "approve"


@pytest.mark.parametrize(("rule", "word"), [("most", "countersign"), ("share:0", "countersign"),
                                            ("share:1.5", "countersign")])
def test_bad_rules_are_refused_at_deploy(rule, word):
    with pytest.raises(DefinitionError, match=word) as err:
        definition(rule)
    assert err.value.element_id == "joint_sign"


def test_countersign_needs_a_parallel_loop():
    raw = fixture_bytes("countersign.bpmn").replace(b"RULE", b"all").replace(
        b"<bpmn:multiInstanceLoopCharacteristics ",
        b'<bpmn:multiInstanceLoopCharacteristics isSequential="true" ')
    with pytest.raises(DefinitionError, match="并行多实例"):
        load_definition({"countersign.bpmn": raw})
