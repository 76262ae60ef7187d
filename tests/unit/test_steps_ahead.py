"""The step bar's 待办理: the user tasks ahead of where a case stands, walked through the bundled
processes' BPMN with every open step assumed approved."""

from __future__ import annotations

from pathlib import Path

from service.queries.steps_ahead import steps_ahead

BPMN = Path(__file__).resolve().parents[2] / "bpmn"


def ahead(process: str, active: list[str], **data: object) -> list[str]:
    return steps_ahead((BPMN / f"{process}.bpmn").read_text(encoding="utf-8"), active, data)


def test_the_approval_path_follows_the_posts_role() -> None:
    assert ahead("mid_term_replacement", ["township_consent"], role="first_secretary") == [
        "县驻村工作领导小组审核", "县委组织部审核备案"]
    assert ahead("mid_term_replacement", ["township_consent"], role="team_member") == [
        "县驻村工作领导小组审核", "县乡村振兴局审核备案"]


def test_a_returned_request_goes_through_every_approval_again() -> None:
    # 修改调整申请: resubmitting (not an approval) leads back to the township
    assert ahead("mid_term_replacement", ["revise_request"], role="first_secretary") == [
        "乡镇党委政府审核", "县驻村工作领导小组审核", "县委组织部审核备案"]


def test_the_last_step_has_nothing_ahead_and_reminders_lead_nowhere() -> None:
    assert ahead("mid_term_replacement", ["org_dept_filing", "org_dept_filing_reminder"],
                 role="first_secretary") == []


def test_the_default_flow_is_the_way_unless_a_rule_check_says_otherwise() -> None:
    # 上半年是否达标 is decided by a rule check not yet run: the default (达标) is the way ahead
    assert ahead("unit_duties", ["report_first_half"]) == ["报送下半年帮扶责任落实情况"]


def test_alternatives_that_cannot_be_told_are_both_listed() -> None:
    # the county decides 整改 or 召回: neither is an approval, so both branches are ahead
    steps = ahead("recall", ["county_decision"], role="first_secretary")
    assert "派出单位限期整改" in steps and "召回并记录问责" in steps


def test_parallel_branches_are_all_ahead_once() -> None:
    steps = ahead("handover", ["confirm_arrival"])
    assert steps[0] == "原任干部编制交接清单" and steps[-1] == "党组织关系转接确认"
    assert len(steps) == len(set(steps)) == 6
