"""bpmn/recall.bpmn: verification, statement deadline, rectification or recall, replacement."""

from __future__ import annotations

import pytest
from process_support import ELIGIBLE_FACTS, HANDOVER_KEYS, TEMPORARY_FACTS, Run, cst, recall_data

from workflows.engine import CommentRequired, DecisionNotAllowed

KEY = "recall"
DEPT = {"first_secretary": "org_dept", "team_member": "rrb"}
NOMINATION = {"nominee_id": "cadre_rep", "effective_date": "2026-12-01"}


def start(role: str = "first_secretary") -> Run:
    return Run(KEY, recall_data(role=role))


def to_county_decision(run: Run, role: str) -> None:
    dept = DEPT[role]
    assert run.open_spec_ids() == [f"verify_finding_{dept}"]
    assert run.task(f"verify_finding_{dept}").role == dept
    run.do(f"verify_finding_{dept}", "approve", comment="经核实属实")
    t = run.task("cadre_statement")
    assert (t.role, t.scope_kind, t.scope_value) == ("cadre", "cadre", "cadre_old")
    run.do("cadre_statement", "approve", data={"statement": "因家中变故缺勤，愿意整改"})
    assert run.open_spec_ids() == ["county_decision"]


def nominate(run: Run, facts: dict | None = None) -> None:
    t = run.task("nominate_replacement")
    assert (t.role, t.scope_kind, t.scope_value) == ("unit_hr", "unit", "u_jiaoyu")
    run.do("nominate_replacement", "approve", data=NOMINATION,
           trusted={"nominee_name": "王五", "nominee_facts": facts or dict(ELIGIBLE_FACTS)})


def assert_recalled(run: Run, role: str) -> None:
    assert run.status == "completed"
    assert run.ended_at() == ["end_recalled"]
    assert len(run.messages) == 1
    name, payload = run.messages[0]
    assert name == "handover_requested"
    assert set(payload) == HANDOVER_KEYS
    assert payload == {"old_cadre_id": "cadre_old", "new_cadre_id": "cadre_rep", "village_id": "v_hongqi",
                       "township_id": "t_dongxiang", "unit_id": "u_jiaoyu", "role": role}


@pytest.mark.parametrize("role", ["first_secretary", "team_member"])
def test_rectification_accepted_closes_the_case(role: str) -> None:
    run = start(role)
    to_county_decision(run, role)
    assert run.task("county_decision").decisions == ["rectify", "recall"]
    with pytest.raises(CommentRequired):
        run.do("county_decision", "rectify")
    run.do("county_decision", "rectify", comment="限期 20 个工作日整改")
    t = run.task("rectification")
    assert (t.role, t.scope_value) == ("unit_hr", "u_jiaoyu")
    run.do("rectification", "approve", data={"rectification_report": "已落实驻村考勤，本人已返岗"})
    dept = DEPT[role]
    assert run.open_spec_ids() == [f"recheck_rectification_{dept}"]
    run.do(f"recheck_rectification_{dept}", "approve")
    assert run.status == "completed"
    assert run.ended_at() == [f"end_rectified_{dept}"]
    assert run.messages == []  # the cadre stays: no handover


@pytest.mark.parametrize("role", ["first_secretary", "team_member"])
def test_failed_rectification_leads_to_recall_and_replacement(role: str) -> None:
    run = start(role)
    to_county_decision(run, role)
    run.do("county_decision", "rectify", comment="限期整改")
    run.do("rectification", "approve", data={"rectification_report": "整改报告"})
    dept = DEPT[role]
    run.do(f"recheck_rectification_{dept}", "reject", comment="整改不到位")
    assert run.open_spec_ids() == ["record_accountability"]
    run.do("record_accountability", "approve", data={"accountability_measures": "诫勉谈话，年度考核不称职"})
    nominate(run)
    assert run.inst.data["rule_violations"] == []
    assert run.open_spec_ids() == [f"replacement_filing_{dept}"]
    run.do(f"replacement_filing_{dept}", "approve")
    assert_recalled(run, role)


@pytest.mark.parametrize("role", ["first_secretary", "team_member"])
def test_direct_recall(role: str) -> None:
    run = start(role)
    to_county_decision(run, role)
    run.do("county_decision", "recall", comment="严重失职，直接召回")
    assert run.open_spec_ids() == ["record_accountability"]
    assert "rectification" not in run.inst.completed_element_ids()
    run.do("record_accountability", "approve", data={"accountability_measures": "通报批评"})
    nominate(run)
    run.do(f"replacement_filing_{DEPT[role]}", "approve")
    assert_recalled(run, role)
    assert run.inst.data["accountability_measures"] == "通报批评"


@pytest.mark.parametrize("role", ["first_secretary", "team_member"])
def test_unfounded_finding_ends_rejected(role: str) -> None:
    run = start(role)
    dept = DEPT[role]
    run.do(f"verify_finding_{dept}", "reject", comment="经核实不属实")
    assert run.status == "rejected"
    assert run.ended_at() == [f"end_rejected_unfounded_{dept}"]
    assert run.messages == []


def test_statement_deadline_proceeds_on_silence() -> None:
    # Statement opened Wednesday 2026-09-30 15:00; P5D working days: Oct 8, 9, 10 (adjusted
    # working Saturday), 12, 13 -> Tuesday Oct 13 15:00.
    run = start()
    run.do("verify_finding_org_dept", "approve", at=cst(2026, 9, 30, 15, 0))
    assert run.timers() == {"cadre_statement_deadline": cst(2026, 10, 13, 15, 0)}
    run.fire(cst(2026, 10, 13, 14, 59))
    assert run.open_spec_ids() == ["cadre_statement"]
    run.fire(cst(2026, 10, 13, 15, 0, 1))
    assert run.fired == ["cadre_statement_deadline"]
    assert run.open_spec_ids() == ["county_decision"]
    assert "statement" not in run.inst.data
    run.do("county_decision", "recall", comment="逾期未说明，召回")
    assert run.open_spec_ids() == ["record_accountability"]


def test_rectification_deadline_goes_to_recheck_anyway() -> None:
    run = start("team_member")
    to_county_decision(run, "team_member")
    # Friday 2026-10-16 10:00 + P20D working days = Friday 2026-11-13 10:00 (four full weeks).
    run.do("county_decision", "rectify", comment="限期整改", at=cst(2026, 10, 16, 10, 0))
    assert run.timers()["rectification_deadline"] == cst(2026, 11, 13, 10, 0)
    run.fire(cst(2026, 11, 13, 10, 0, 1))
    assert "rectification_deadline" in run.fired
    assert run.open_spec_ids() == ["recheck_rectification_rrb"]
    run.do("recheck_rectification_rrb", "reject", comment="逾期未整改")
    assert run.open_spec_ids() == ["record_accountability"]


def test_ineligible_replacement_goes_back_to_nomination() -> None:
    run = start()
    to_county_decision(run, "first_secretary")
    run.do("county_decision", "recall", comment="召回")
    run.do("record_accountability", "approve", data={"accountability_measures": "问责"})
    nominate(run, facts=TEMPORARY_FACTS)
    assert run.open_spec_ids() == ["nominate_replacement"]
    assert [v["rule"] for v in run.inst.data["rule_violations"]] == ["nominee_temporary_staff"]
    nominate(run)
    assert run.open_spec_ids() == ["replacement_filing_org_dept"]
    run.do("replacement_filing_org_dept", "approve")
    assert_recalled(run, "first_secretary")


@pytest.mark.parametrize("role", ["first_secretary", "team_member"])
def test_replacement_filing_return_goes_back_to_nomination(role: str) -> None:
    run = start(role)
    to_county_decision(run, role)
    run.do("county_decision", "recall", comment="召回")
    run.do("record_accountability", "approve", data={"accountability_measures": "问责"})
    nominate(run)
    filing = f"replacement_filing_{DEPT[role]}"
    with pytest.raises(DecisionNotAllowed):
        run.do(filing, "reject", comment="no reject here")
    run.do(filing, "return", comment="请另选人选")
    assert run.open_spec_ids() == ["nominate_replacement"]
    nominate(run)
    run.do(filing, "approve")
    assert_recalled(run, role)


def test_nomination_reminder_and_escalation() -> None:
    run = start()
    to_county_decision(run, "first_secretary")
    run.do("county_decision", "recall", comment="召回")
    # Nomination opens Friday 2026-10-09 11:00: reminder after P3D working days (Sat Oct 10 is
    # an adjusted working day: 10, 12, 13), escalation after deadline_nomination P10D (10, 12, 13,
    # 14, 15, 16, 19, 20, 21, 22).
    run.do("record_accountability", "approve", data={"accountability_measures": "问责"},
           at=cst(2026, 10, 9, 11, 0))
    assert run.timers() == {"nominate_replacement_reminder": cst(2026, 10, 13, 11, 0),
                            "nominate_replacement_escalation": cst(2026, 10, 22, 11, 0)}
    run.fire(cst(2026, 10, 22, 11, 0, 1))
    assert sorted(run.fired) == ["nominate_replacement_escalation", "nominate_replacement_reminder"]
    assert run.open_spec_ids() == ["nominate_replacement"]


# A team member the township supplies itself (驻村工作队员由乡镇补齐): the township rectifies and
# nominates, scoped to the supplying township the start data names, not to any unit.
TOWNSHIP_SUPPLIED = {"role": "team_member", "unit_id": None, "supplier_role": "township",
                     "supplier_id": "t_supplier"}


def test_the_township_rectifies_for_a_team_member_it_supplies() -> None:
    run = Run(KEY, recall_data(**TOWNSHIP_SUPPLIED))
    to_county_decision(run, "team_member")
    run.do("county_decision", "rectify", comment="限期整改")
    assert run.open_spec_ids() == ["rectification_township"]
    t = run.task("rectification_township")
    assert (t.role, t.scope_kind, t.scope_value) == ("township", "township", "t_supplier")
    assert [f["id"] for f in t.form_fields] == ["rectification_report"]
    assert run.timers().keys() == {"rectification_township_deadline"}
    run.do("rectification_township", "approve", data={"rectification_report": "已返岗"})
    run.do("recheck_rectification_rrb", "approve")
    assert run.status == "completed" and run.ended_at() == ["end_rectified_rrb"]
    assert "rectification" not in run.inst.completed_element_ids()


def test_the_townships_rectification_deadline_goes_to_recheck_anyway() -> None:
    run = Run(KEY, recall_data(**TOWNSHIP_SUPPLIED))
    to_county_decision(run, "team_member")
    run.do("county_decision", "rectify", comment="限期整改", at=cst(2026, 10, 16, 10, 0))
    assert run.timers()["rectification_township_deadline"] == cst(2026, 11, 13, 10, 0)
    run.fire(cst(2026, 11, 13, 10, 0, 1))
    assert run.fired == ["rectification_township_deadline"]
    assert run.open_spec_ids() == ["recheck_rectification_rrb"]


def test_the_township_nominates_again_after_a_return_and_the_handover_payload_has_no_unit() -> None:
    run = Run(KEY, recall_data(**TOWNSHIP_SUPPLIED))
    to_county_decision(run, "team_member")
    run.do("county_decision", "recall", comment="召回")
    run.do("record_accountability", "approve", data={"accountability_measures": "问责"})
    for attempt, facts in enumerate((TEMPORARY_FACTS, ELIGIBLE_FACTS, ELIGIBLE_FACTS)):
        assert run.open_spec_ids() == ["nominate_replacement_township"], attempt
        t = run.task("nominate_replacement_township")
        assert (t.role, t.scope_kind, t.scope_value) == ("township", "township", "t_supplier")
        assert set(run.timers()) == {"nominate_replacement_township_reminder",
                                     "nominate_replacement_township_escalation"}
        run.do("nominate_replacement_township", "approve", data=NOMINATION,
               trusted={"nominee_name": "王五", "nominee_facts": dict(facts)})
        if attempt == 1:
            run.do("replacement_filing_rrb", "return", comment="请另选人选")
    run.do("replacement_filing_rrb", "approve")
    assert run.status == "completed" and run.ended_at() == ["end_recalled"]
    assert "nominate_replacement" not in run.inst.completed_element_ids()
    (name, payload), = run.messages
    assert payload["unit_id"] is None and payload["new_cadre_id"] == "cadre_rep"
