"""The facade: open tasks, decisions, comments, form validation, paths, messages, status."""

import pytest
from wf_helpers import local, request_data

from workflows.engine import (
    CommentRequired,
    DecisionNotAllowed,
    FormInvalid,
    MessageNotExpected,
    NotRunning,
    TaskNotFound,
    TaskNotReady,
    state_hash,
)
from workflows.replay import replay
from workflows.serialization import dump_state

T0 = local(2026, 9, 24, 9, 0)  # Thursday; Friday 25th is the Mid-autumn holiday


@pytest.fixture
def inst(engine, approval_definition):
    return engine.start(approval_definition, request_data(), instance_id="inst-1", at=T0)


def only_task(inst):
    tasks = inst.open_tasks()
    assert len(tasks) == 1, tasks
    return tasks[0]


def test_open_task_carries_role_scope_decisions_and_due_time(inst):
    t = only_task(inst)
    assert (t.spec_id, t.name, t.role) == ("township_consent", "乡镇党委同意", "township")
    assert (t.scope_kind, t.scope_value) == ("township", "t1")
    assert t.decisions == ["approve", "reject", "return"]
    assert t.comment_required == ["reject", "return"]
    assert t.ready_at == T0
    # due = escalation (P5D): Mon 28, Tue 29, Wed 30, (Oct 1-7 National Day), Thu Oct 8, Fri Oct 9.
    assert t.due_at == local(2026, 10, 9, 9, 0)
    assert inst.status == "running"
    assert inst.data["rule_violations"] == [] and inst.data["new_cadre_id"] == "c_new"


def test_county_scope_and_approval_to_the_end(inst):
    r = inst.complete(only_task(inst).id, decision="approve", actor="tw1", at=T0.replace(hour=10))
    assert r.status == "running" and r.completed_task_id
    t = only_task(inst)
    assert (t.spec_id, t.role) == ("county_consent", "county")
    assert (t.scope_kind, t.scope_value) == ("county", "county")
    r = inst.complete(t.id, decision="approve", comment="同意", actor="cty", at=T0.replace(hour=11))
    assert r.status == "completed" and inst.status == "completed"
    assert r.thrown_messages == [("handover_requested", {
        "old_cadre_id": "c_old", "new_cadre_id": "c_new", "village_id": "v1", "township_id": "t1",
        "unit_id": "u1", "role": "first_secretary"})]
    assert inst.thrown_messages == r.thrown_messages
    assert inst.open_tasks() == [] and inst.pending_timers() == []
    assert {"township_consent", "county_consent", "end_approved"} <= set(inst.completed_element_ids())
    assert inst.active_element_ids() == []
    data = inst.data
    assert data["township_consent_decision"] == "approve" and data["county_consent_decision"] == "approve"
    assert data["decision"] == "approve" and data["comment"] == "同意"


def test_reject_needs_comment_then_ends_rejected(inst):
    t = only_task(inst)
    before = state_hash(inst.state())
    with pytest.raises(CommentRequired) as err:
        inst.complete(t.id, decision="reject", comment="  ", actor="tw1", at=T0)
    assert err.value.field == "comment"
    assert state_hash(inst.state()) == before  # a refused command changes nothing
    r = inst.complete(t.id, decision="reject", comment="人选不合适", actor="tw1", at=T0)
    assert r.status == "rejected" and inst.status == "rejected"
    assert r.thrown_messages == []


def test_decision_not_allowed(inst):
    with pytest.raises(DecisionNotAllowed) as err:
        inst.complete(only_task(inst).id, decision="resubmit", actor="tw1", at=T0)
    assert err.value.field == "decision"
    with pytest.raises(DecisionNotAllowed):
        inst.complete(only_task(inst).id, decision=None, actor="tw1", at=T0)


def test_unknown_and_not_ready_tasks(inst):
    with pytest.raises(TaskNotFound):
        inst.complete("not-a-uuid", decision="approve", at=T0)
    with pytest.raises(TaskNotFound):
        inst.complete("00000000-0000-0000-0000-000000000000", decision="approve", at=T0)
    t = only_task(inst)
    inst.complete(t.id, decision="approve", at=T0)
    with pytest.raises(TaskNotReady):
        inst.complete(t.id, decision="approve", at=T0)
    waiting_timer = inst.pending_timers()[0]
    with pytest.raises(TaskNotReady):
        inst.complete(waiting_timer.id, decision="approve", at=T0)


def return_for_revision(inst):
    inst.complete(only_task(inst).id, decision="return", comment="补充材料", actor="tw1", at=T0)
    t = only_task(inst)
    assert (t.spec_id, t.role, t.scope_kind, t.scope_value) == ("revise_request", "unit_hr", "unit", "u1")
    return t


@pytest.mark.parametrize(("data", "field"), [
    ({"salary": 1}, "salary"),  # not a form field: users cannot overwrite arbitrary process data
    ({"role": "team_member"}, "role"),
    ({}, "reason"),  # required
    ({"reason": "bored"}, "reason"),  # enum
    ({"reason": "health", "evidence_count": "3"}, "evidence_count"),  # long
    ({"reason": "health", "evidence_count": True}, "evidence_count"),
    ({"reason": "health", "urgent": "yes"}, "urgent"),  # boolean
    ({"reason": "health", "effective_date": "15/10/2026"}, "effective_date"),  # date
    ({"reason": "health", "justification": 5}, "justification"),  # string
])
def test_form_validation_names_the_field(inst, data, field):
    t = return_for_revision(inst)
    with pytest.raises(FormInvalid) as err:
        inst.complete(t.id, decision="resubmit", data=data, actor="hr", at=T0)
    assert err.value.field == field


def test_return_resubmit_loops_through_rules_again(inst):
    t = return_for_revision(inst)
    inst.complete(t.id, decision="resubmit", data={"reason": "other", "justification": "家中老人重病",
                                                    "evidence_count": 2, "urgent": True,
                                                    "effective_date": "2026-11-01"}, actor="hr", at=T0)
    t = only_task(inst)
    assert t.spec_id == "township_consent"
    data = inst.data
    assert data["rounds"] == 2 and data["reason"] == "other" and data["effective_date"] == "2026-11-01"
    assert data["revise_request_decision"] == "resubmit"


def test_resubmit_breaking_rules_ends_rejected_by_rules(inst):
    t = return_for_revision(inst)
    r = inst.complete(t.id, decision="resubmit", data={"reason": "other"}, actor="hr", at=T0)
    assert r.status == "rejected"
    assert "end_rejected_rules" in inst.completed_element_ids()
    assert [v["rule"] for v in inst.data["rule_violations"]] == ["justification_required"]


def test_withdraw_from_revision_needs_comment(inst):
    t = return_for_revision(inst)
    with pytest.raises(CommentRequired):
        inst.complete(t.id, decision="withdraw", data={"reason": "health"}, at=T0)
    r = inst.complete(t.id, decision="withdraw", comment="不再调整", data={"reason": "health"}, at=T0)
    assert r.status == "withdrawn"


def test_withdraw_message_before_first_decision(inst):
    r = inst.send_message("withdraw", {"by": "hr_u1"}, at=T0.replace(hour=10))
    assert r.status == "withdrawn" and inst.status == "withdrawn"
    assert inst.open_tasks() == [] and inst.pending_timers() == []
    assert "withdraw_requested" in inst.completed_element_ids()


def test_withdraw_message_after_first_decision_is_not_expected(inst):
    inst.complete(only_task(inst).id, decision="approve", at=T0)
    with pytest.raises(MessageNotExpected):
        inst.send_message("withdraw", None, at=T0)
    assert inst.status == "running"


def test_rule_violations_at_start_end_rejected(engine, approval_definition):
    facts = {"party_status": "probationary", "employment_type": "temporary"}
    inst = engine.start(approval_definition, request_data(nominee_facts=facts), instance_id="i-bad", at=T0)
    assert inst.status == "rejected"
    rules = {v["rule"] for v in inst.data["rule_violations"]}
    assert {"nominee_not_formal_party_member", "nominee_temporary_staff"} <= rules


def test_reserved_and_non_json_inputs_refused(engine, approval_definition, inst):
    with pytest.raises(FormInvalid):
        engine.start(approval_definition, request_data(__cadreflow__={}), instance_id="x", at=T0)
    with pytest.raises(FormInvalid):
        engine.start(approval_definition, request_data(decision="approve"), instance_id="x", at=T0)
    with pytest.raises(FormInvalid):
        engine.start(approval_definition, request_data(blob=object()), instance_id="x", at=T0)
    t = return_for_revision(inst)
    with pytest.raises(FormInvalid):
        inst.complete(t.id, decision="resubmit", data={"reason": "health"},
                      trusted_data={"__cadreflow__": 1}, at=T0)
    inst.complete(t.id, decision="resubmit", data={"reason": "health"},
                  trusted_data={"nominee_facts": {
                      "party_status": "formal", "party_member_since": "2001-01-01",
                      "work_start_date": "2001-01-01", "employment_type": "staff"}},
                  at=T0)
    assert inst.data["nominee_facts"]["party_member_since"] == "2001-01-01"


def test_naive_times_refused(inst):
    from datetime import datetime
    with pytest.raises(ValueError):
        inst.fire_due_timers(datetime(2026, 10, 1))


def test_terminate_cancels_tasks_and_timers_keeps_data_and_replays(engine, approval_definition, inst):
    data = inst.data
    assert inst.open_tasks() and inst.pending_timers()
    at = local(2026, 9, 25, 10, 0)
    result = inst.terminate(at)
    assert result.status == inst.status == "terminated"
    assert inst.open_tasks() == [] and inst.pending_timers() == [] and inst.active_element_ids() == []
    assert inst.data == data  # what the request said stays readable
    # Persisted: a restored instance is still terminated, and nothing fires or completes any more.
    restored = engine.restore(approval_definition, inst.state(), "inst-1")
    assert restored.status == "terminated" and restored.data == data
    assert restored.fire_due_timers(local(2026, 12, 1, 9, 0)).fired_timers == []
    with pytest.raises(NotRunning):
        restored.terminate(at)
    # A replay of start + terminate reproduces the state byte for byte.
    commands = [{"kind": "start", "inputs": {"instance_id": "inst-1", "data": request_data()},
                 "at": T0.isoformat()},
                {"kind": "terminate", "inputs": {}, "at": at.isoformat()}]
    assert replay(approval_definition, commands, engine)[-1] == state_hash(inst.state())


def test_a_finished_instance_cannot_be_terminated(inst):
    inst.complete(only_task(inst).id, decision="reject", comment="不同意", at=local(2026, 9, 24, 10, 0))
    assert inst.status == "rejected"
    with pytest.raises(NotRunning):
        inst.terminate(local(2026, 9, 24, 11, 0))


def test_the_dump_of_the_size_check_is_what_state_and_state_hash_answer(inst):
    def fresh() -> str:
        return state_hash(dump_state(inst.workflow))

    assert inst.state() == dump_state(inst.workflow) and inst.state_hash() == fresh()
    inst.complete(only_task(inst).id, decision="return", comment="补充材料", at=local(2026, 9, 24, 10, 0))
    assert inst.state_hash() == fresh()
    with pytest.raises(DecisionNotAllowed):  # a refused command leaves no stale dump behind
        inst.complete(only_task(inst).id, decision="approve", at=local(2026, 9, 24, 11, 0))
    assert inst.state_hash() == fresh()
    inst.fire_due_timers(local(2026, 12, 1, 9, 0))
    assert inst.state() == dump_state(inst.workflow) and inst.state_hash() == fresh()
