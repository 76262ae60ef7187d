"""bpmn/mid_term_replacement.bpmn end to end through the engine facade (every path of design §1.1)."""

from __future__ import annotations

import pytest
from process_support import HANDOVER_KEYS, TEMPORARY_FACTS, Run, adjustment_data, cst

from workflows.engine import CommentRequired, DecisionNotAllowed, FormInvalid, MessageNotExpected

KEY = "mid_term_replacement"
FILING = {"first_secretary": "org_dept_filing", "team_member": "rrb_filing"}


def start(**overrides: object) -> Run:
    return Run(KEY, adjustment_data(**overrides))


@pytest.mark.parametrize(("role", "filing", "other"), [
    ("first_secretary", "org_dept_filing", "rrb_filing"),
    ("team_member", "rrb_filing", "org_dept_filing"),
])
def test_approval_routes_by_role_and_throws_handover_requested(role: str, filing: str, other: str) -> None:
    run = start(role=role)
    t = run.task("township_consent")
    assert (t.role, t.scope_kind, t.scope_value) == ("township", "township", "t_dongxiang")
    assert t.decisions == ["approve", "reject", "return"]
    run.do("township_consent", "approve")
    assert run.task("county_consent").role == "county"
    run.do("county_consent", "approve")
    assert run.open_spec_ids() == [filing]
    assert run.task(filing).role == filing.split("_filing")[0]
    assert run.messages == []  # nothing is handed over before the filing
    run.do(filing, "approve", comment="同意备案")
    assert run.status == "completed"
    assert run.ended_at() == ["end_approved"]
    assert other not in run.inst.completed_element_ids()
    assert len(run.messages) == 1
    name, payload = run.messages[0]
    assert name == "handover_requested"
    assert payload == {"old_cadre_id": "cadre_old", "new_cadre_id": "cadre_new", "village_id": "v_hongqi",
                       "township_id": "t_dongxiang", "unit_id": "u_jiaoyu", "role": role}
    assert set(payload) == HANDOVER_KEYS
    assert run.inst.pending_timers() == []  # reminders of finished steps are cancelled


@pytest.mark.parametrize(("role", "before", "step", "end"), [
    ("first_secretary", [], "township_consent", "end_rejected_township"),
    ("first_secretary", ["township_consent"], "county_consent", "end_rejected_county"),
    ("first_secretary", ["township_consent", "county_consent"], "org_dept_filing", "end_rejected_org_dept"),
    ("team_member", ["township_consent", "county_consent"], "rrb_filing", "end_rejected_rrb"),
])
def test_reject_at_each_approval(role: str, before: list[str], step: str, end: str) -> None:
    run = start(role=role)
    for s in before:
        run.do(s, "approve")
    with pytest.raises(CommentRequired):
        run.do(step, "reject")
    run.do(step, "reject", comment="理由不充分")
    assert run.status == "rejected"
    assert run.ended_at() == [end]
    assert run.open_spec_ids() == []
    assert run.messages == []


@pytest.mark.parametrize(("role", "before", "step"), [
    ("first_secretary", [], "township_consent"),
    ("first_secretary", ["township_consent"], "county_consent"),
    ("first_secretary", ["township_consent", "county_consent"], "org_dept_filing"),
    ("team_member", ["township_consent", "county_consent"], "rrb_filing"),
])
def test_return_revise_resubmit_goes_back_through_the_rules(role: str, before: list[str], step: str) -> None:
    run = start(role=role)
    for s in before:
        run.do(s, "approve")
    run.do(step, "return", comment="请补充病历")
    assert run.open_spec_ids() == ["revise_request"]
    revise = run.task("revise_request")
    assert (revise.role, revise.scope_kind, revise.scope_value) == ("unit_hr", "unit", "u_jiaoyu")
    assert revise.decisions == ["resubmit", "withdraw"]
    assert "revise_request_deadline" in run.timers()
    run.do("revise_request", "resubmit", data={"reason": "other", "justification": "家中老人需长期照护",
                                                "effective_date": "2026-11-16"})
    # Back at the first approval: the whole chain starts again.
    assert run.open_spec_ids() == ["township_consent"]
    data = run.inst.data
    assert (data["reason"], data["effective_date"]) == ("other", "2026-11-16")
    assert data["rule_violations"] == []
    run.do("township_consent", "approve")
    run.do("county_consent", "approve")
    run.do(FILING[role], "approve")
    assert run.status == "completed"
    assert [m[0] for m in run.messages] == ["handover_requested"]


def test_resubmission_that_breaks_a_rule_ends_rejected_by_the_rules() -> None:
    run = start()
    run.do("township_consent", "return", comment="原因写清楚")
    run.do("revise_request", "resubmit", data={"reason": "other", "justification": ""})
    assert run.status == "rejected"
    assert run.ended_at() == ["end_rejected_rules"]
    assert [v["rule"] for v in run.inst.data["rule_violations"]] == ["justification_required"]


@pytest.mark.parametrize(("overrides", "rule"), [
    ({"nominee_facts": TEMPORARY_FACTS}, "nominee_temporary_staff"),
    ({"nominee_facts": {**TEMPORARY_FACTS, "employment_type": "civil_servant",
                        "party_member_since": "2026-03-01"}}, "nominee_party_standing_under_1_year"),
    ({"reason": "boredom"}, "invalid_reason"),
])
def test_rule_violation_at_start_ends_rejected_before_any_approval(overrides: dict, rule: str) -> None:
    run = start(**overrides)
    assert run.status == "rejected"
    assert run.ended_at() == ["end_rejected_rules"]
    violations = run.inst.data["rule_violations"]
    assert rule in [v["rule"] for v in violations]
    assert all(v["message"] for v in violations)  # Chinese message for the submitter
    assert run.inst.pending_timers() == []


def test_withdraw_message_before_the_first_decision() -> None:
    run = start()
    run.message("withdraw", {"by": "hr_jiaoyu"})
    assert run.status == "withdrawn"
    assert run.ended_at() == ["end_withdrawn"]
    assert run.open_spec_ids() == []
    assert run.inst.pending_timers() == []


def test_withdraw_message_is_refused_after_the_first_decision() -> None:
    run = start()
    run.do("township_consent", "approve")
    with pytest.raises(MessageNotExpected):
        run.message("withdraw")
    assert run.open_spec_ids() == ["county_consent"]


def test_submitter_withdraws_during_revision() -> None:
    run = start()
    run.do("township_consent", "return", comment="请补充材料")
    run.do("revise_request", "withdraw")
    assert run.status == "withdrawn"
    assert run.ended_at() == ["end_withdrawn_by_submitter"]


def test_revision_timeout_withdraws_after_deadline_revision_working_days() -> None:
    # Returned on Wednesday 2026-09-30 10:00; P5D working days skip the National Day holiday
    # (Oct 1-7) and count the adjusted working Saturday Oct 10: 8, 9, 10, 12, 13 -> Oct 13 10:00.
    run = start()
    run.do("township_consent", "return", comment="请补充材料", at=cst(2026, 9, 30, 10, 0))
    assert run.timers()["revise_request_deadline"] == cst(2026, 10, 13, 10, 0)
    run.fire(cst(2026, 10, 13, 9, 59))
    assert run.open_spec_ids() == ["revise_request"]
    run.fire(cst(2026, 10, 13, 10, 0, 1))
    assert run.fired == ["revise_request_deadline"]
    assert run.status == "withdrawn"
    assert run.ended_at() == ["end_withdrawn_timeout"]
    assert run.open_spec_ids() == []


def test_decisions_outside_the_task_are_refused() -> None:
    run = start()
    with pytest.raises(DecisionNotAllowed):
        run.do("township_consent", "recall", comment="x")
    with pytest.raises(FormInvalid):
        run.do("township_consent", "approve", data={"nominee_id": "someone_else"})
    assert run.open_spec_ids() == ["township_consent"]
