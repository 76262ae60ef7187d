"""bpmn/assessment.bpmn: every branch (each grade, the township's return, the township-supplied team
member) and its timers on the working-day calendar, on a live and on a restored-at-every-step run."""

from __future__ import annotations

from datetime import timedelta

import pytest
from process_support import Run, assessment_data, cst

from workflows.engine import CommentRequired, DecisionNotAllowed, FormInvalid

KEY = "assessment"
SUMMARY = {"summary": "全年驻村 236 天，完成村集体经济项目 2 个"}
GRADES = ["excellent", "competent", "basically_competent", "incompetent"]
SECOND = timedelta(seconds=1)


def start(restore: bool = False, **overrides: object) -> Run:
    return Run(KEY, assessment_data(**overrides), restore_each_step=restore)


def to_county(run: Run, supplier_step: str = "unit_opinion") -> None:
    t = run.task("self_summary")
    assert (t.role, t.scope_kind, t.scope_value, t.decisions) == ("cadre", "cadre", "cadre_old", ["approve"])
    run.do("self_summary", "approve", data=SUMMARY)
    t = run.task("township_evaluation")
    assert (t.role, t.scope_kind, t.scope_value) == ("township", "township", "t_dongxiang")
    assert t.decisions == ["approve", "return"] and t.comment_required == ["approve", "return"]
    run.do("township_evaluation", "approve", comment="吃住在村，群众认可",
           data={"township_suggested_grade": "competent"})
    assert run.open_spec_ids() == [supplier_step]
    run.do(supplier_step, "approve", comment="同意乡镇评价", data={"unit_suggested_grade": "competent"})
    assert run.open_spec_ids() == ["county_grade"]
    t = run.task("county_grade")
    assert (t.role, t.scope_kind, t.scope_value, t.decisions) == ("county", "county", "county", ["approve"])


@pytest.mark.parametrize("restore", [False, True], ids=["live", "restored"])
@pytest.mark.parametrize("grade", GRADES)
def test_each_grade_ends_the_assessment(grade: str, restore: bool) -> None:
    run = start(restore)
    to_county(run)
    run.do("county_grade", "approve", comment="经县驻村工作领导小组研究", data={"grade": grade})
    assert run.status == "completed"
    assert run.inst.data["grade"] == grade
    assert run.inst.data["summary"] == SUMMARY["summary"]
    if grade == "incompetent":
        assert run.ended_at() == ["end_incompetent"]
        assert run.messages == [("recall_requested", {
            "cadre_id": "cadre_old", "role": "first_secretary", "village_id": "v_hongqi",
            "township_id": "t_dongxiang", "kind": "annual", "year": 2026, "grade": "incompetent"})]
    else:
        assert run.ended_at() == ["end_graded"]
        assert run.messages == []


def test_the_township_returns_the_summary_for_rework() -> None:
    run = start()
    run.do("self_summary", "approve", data={"summary": "驻村工作总结"})
    with pytest.raises(CommentRequired):
        run.do("township_evaluation", "return")
    run.do("township_evaluation", "return", comment="请补充帮扶项目和驻村天数")
    assert run.open_spec_ids() == ["self_summary"]  # back to the cadre
    run.do("self_summary", "approve", data=SUMMARY)
    assert run.inst.data["summary"] == SUMMARY["summary"]
    with pytest.raises(CommentRequired):  # the township's evaluation is its opinion
        run.do("township_evaluation", "approve")
    run.do("township_evaluation", "approve", comment="已补充，表现较好")
    assert run.open_spec_ids() == ["unit_opinion"]


def test_a_township_supplied_team_member_gets_the_townships_opinion() -> None:
    run = start(role="team_member", supplier_id="t_xixiang", supplied_by_township=True, unit_id=None)
    run.do("self_summary", "approve", data=SUMMARY)
    run.do("township_evaluation", "approve", comment="良好")
    t = run.task("township_supplier_opinion")
    assert (t.role, t.scope_kind, t.scope_value) == ("township", "township", "t_xixiang")
    assert "unit_opinion" not in run.open_spec_ids()
    run.do("township_supplier_opinion", "approve", comment="同意", data={"unit_suggested_grade": "excellent"})
    run.do("county_grade", "approve", data={"grade": "excellent"})
    assert run.status == "completed" and run.ended_at() == ["end_graded"]
    assert "unit_opinion" not in run.inst.completed_element_ids()


def test_forms_refuse_what_the_steps_do_not_allow() -> None:
    run = start()
    with pytest.raises(FormInvalid):
        run.do("self_summary", "approve")  # the summary is required
    with pytest.raises(DecisionNotAllowed):
        run.do("self_summary", "reject", data=SUMMARY)
    run.do("self_summary", "approve", data=SUMMARY)
    with pytest.raises(FormInvalid):
        run.do("township_evaluation", "approve", comment="好", data={"township_suggested_grade": "great"})
    run.do("township_evaluation", "approve", comment="好")  # the suggested grade is optional
    with pytest.raises(CommentRequired):
        run.do("unit_opinion", "approve")
    run.do("unit_opinion", "approve", comment="同意")
    with pytest.raises(FormInvalid):
        run.do("county_grade", "approve")  # the grade is required
    with pytest.raises(FormInvalid):
        run.do("county_grade", "approve", data={"grade": "good"})
    with pytest.raises(DecisionNotAllowed):
        run.do("county_grade", "return", comment="x", data={"grade": "competent"})


def test_the_summary_is_reminded_and_escalated_after_ten_working_days() -> None:
    # Opened Thursday 2026-09-24 09:00: Sep 25-27 Mid-autumn, Oct 1-7 National Day, Oct 10 an adjusted
    # working Saturday. Ten working days: Sep 28, 29, 30, Oct 8, 9, 10, 12, 13, 14, 15.
    run = start()
    due = cst(2026, 10, 15, 9, 0)
    assert run.timers() == {"self_summary_reminder": due, "self_summary_escalation": due}
    assert run.task("self_summary").due_at == due
    run.fire(due - SECOND)
    assert run.fired == []
    run.fire(due + SECOND)
    assert sorted(run.fired) == ["self_summary_escalation", "self_summary_reminder"]
    assert run.open_spec_ids() == ["self_summary"]  # a reminder never moves the assessment on
    assert run.timers() == {}
    run.do("self_summary", "approve", data=SUMMARY)


@pytest.mark.parametrize(("before", "step"), [
    ([], "township_evaluation"), (["township_evaluation"], "unit_opinion"),
    (["township_evaluation", "unit_opinion"], "county_grade"),
])
def test_approval_steps_are_reminded_after_three_and_escalated_after_five_working_days(
        before: list[str], step: str) -> None:
    # Reached on Friday 2026-10-16 10:00: Oct 19, 20, 21 -> reminder Wed 21; 22, 23 -> escalation Fri 23.
    run = Run(KEY, assessment_data(), start_at=cst(2026, 10, 16, 10, 0))
    run.do("self_summary", "approve", data=SUMMARY)
    for done in before:
        run.do(done, "approve", comment="同意")
    assert run.timers() == {f"{step}_reminder": cst(2026, 10, 21, 10, 0),
                            f"{step}_escalation": cst(2026, 10, 23, 10, 0)}
    run.fire(cst(2026, 10, 21, 10, 0) + SECOND)
    assert run.fired == [f"{step}_reminder"]
    run.fire(cst(2026, 10, 23, 10, 0) + SECOND)
    assert run.fired == [f"{step}_reminder", f"{step}_escalation"]
    assert run.open_spec_ids() == [step]
