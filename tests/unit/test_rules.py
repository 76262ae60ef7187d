"""Eligibility, reason and term rules of domain.md."""

import pytest
from wf_helpers import request_data

from workflows.rules import check_adjustment, check_nominee, nominee_eligibility

GOOD = {"party_status": "formal", "party_member_since": "2020-01-01", "work_start_date": "2015-01-01",
        "employment_type": "civil_servant"}


def rules_of(items):
    return {v["rule"] for v in items}


def test_eligible_first_secretary():
    e = nominee_eligibility(GOOD, "first_secretary", "2026-06-01")
    assert e.eligible and e.violations == [] and e.warnings == []


@pytest.mark.parametrize(("facts", "rule"), [
    ({**GOOD, "party_status": "probationary"}, "nominee_not_formal_party_member"),
    ({**GOOD, "party_status": None}, "nominee_not_formal_party_member"),
    ({**GOOD, "party_member_since": "2025-06-02"}, "nominee_party_standing_under_1_year"),
    ({**GOOD, "work_start_date": "2024-06-02"}, "nominee_work_experience_under_2_years"),
    ({**GOOD, "employment_type": "temporary"}, "nominee_temporary_staff"),
])
def test_first_secretary_violations(facts, rule):
    e = nominee_eligibility(facts, "first_secretary", "2026-06-01")
    assert not e.eligible
    assert rule in rules_of(e.violations)
    v = next(v for v in e.violations if v["rule"] == rule)
    assert v["field"] and any("\u4e00" <= ch <= "\u9fff" for ch in v["message"])  # Chinese message


def test_boundaries_are_inclusive():
    # Exactly one year of Party standing and exactly two years of work on the reference date pass.
    facts = {**GOOD, "party_member_since": "2025-06-01", "work_start_date": "2024-06-01"}
    assert nominee_eligibility(facts, "first_secretary", "2026-06-01").eligible


def test_temporary_staff_rejected_for_team_members_too():
    e = nominee_eligibility({**GOOD, "employment_type": "temporary"}, "team_member", "2026-06-01")
    assert not e.eligible
    assert rules_of(e.violations) == {"nominee_temporary_staff"}


def test_team_member_preferences_are_warnings():
    facts = {"party_status": "none", "employment_type": "staff", "birth_date": "1970-01-01",
             "work_start_date": "2025-12-01"}
    e = nominee_eligibility(facts, "team_member", "2026-06-01")
    assert e.eligible
    assert rules_of(e.warnings) == {"team_member_not_party_member", "team_member_not_young"}


def test_unknown_role():
    assert rules_of(check_nominee(GOOD, "mayor", "2026-06-01")) == {"invalid_role"}


def test_adjustment_reasons():
    assert check_adjustment(request_data()) == []
    assert "invalid_reason" in rules_of(check_adjustment(request_data(reason="bored")))
    assert "justification_required" in rules_of(check_adjustment(request_data(reason="other")))
    blank = request_data(reason="other", justification=" ")
    assert "justification_required" in rules_of(check_adjustment(blank))
    assert check_adjustment(request_data(reason="other", justification="配偶重病需照顾")) == []


def test_term_rule():
    # Mid-term without a valid reason is refused; after two years the reason is not needed for the term rule.
    assert "mid_term_change_without_reason" in rules_of(check_adjustment(request_data(reason=None)))
    late = check_adjustment(request_data(reason=None, term_start="2024-01-01"))
    assert "mid_term_change_without_reason" not in rules_of(late)
    assert "invalid_reason" in rules_of(late)  # the request still needs one of the four reasons
    early = request_data(effective_date="2025-01-01")
    assert "effective_before_term_start" in rules_of(check_adjustment(early))


def test_nominee_same_as_cadre_and_missing():
    assert "nominee_same_as_cadre" in rules_of(check_adjustment(request_data(nominee_id="c_old")))
    assert "nominee_required" in rules_of(check_adjustment(request_data(nominee_id="")))


def test_adjustment_checks_nominee_on_effective_date():
    facts = {**GOOD, "party_member_since": "2025-12-01"}
    assert "nominee_party_standing_under_1_year" in rules_of(
        check_adjustment(request_data(nominee_facts=facts, effective_date="2026-10-15")))
    assert check_adjustment(request_data(nominee_facts=facts, effective_date="2026-12-01")) == []
