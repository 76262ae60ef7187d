"""bpmn/unit_duties.bpmn in memory: dispatch unit duties per half-year (domain rule 9).

The instance starts on New Year's Day 2026 at midnight (Beijing): the first half-year ends six
calendar months later (Wed 2026-07-01 00:00), the year one calendar year later (Fri 2027-01-01
00:00, itself a holiday) — `day_count=calendar`, not 132 or 250 working days.
"""

from __future__ import annotations

from typing import Any

import pytest
from process_support import Run, cst
from SpiffWorkflow.util.task import TaskState

from workflows.engine import ScriptError
from workflows.rules import check_unit_duties, unit_duty_thresholds

START = cst(2026, 1, 1, 0, 0)
FIRST_HALF_END = cst(2026, 7, 1, 0, 0)
YEAR_END = cst(2027, 1, 1, 0, 0)
THRESHOLDS = {
    "duty_main_leader_reports_per_half_year": 2, "duty_main_leader_visits_per_year": 2,
    "duty_deputy_visits_per_half_year": 1, "duty_funds_per_year_yuan": 10000, "duty_insurance_required": True,
}


def duty_data(**overrides: Any) -> dict[str, Any]:
    return {"unit_id": "u_jiaoyu", "year": 2026, **THRESHOLDS, **overrides}


def report(reports: int = 2, visits: int = 1, deputy: int = 1, funds: int = 5000,
           insurance: bool = True) -> dict[str, Any]:
    return {"main_leader_reports": reports, "main_leader_visits": visits, "deputy_visits": deputy,
            "funds_yuan": funds, "insurance_done": insurance}


def data_after(run: Run, bpmn_id: str) -> dict[str, Any]:
    """Data of the latest completed task of `bpmn_id` (while the instance waits on parallel timers,
    Instance.data shows one waiting branch, not the one that just finished)."""
    done = [t for t in run.inst.workflow.get_tasks(state=TaskState.COMPLETED)
            if t.task_spec.bpmn_id == bpmn_id]
    return done[-1].data


def new_run(restore: bool = False, **overrides: Any) -> Run:
    return Run("unit_duties", duty_data(**overrides), start_at=START, restore_each_step=restore,
               instance_id="duty_u_jiaoyu_2026")


def test_period_timers_count_calendar_months_from_the_start() -> None:
    run = new_run()
    assert run.timers() == {"wait_first_half": FIRST_HALF_END, "wait_year_end": YEAR_END}
    assert run.open_spec_ids() == []
    assert run.inst.data["duty_thresholds"] == {
        "main_leader_reports_per_half_year": 2, "main_leader_visits_per_year": 2,
        "deputy_visits_per_half_year": 1, "funds_per_year_yuan": 10000, "insurance_required": True}
    run.fire(FIRST_HALF_END)  # exactly at the end: not yet (timers fire strictly after)
    assert run.fired == [] and run.open_spec_ids() == []
    run.fire(cst(2026, 7, 1, 0, 0, 1))
    assert run.fired == ["wait_first_half"]
    task = run.task("report_first_half")
    assert (task.role, task.scope_kind, task.scope_value) == ("unit_hr", "unit", "u_jiaoyu")
    assert [f["id"] for f in task.form_fields] == [
        "main_leader_reports", "main_leader_visits", "deputy_visits", "funds_yuan", "insurance_done"]
    # The report's own reminder/escalation count working days as usual: Wed Jul 1 + 3 = Mon Jul 6.
    timers = run.timers()
    assert timers["report_first_half_reminder"] == cst(2026, 7, 6, 0, 0, 1)
    assert timers["report_first_half_escalation"] == cst(2026, 7, 8, 0, 0, 1)
    assert timers["wait_year_end"] == YEAR_END


def test_compliant_year_ends_completed_with_yearly_totals_over_both_halves() -> None:
    run = new_run()
    run.fire(cst(2026, 7, 1, 0, 0, 1))
    run.do("report_first_half", "approve", data=report(visits=1, funds=6000, insurance=True))
    assert run.open_spec_ids() == [] and run.status == "running"
    assert data_after(run, "check_first_half")["first_half_violations"] == []
    assert list(run.timers()) == ["wait_year_end"]  # the first half is closed; the year still runs

    run.fire(cst(2026, 12, 31, 23, 59, 59))
    assert run.open_spec_ids() == []
    run.fire(cst(2027, 1, 1, 0, 0, 1))
    # Second half alone: 1 visit, 4,000 yuan, no insurance; with the first half: 2, 10,000, insured.
    run.do("report_second_half", "approve", data=report(visits=1, funds=4000, insurance=False))
    assert run.status == "completed"
    assert run.ended_at() == ["end_completed"]
    assert run.inst.data["second_half_violations"] == []


def test_shortfalls_are_urged_returned_and_rectified() -> None:
    run = new_run()
    run.fire(cst(2026, 7, 1, 0, 0, 1))
    run.do("report_first_half", "approve", data=report(reports=1, deputy=0, visits=0, funds=0,
                                                        insurance=False))
    violations = data_after(run, "check_first_half")["rule_violations"]
    # Only half-year duties count in the first half; yearly ones wait for the second.
    assert [v["rule"] for v in violations] == ["duty_main_leader_reports", "duty_deputy_visits"]
    assert violations[0]["message"] == "上半年主要领导听取驻村帮扶工作汇报 1 次，少于规定的 2 次"
    urge = run.task("rectify_first_half")
    assert (urge.role, urge.scope_kind, urge.decisions) == ("org_dept", "county", ["approve", "return"])
    assert urge.comment_required == ["return"]
    run.do("rectify_first_half", "return", comment="请补报整改后的情况")
    run.do("report_first_half", "approve", data=report(reports=2, deputy=1, visits=0, funds=0,
                                                        insurance=False))
    assert run.open_spec_ids() == [] and data_after(run, "check_first_half")["first_half_violations"] == []

    run.fire(cst(2027, 1, 1, 0, 0, 1))
    run.do("report_second_half", "approve", data=report(reports=2, deputy=1, visits=1, funds=8000,
                                                         insurance=False))
    rules = [v["rule"] for v in run.inst.data["rule_violations"]]
    assert rules == ["duty_main_leader_visits", "duty_work_funds", "duty_accident_insurance"]
    assert run.inst.data["rule_violations"][1]["message"] == "全年驻村工作经费 8000 元，少于规定的 10000 元"
    run.do("rectify_second_half", "approve", comment="已补拨经费、办理保险")
    assert run.status == "completed" and run.ended_at() == ["end_rectified"]


def test_second_half_report_waits_for_an_open_first_half_rectification() -> None:
    run = new_run()
    run.fire(cst(2026, 7, 1, 0, 0, 1))
    run.do("report_first_half", "approve", data=report(reports=0))
    run.fire(cst(2027, 1, 1, 0, 0, 1))
    assert "wait_year_end" in run.fired
    assert run.open_spec_ids() == ["rectify_first_half"]  # the year is over, the first half is not
    run.do("rectify_first_half", "approve", comment="已整改")
    assert run.open_spec_ids() == ["report_second_half"]


def _scenario(run: Run) -> None:
    run.fire(cst(2026, 7, 1, 0, 0, 1))
    run.fire(cst(2026, 7, 8, 0, 0, 2))  # report reminder and escalation
    run.do("report_first_half", "approve", data=report(deputy=0))
    run.do("rectify_first_half", "return", comment="重报")
    run.do("report_first_half", "approve", data=report())
    run.fire(cst(2027, 1, 1, 0, 0, 1))
    run.do("report_second_half", "approve", data=report(funds=1000))
    run.do("rectify_second_half", "approve", comment="已补拨")


def test_round_trip_at_every_wait_state_continues_identically() -> None:
    live, restored = new_run(), new_run(restore=True)
    _scenario(live)
    _scenario(restored)
    assert restored.restores == len(restored.hashes)
    assert live.hashes == restored.hashes
    assert live.fired == restored.fired and "report_first_half_escalation" in live.fired
    assert live.status == restored.status == "completed"
    assert live.ended_at() == restored.ended_at() == ["end_rectified"]


@pytest.mark.parametrize(("overrides", "missing"), [
    ({"duty_funds_per_year_yuan": -1}, "duty_funds_per_year_yuan"),
    ({"duty_insurance_required": "yes"}, "duty_insurance_required"),
])
def test_bad_thresholds_or_missing_start_data_stop_the_start(overrides: dict, missing: str) -> None:
    with pytest.raises(ScriptError) as err:
        new_run(**overrides)
    assert err.value.element_id == "load_duty_standards"
    assert missing.removeprefix("duty_") in str(err.value)
    data = duty_data()
    del data["year"]
    with pytest.raises(ScriptError) as err:
        Run("unit_duties", data, start_at=START)
    assert isinstance(err.value.cause, NameError) and err.value.cause.name == "year"


def test_check_unit_duties_rules() -> None:
    thresholds = unit_duty_thresholds({"main_leader_reports_per_half_year": 1})
    assert thresholds["funds_per_year_yuan"] == 10000 and thresholds["deputy_visits_per_half_year"] == 1
    ok = report(reports=1, visits=0, funds=0, insurance=False)
    assert check_unit_duties(ok, thresholds, "first_half") == []
    second = check_unit_duties(ok, thresholds, "second_half", first_half=ok)
    assert [v["field"] for v in second] == ["main_leader_visits", "funds_yuan", "insurance_done"]
    assert check_unit_duties(ok, {**thresholds, "insurance_required": False, "funds_per_year_yuan": 0,
                                  "main_leader_visits_per_year": 0}, "second_half", ok) == []
    bad = check_unit_duties({**ok, "funds_yuan": -5}, thresholds, "first_half")
    assert [(v["rule"], v["field"]) for v in bad] == [("duty_report_invalid", "funds_yuan")]
    with pytest.raises(ValueError):
        check_unit_duties(ok, thresholds, "third_quarter")
