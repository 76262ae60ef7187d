"""Eligibility, reason and term rules of domain.md."""

from datetime import date

import pytest
from wf_helpers import request_data

from workflows.rules import (
    check_adjustment,
    check_nominee,
    default_planned_end,
    minimum_term_end,
    nominee_eligibility,
    placement_violations,
    posting_violations,
    term_violations,
)

GOOD = {"party_status": "formal", "party_member_since": "2020-01-01", "party_confirmed_on": "2021-01-01",
        "work_start_date": "2015-01-01", "employment_type": "civil_servant"}


def rules_of(items):
    return {v["rule"] for v in items}


def test_eligible_first_secretary():
    e = nominee_eligibility(GOOD, "first_secretary", "2026-06-01")
    assert e.eligible and e.violations == [] and e.warnings == []


@pytest.mark.parametrize(("facts", "rule"), [
    ({**GOOD, "party_status": "probationary"}, "nominee_not_formal_party_member"),
    ({**GOOD, "party_status": None}, "nominee_not_formal_party_member"),
    ({**GOOD, "party_confirmed_on": "2025-06-02"}, "nominee_party_standing_under_1_year"),
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
    facts = {**GOOD, "party_member_since": "2024-06-01", "party_confirmed_on": "2025-06-01",
             "work_start_date": "2024-06-01"}
    assert nominee_eligibility(facts, "first_secretary", "2026-06-01").eligible


def test_party_standing_counts_from_confirmation_not_joining():
    # Joined 2024-06-01, confirmed (转正) 2025-06-01: 18 months since joining, 6 months of standing.
    facts = {**GOOD, "party_member_since": "2024-06-01", "party_confirmed_on": "2025-06-01"}
    e = nominee_eligibility(facts, "first_secretary", "2025-12-01")
    assert not e.eligible
    assert rules_of(e.violations) == {"nominee_party_standing_under_1_year"}
    assert e.violations[0]["field"] == "nominee_facts.party_confirmed_on"
    assert nominee_eligibility(facts, "first_secretary", "2026-06-01").eligible


def test_missing_confirmation_falls_back_to_the_probation_year_with_a_warning():
    facts = {**GOOD, "party_member_since": "2024-06-01", "party_confirmed_on": None}
    # Presumed confirmed 2025-06-01: under a year of standing on 2026-05-31, a year on 2026-06-01.
    early = nominee_eligibility(facts, "first_secretary", "2026-05-31")
    assert rules_of(early.violations) == {"nominee_party_standing_under_1_year"}
    late = nominee_eligibility(facts, "first_secretary", "2026-06-01")
    assert late.eligible
    assert rules_of(late.warnings) == {"nominee_party_confirmed_on_missing"}
    assert "转正时间" in late.warnings[0]["message"]
    # A recorded confirmation needs no warning.
    assert nominee_eligibility(GOOD, "first_secretary", "2026-06-01").warnings == []


def test_probationary_member_fails_for_one_reason_only():
    facts = {**GOOD, "party_status": "probationary", "party_member_since": "2025-01-01",
             "party_confirmed_on": None}
    e = nominee_eligibility(facts, "first_secretary", "2026-06-01")
    assert rules_of(e.violations) == {"nominee_not_formal_party_member"}


WEAK_ONLY = ["weak_party_org"]
RED_AND_POOR = ["poverty_alleviated", "red_village"]
COUNTY_UNIT = {"supplier_kind": "dispatch_unit", "supplier_level": "county"}
CITY_UNIT = {"supplier_kind": "dispatch_unit", "supplier_level": "city"}
TOWNSHIP = {"supplier_id": "t_dongxiang", "supplier_kind": "township", "supplier_level": None}


@pytest.mark.parametrize("categories", [["weak_party_org"], ["red_village"],
                                        ["weak_party_org", "red_village"]])
def test_first_secretary_only_villages_refuse_team_members(categories):
    assert rules_of(placement_violations(categories, "team_member", COUNTY_UNIT)) == {
        "team_member_not_for_village_category"}
    assert placement_violations(categories, "first_secretary", COUNTY_UNIT) == []


def test_team_members_go_to_work_team_villages_even_when_also_red():
    assert placement_violations(["key_assistance"], "team_member", TOWNSHIP, township_id="t_dongxiang") == []
    assert placement_violations(RED_AND_POOR, "team_member", COUNTY_UNIT) == []


def test_first_secretary_of_weak_or_red_village_comes_from_a_county_level_unit():
    for cats in (WEAK_ONLY, ["red_village"], RED_AND_POOR):
        assert rules_of(placement_violations(cats, "first_secretary", CITY_UNIT)) == {
            "first_secretary_not_county_level"}, cats
        assert rules_of(placement_violations(cats, "first_secretary", {})) == {
            "first_secretary_not_county_level"}, cats  # an unknown level is not county level
    # A 脱贫村 or 重点帮扶村 may have a city or provincial unit's first secretary.
    assert placement_violations(["poverty_alleviated"], "first_secretary", CITY_UNIT) == []
    assert placement_violations(["key_assistance"], "first_secretary", CITY_UNIT) == []


def test_a_township_supplies_team_members_of_its_own_villages_not_first_secretaries():
    assert rules_of(placement_violations(["poverty_alleviated"], "first_secretary", TOWNSHIP)) == {
        "first_secretary_not_from_dispatch_unit"}
    own = placement_violations(["poverty_alleviated"], "team_member", TOWNSHIP, township_id="t_dongxiang")
    assert own == []
    for other in ("t_xixiang", None):  # another township's village, or a village of no known township
        found = placement_violations(["poverty_alleviated"], "team_member", TOWNSHIP, township_id=other)
        assert rules_of(found) == {"team_member_not_from_unit_or_own_township"}


def test_adjustment_applies_the_placement_rules():
    facts = {**GOOD, **CITY_UNIT}
    refused = check_adjustment(request_data(village_categories=WEAK_ONLY, village_category="weak_party_org",
                                            nominee_facts=facts))
    assert "first_secretary_not_county_level" in rules_of(refused)
    team = check_adjustment(request_data(village_categories=["red_village"], role="team_member",
                                         nominee_facts={**facts, **COUNTY_UNIT}))
    assert rules_of(team) == {"team_member_not_for_village_category"}
    # Older data without village_categories falls back to village_category.
    old = request_data(village_category="weak_party_org", role="team_member", nominee_facts=facts)
    del old["village_categories"]
    assert "team_member_not_for_village_category" in rules_of(check_adjustment(old))


def test_a_change_at_the_planned_end_is_a_rotation_not_a_mid_term_replacement():
    before = term_violations("2025-06-01", "2027-05-31", "health", "2027-06-01")
    assert before == []
    for eff in ("2027-06-01", "2027-09-01"):
        refused = term_violations("2025-06-01", eff, "health", "2027-06-01")
        assert rules_of(refused) == {"term_ended_use_rotation"}
        assert "期满轮换" in refused[0]["message"] and refused[0]["field"] == "effective_date"
    # Without a planned end the term ends 2 years after its start.
    ended = term_violations("2025-06-01", "2027-06-01", "health", None)
    assert rules_of(ended) == {"term_ended_use_rotation"}
    assert term_violations("2025-06-01", "2027-05-31", "health", None) == []
    # A longer planned term keeps a change after 2 years a mid-term one (the reason is then needed).
    assert term_violations("2025-06-01", "2027-08-01", "health", "2028-06-01") == []
    assert rules_of(term_violations("2025-06-01", "2027-08-01", None, "2028-06-01")) == {
        "mid_term_change_without_reason"}
    # check_adjustment reads the planned end from the process data.
    assert "term_ended_use_rotation" in rules_of(check_adjustment(
        request_data(planned_end="2026-10-01", effective_date="2026-10-15")))


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
    assert "term_ended_use_rotation" in rules_of(late)  # after the term: a rotation, not an adjustment
    assert "invalid_reason" in rules_of(late)  # the request still needs one of the four reasons
    early = request_data(effective_date="2025-01-01")
    assert "effective_before_term_start" in rules_of(check_adjustment(early))


@pytest.mark.parametrize(("start", "end"), [
    (date(2027, 3, 1), date(2029, 2, 28)), (date(2026, 12, 1), date(2028, 11, 30)),
    (date(2024, 2, 29), date(2026, 2, 27)),  # 2 years on is 28 February; the day before it
])
def test_the_default_planned_end_is_the_last_day_of_the_statutory_term(start, end):
    """One default for every posting (roster and dispatch alike): exactly 2 years, both ends
    counted, so a default term meets the 2-year rule without a day to spare."""
    assert default_planned_end(start) == end == minimum_term_end(start)
    data = {"role": "team_member", "village_categories": ["poverty_alleviated"], "nominee_facts": GOOD,
            "term_start": start.isoformat()}
    terms = [v for v in posting_violations({**data, "planned_end": end.isoformat()})
             if v["rule"] == "planned_term_under_2_years"]
    assert terms == []
    a_day_short = date.fromordinal(end.toordinal() - 1).isoformat()
    assert "planned_term_under_2_years" in rules_of(posting_violations({**data, "planned_end": a_day_short}))


def test_nominee_same_as_cadre_and_missing():
    assert "nominee_same_as_cadre" in rules_of(check_adjustment(request_data(nominee_id="c_old")))
    assert "nominee_required" in rules_of(check_adjustment(request_data(nominee_id="")))


def test_adjustment_checks_nominee_on_effective_date():
    facts = {**GOOD, "party_member_since": "2024-12-01", "party_confirmed_on": "2025-12-01"}
    assert "nominee_party_standing_under_1_year" in rules_of(
        check_adjustment(request_data(nominee_facts=facts, effective_date="2026-10-15")))
    assert check_adjustment(request_data(nominee_facts=facts, effective_date="2026-12-01")) == []
