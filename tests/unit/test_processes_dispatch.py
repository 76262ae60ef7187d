"""bpmn/dispatch.bpmn end to end through the engine facade, and the dispatch rules (check_dispatch)."""

from __future__ import annotations

from typing import Any

import pytest
from process_support import ELIGIBLE_FACTS, Run

from workflows.rules import check_dispatch, dispatch_warnings

KEY = "dispatch"
COUNTY_FACTS = {**ELIGIBLE_FACTS, "supplier_id": "u_jiaoyu", "supplier_kind": "dispatch_unit",
                "supplier_level": "county", "rural_expertise": True}
TOWNSHIP_FACTS = {**ELIGIBLE_FACTS, "supplier_id": "t_dongxiang", "supplier_kind": "township",
                  "supplier_level": None, "rural_expertise": True}


def dispatch_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "village_id": "v_hongqi", "village_name": "红旗村", "village_category": "poverty_alleviated",
        "village_categories": ["poverty_alleviated"], "township_id": "t_dongxiang", "role": "first_secretary",
        "cadre_id": "cadre_new", "cadre_name": "李四", "nominee_facts": dict(COUNTY_FACTS),
        "supplier_id": "u_jiaoyu", "unit_id": "u_jiaoyu", "term_start": "2027-03-01",
        "planned_end": "2029-03-01", "leads_team": True, "predecessor_cadre_id": None, "round_id": None,
        "nominated_by_township": False, "submitter": "hr_jiaoyu",
    }
    data.update(overrides)
    return data


def rules_of(items: list[dict]) -> set[str]:
    return {v["rule"] for v in items}


@pytest.mark.parametrize(("role", "filing"), [("first_secretary", "org_dept_filing"),
                                               ("team_member", "rrb_filing")])
def test_unit_nomination_passes_township_county_and_filing(role: str, filing: str) -> None:
    run = Run(KEY, dispatch_data(role=role, leads_team=role == "first_secretary"))
    t = run.task("township_consent")
    assert (t.role, t.scope_kind, t.scope_value) == ("township", "township", "t_dongxiang")
    assert t.decisions == ["approve", "reject"]
    run.do("township_consent", "approve")
    run.do("county_consent", "approve")
    assert run.open_spec_ids() == [filing]
    assert run.messages == []
    run.do(filing, "approve")
    assert run.status == "completed" and run.ended_at() == ["end_approved"]
    [(name, payload)] = run.messages
    assert name == "posting_approved"
    assert payload == {"cadre_id": "cadre_new", "village_id": "v_hongqi", "township_id": "t_dongxiang",
                       "role": role, "supplier_id": "u_jiaoyu", "unit_id": "u_jiaoyu",
                       "term_start": "2027-03-01", "planned_end": "2029-03-01",
                       "leads_team": role == "first_secretary", "predecessor_cadre_id": None}
    assert run.inst.data["new_cadre_id"] == "cadre_new"


def test_township_nomination_skips_township_consent() -> None:
    run = Run(KEY, dispatch_data(role="team_member", nominee_facts=dict(TOWNSHIP_FACTS),
                                 supplier_id="t_dongxiang", unit_id=None, nominated_by_township=True,
                                 leads_team=False))
    assert run.open_spec_ids() == ["county_consent"]
    run.do("county_consent", "approve")
    run.do("rrb_filing", "approve")
    assert run.status == "completed"
    assert "township_consent" not in run.inst.completed_element_ids()


@pytest.mark.parametrize("step", ["township_consent", "county_consent", "org_dept_filing"])
def test_reject_at_any_step_ends_rejected_without_a_posting(step: str) -> None:
    run = Run(KEY, dispatch_data())
    for before in ("township_consent", "county_consent", "org_dept_filing"):
        if before == step:
            break
        run.do(before, "approve")
    run.do(step, "reject", comment="人选不合适")
    assert run.status == "rejected"
    assert run.messages == []


def test_rule_violation_ends_rejected_before_any_approval() -> None:
    run = Run(KEY, dispatch_data(village_categories=["weak_party_org"], village_category="weak_party_org",
                                 role="team_member", leads_team=False))
    assert run.status == "rejected" and run.ended_at() == ["end_rejected_rules"]
    assert rules_of(run.inst.data["rule_violations"]) == {"team_member_not_for_village_category"}


def test_approval_steps_carry_reminder_and_escalation_timers() -> None:
    run = Run(KEY, dispatch_data())
    assert set(run.timers()) == {"township_consent_reminder", "township_consent_escalation"}


def test_check_dispatch_accepts_a_good_dispatch_and_warns_on_preferences() -> None:
    assert check_dispatch(dispatch_data()) == []
    assert dispatch_warnings(dispatch_data()) == []
    plain = {**COUNTY_FACTS, "rural_expertise": False}
    assert rules_of(dispatch_warnings(dispatch_data(nominee_facts=plain))) == {"nominee_no_rural_expertise"}
    team = dispatch_warnings(dispatch_data(role="team_member",
                                           nominee_facts={**COUNTY_FACTS, "party_status": "none"}))
    assert rules_of(team) == {"team_member_not_party_member"}


@pytest.mark.parametrize(("overrides", "rule"), [
    ({"planned_end": "2028-03-01"}, "planned_term_under_2_years"),
    ({"term_start": "x"}, "invalid_term_start"),
    ({"cadre_id": None}, "cadre_required"),
    ({"village_categories": [], "village_category": None}, "village_category_missing"),
    ({"predecessor_cadre_id": "cadre_new"}, "predecessor_same_as_cadre"),
    ({"nominee_facts": {**COUNTY_FACTS, "employment_type": "temporary"}}, "nominee_temporary_staff"),
    ({"nominee_facts": {**COUNTY_FACTS, "party_status": "probationary"}}, "nominee_not_formal_party_member"),
    ({"nominee_facts": {**COUNTY_FACTS, "party_confirmed_on": "2026-06-01"}},
     "nominee_party_standing_under_1_year"),
    ({"nominee_facts": {**COUNTY_FACTS, "work_start_date": "2026-01-01"}},
     "nominee_work_experience_under_2_years"),
    ({"nominee_facts": TOWNSHIP_FACTS}, "first_secretary_not_from_dispatch_unit"),
    ({"nominee_facts": TOWNSHIP_FACTS, "role": "team_member", "leads_team": False,
      "township_id": "t_xixiang"}, "team_member_not_from_unit_or_own_township"),
    ({"role": "team_member"}, "leads_team_not_allowed"),
    ({"village_categories": ["weak_party_org"]}, "leads_team_not_allowed"),
    ({"village_categories": ["red_village"], "nominee_facts": {**COUNTY_FACTS, "supplier_level": "city"}},
     "first_secretary_not_county_level"),
    ({"village_categories": ["weak_party_org"], "role": "team_member"},
     "team_member_not_for_village_category"),
])
def test_check_dispatch_refuses(overrides: dict, rule: str) -> None:
    assert rule in rules_of(check_dispatch(dispatch_data(**overrides)))


def test_planned_end_defaults_to_two_years_and_the_last_day_counts() -> None:
    assert check_dispatch(dispatch_data(planned_end=None)) == []
    # 2027-03-01 .. 2029-02-28 is two full years.
    assert check_dispatch(dispatch_data(planned_end="2029-02-28")) == []
    assert "planned_term_under_2_years" in rules_of(check_dispatch(dispatch_data(planned_end="2029-02-27")))


def test_a_rotation_needs_no_reason() -> None:
    assert check_dispatch(dispatch_data(predecessor_cadre_id="cadre_old")) == []
