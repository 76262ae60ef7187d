"""Instance migration, the move: a running instance re-entered on the target at the mapped
elements, its data, task ids and deadlines carried as migration.py documents, the result a state
a replay reproduces; and the instances that cannot move, each with the element named."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from bpmn_snippets import boundary_timer
from element_diagrams import diagram, flows
from process_support import BPMN_DIR, HANDOVER_LIST, Run, cst, handover_data
from wf_helpers import fixture_bytes, local, request_data

from workflows import migration
from workflows.definitions import load_definition
from workflows.engine import Engine
from workflows.replay import apply_command

REPO = Path(__file__).resolve().parents[2]
MTR = "mid_term_replacement.bpmn"
IID = "00000000-0000-4000-8000-0000000000aa"
S, E = '<bpmn:startEvent id="s"/>', '<bpmn:endEvent id="e"/>'


def user(task_id: str) -> str:
    return f'<bpmn:userTask id="{task_id}" name="{task_id}" camunda:candidateGroups="county"/>'


def bj(day: int, hour: int = 9) -> datetime:
    return local(2026, 9, day, hour)


@pytest.fixture(scope="module")
def v1():
    return load_definition({MTR: (REPO / "bpmn" / MTR).read_bytes()})


@pytest.fixture(scope="module")
def v2():
    return load_definition({MTR: fixture_bytes("mid_term_replacement_v2_migration.bpmn")})


def at_county_consent(engine: Engine, v1):  # type: ignore[no-untyped-def]
    """A replacement the township approved on Wednesday 2 September (its county step waiting)."""
    inst = engine.start(v1, request_data(), instance_id=IID, at=bj(1))
    (task,) = inst.open_tasks()
    inst.complete(task.id, decision="approve", comment="", actor="tw", at=bj(2))
    return inst


def due(instance) -> dict[str, datetime | None]:  # type: ignore[no-untyped-def]
    return {t.spec_id: t.fire_at for t in instance.pending_timers()}


def test_a_replacement_moves_mid_way_and_finishes_on_the_new_version(engine, v1, v2):
    inst = at_county_consent(engine, v1)
    (before,) = inst.open_tasks()
    source_hash = inst.state_hash()
    mapping = migration.default_mapping(v1, v2)
    assert migration.blockers(inst, v2, mapping) == []

    moved = migration.migrate(inst, v2, mapping, bj(4))
    assert inst.state_hash() == source_hash  # the source instance is left as it was
    (after,) = moved.open_tasks()
    # the same task (its row, claim and urges stay with it), now the target's step
    assert (after.id, after.spec_id, after.name) == (before.id, "county_consent", "县驻村工作领导小组审议")
    assert after.ready_at == before.ready_at
    assert moved.data == inst.data
    # v2's escalation is P8D literal (v1: five working days), counted from when the step started
    # on Wednesday the 2nd: eight working days later is Monday the 14th; the reminder is unchanged
    assert due(inst) == {"county_consent_reminder": bj(7), "county_consent_escalation": bj(9)}
    assert due(moved) == {"county_consent_reminder": bj(7), "county_consent_escalation": bj(14)}
    assert after.due_at == bj(14)

    moved.complete(after.id, decision="approve", comment="", actor="county", at=bj(7, 10))
    assert [t.spec_id for t in moved.open_tasks()] == ["county_publicity"]  # the step v2 added
    (publicity,) = moved.open_tasks()
    moved.complete(publicity.id, decision="approve", comment="", actor="county", at=bj(7, 11))
    (filing,) = moved.open_tasks()
    moved.complete(filing.id, decision="approve", comment="", actor="orgdept", at=bj(8))
    assert moved.status == "completed"
    assert [name for name, _ in moved.thrown_messages] == ["handover_requested"]


def test_the_move_is_a_command_a_replay_repeats(engine, v1, v2):
    mapping = migration.default_mapping(v1, v2)
    moved = migration.migrate(at_county_consent(engine, v1), v2, mapping, bj(4))
    again = apply_command(Engine(), v1, at_county_consent(Engine(), v1),
                          {"kind": "migrate", "inputs": {"mapping": mapping}, "at": bj(4).isoformat()},
                          IID, target=v2)
    assert again.state_hash() == moved.state_hash()
    assert engine.restore(v2, moved.state(), IID).state_hash() == moved.state_hash()
    with pytest.raises(ValueError, match="目标版本"):
        apply_command(engine, v1, at_county_consent(engine, v1),
                      {"kind": "migrate", "inputs": {"mapping": mapping}, "at": bj(4).isoformat()}, IID)


def test_a_step_mapped_to_another_id_keeps_its_deadlines_by_kind(engine, v1):
    renamed = load_definition({"m.bpmn": (REPO / "bpmn" / "mid_term_replacement.bpmn").read_text(
        encoding="utf-8").replace("county_consent", "county_review").encode()})
    inst = at_county_consent(engine, v1)
    inst.fire_due_timers(bj(8))  # the reminder went out on Monday the 7th
    assert due(inst) == {"county_consent_escalation": bj(9)}
    mapping = migration.default_mapping(v1, renamed)
    assert mapping["county_consent"] is None
    (blocker,) = migration.blockers(inst, renamed, mapping)
    assert blocker == migration.Blocker(
        "county_consent", "实例停在「县驻村工作领导小组审核」（county_consent）：目标版本中没有对应环节")

    moved = migration.migrate(inst, renamed, {**mapping, "county_consent": "county_review"}, bj(8, 10))
    (task,) = moved.open_tasks()
    assert (task.id, task.spec_id) == (inst.open_tasks()[0].id, "county_review")
    # the escalation keeps its appointment; the reminder already sent is not sent again
    assert due(moved) == {"county_review_escalation": bj(9)}


def test_a_timer_new_in_the_target_counts_from_the_migration_and_ids_stay(engine):
    def parallel(extra: str = "") -> object:
        return load_definition({"p.bpmn": diagram(
            S + '<bpmn:parallelGateway id="fork"/>' + user("a") + user("b")
            + '<bpmn:parallelGateway id="join"/>' + E + extra + flows("s", "fork", "a", "join", "e")
            + flows("fork", "b", "join", prefix="g"))})

    plain, timed = parallel(), parallel(boundary_timer("b_t", "b"))
    inst = engine.start(plain, {}, instance_id=IID, at=bj(1))
    ids = {t.spec_id: t.id for t in inst.open_tasks()}
    inst.complete(ids["a"], decision="complete", at=bj(1, 10))
    assert migration.active_element_ids(inst) == ["join", "b"]

    # b gets a boundary split in the target: its task is re-created under it with its own id kept
    moved = migration.migrate(inst, timed, migration.default_mapping(plain, timed), bj(2))
    assert [(t.id, t.spec_id) for t in moved.open_tasks()] == [(ids["b"], "b")]
    assert due(moved) == {"b_t": bj(3)}  # one working day from the migration
    moved.complete(ids["b"], decision="complete", at=bj(2, 10))
    assert moved.status == "completed"  # the join still counts branch a

    # and back: the split goes, the task stays (a parallel pair, both open)
    both = engine.start(timed, {}, instance_id=IID, at=bj(1))
    before = {t.spec_id: t.id for t in both.open_tasks()}
    back = migration.migrate(both, plain, migration.default_mapping(timed, plain), bj(1, 12))
    assert {t.spec_id: t.id for t in back.open_tasks()} == before
    assert back.pending_timers() == []


def test_a_waiting_timer_event_counts_its_new_duration_from_when_it_started(engine):
    def waiting(duration: str) -> object:
        event = ('<bpmn:intermediateCatchEvent id="w" name="等待"><bpmn:timerEventDefinition>'
                 f'<bpmn:timeDuration>"{duration}"</bpmn:timeDuration></bpmn:timerEventDefinition>'
                 '</bpmn:intermediateCatchEvent>')
        return load_definition({"p.bpmn": diagram(S + event + user("a") + E + flows("s", "w", "a", "e"))})

    three, five = waiting("P3D"), waiting("P5D")
    inst = engine.start(three, {}, instance_id=IID, at=bj(1))
    assert due(inst) == {"w": bj(4)}
    moved = migration.migrate(inst, five, migration.default_mapping(three, five), bj(2))
    assert due(moved) == {"w": bj(8)}  # five working days from Tuesday the 1st
    moved.fire_due_timers(datetime(2026, 9, 8, 2, tzinfo=UTC))
    assert [t.spec_id for t in moved.open_tasks()] == ["a"]


def test_instances_that_cannot_move_say_where_and_why(engine, v1):
    inst = at_county_consent(engine, v1)
    without_gateway = load_definition({"m.bpmn": (REPO / "bpmn" / "mid_term_replacement.bpmn").read_text(
        encoding="utf-8").replace("gw_township_decision", "gw_township").encode()})
    assert migration.blockers(inst, without_gateway, migration.default_mapping(v1, without_gateway)) == [
        migration.Blocker("gw_township_decision",
                          "已办环节「乡镇意见」（gw_township_decision）在目标版本中不存在，无法保留办理经过")]
    with pytest.raises(migration.MigrationRefused, match="乡镇意见"):
        migration.migrate(inst, without_gateway, migration.default_mapping(v1, without_gateway), bj(4))

    countersign = load_definition({"c.bpmn": fixture_bytes("countersign.bpmn").replace(b"RULE", b"all")})
    signing = engine.start(countersign, {"signers": ["a", "b"]}, instance_id=IID, at=bj(1))
    found = migration.blockers(signing, countersign, migration.default_mapping(countersign, countersign))
    assert found and all("会签（多实例）环节暂不支持迁移" in b.reason for b in found)
    assert {b.element_id for b in found} == {"joint_sign"}

    inst.terminate(bj(3))
    assert migration.blockers(inst, v1, migration.default_mapping(v1, v1)) == [
        migration.Blocker(None, "实例已结束（terminated），不能迁移")]


def test_an_instance_in_a_subprocess_cannot_move(engine):
    inner = '<bpmn:startEvent id="ss"/>' + user("inner") + '<bpmn:endEvent id="se"/>' + flows(
        "ss", "inner", "se", prefix="i")
    nested = load_definition({"p.bpmn": diagram(
        S + f'<bpmn:subProcess id="sp" name="子流程">{inner}</bpmn:subProcess>' + E + flows("s", "sp", "e"))})
    inst = engine.start(nested, {}, instance_id=IID, at=bj(1))
    assert migration.blockers(inst, nested, migration.default_mapping(nested, nested)) == [
        migration.Blocker("sp", "实例含子流程「子流程」（sp）：子流程暂不支持迁移")]


def test_a_handover_half_signed_moves_and_its_join_still_waits_for_the_other_signature():
    run = Run("handover", handover_data())
    run.fire(cst(2026, 10, 15, 9, 0, 1))
    run.do("confirm_arrival", "approve", data={"arrival_date": "2026-10-15"})
    run.do("prepare_handover_list", "approve", data=HANDOVER_LIST)
    run.do("review_handover_list", "approve")
    run.do("sign_new", "approve")
    assert migration.active_element_ids(run.inst) == ["sign_old", "gw_sign_join"]
    xml = (BPMN_DIR / "handover.bpmn").read_text(encoding="utf-8")
    renamed = xml.replace('<bpmn:userTask id="sign_old" name="原任干部签字确认"',
                          '<bpmn:userTask id="sign_old" name="原任干部签字"')
    assert renamed != xml
    v2 = load_definition({"handover.bpmn": renamed.encode()})
    moved = migration.migrate(run.inst, v2, migration.default_mapping(run.inst.definition, v2),
                              cst(2026, 10, 20, 9))
    (task,) = moved.open_tasks()
    assert (task.id, task.spec_id, task.name) == (run.inst.open_tasks()[0].id, "sign_old", "原任干部签字")
    moved.complete(task.id, decision="approve", actor="cadre_old", at=cst(2026, 10, 20, 10))
    assert [t.spec_id for t in moved.open_tasks()] == ["witness_handover"]  # both signatures counted
