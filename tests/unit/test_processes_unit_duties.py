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

from workflows.duty_rules import check_duty_report, unit_duty_standards
from workflows.engine import ScriptError
from workflows.rules import check_unit_duties, unit_duty_thresholds

START = cst(2026, 1, 1, 0, 0)
FIRST_HALF_END = cst(2026, 7, 1, 0, 0)
YEAR_END = cst(2027, 1, 1, 0, 0)
STANDARDS = {
    "duty_main_leader_reports_per_half_year": 2, "duty_main_leader_visits_per_year": 2,
    "duty_deputy_visits_per_half_year": 1, "duty_work_funds_per_village_yuan": 10000,
    "duty_assistance_funds_per_year_yuan": 50000, "duty_product_purchase_per_year_yuan": 10000,
}
# What the service adds to each report: the unit's first-secretary villages of the year.
TWO_VILLAGES = {"duty_villages": [{"village_id": "v-a", "village_name": "上庄村"},
                                  {"village_id": "v-b", "village_name": "红岩村"}]}
ONE_VILLAGE = {"duty_villages": TWO_VILLAGES["duty_villages"][:1]}
PLAN = {"plan_start_year": 2025, "plan_end_year": 2027, "plan_content": "发展村集体经济，建设产业基地"}


def duty_data(**overrides: Any) -> dict[str, Any]:
    return {"unit_id": "u_jiaoyu", "year": 2026, **STANDARDS, **overrides}


def report(reports: int = 2, visits: int = 1, deputy: int = 1, funds: int = 5000, assistance: int = 25000,
           purchase: int = 5000, plan: dict[str, Any] | None = None) -> dict[str, Any]:
    """A second half-year's report; with `plan`, a first half-year's."""
    return {"main_leader_reports": reports, "main_leader_visits": visits, "deputy_visits": deputy,
            "funds_yuan": funds, "assistance_funds_yuan": assistance, "product_purchase_yuan": purchase,
            **(plan or {})}


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
    assert run.inst.data["duty_standards"] == {
        "main_leader_reports_per_half_year": 2, "main_leader_visits_per_year": 2,
        "deputy_visits_per_half_year": 1, "work_funds_per_village_yuan": 10000,
        "assistance_funds_per_year_yuan": 50000, "product_purchase_per_year_yuan": 10000}
    run.fire(FIRST_HALF_END)  # exactly at the end: not yet (timers fire strictly after)
    assert run.fired == [] and run.open_spec_ids() == []
    run.fire(cst(2026, 7, 1, 0, 0, 1))
    assert run.fired == ["wait_first_half"]
    task = run.task("report_first_half")
    assert (task.role, task.scope_kind, task.scope_value) == ("unit_hr", "unit", "u_jiaoyu")
    # No insurance: the county buys it (县级统一办理); the first half-year gives the 3-year plan.
    assert [f["id"] for f in task.form_fields] == [
        "main_leader_reports", "main_leader_visits", "deputy_visits", "funds_yuan", "assistance_funds_yuan",
        "product_purchase_yuan", "plan_start_year", "plan_end_year", "plan_content"]
    # The report's own reminder/escalation count working days as usual: Wed Jul 1 + 3 = Mon Jul 6.
    timers = run.timers()
    assert timers["report_first_half_reminder"] == cst(2026, 7, 6, 0, 0, 1)
    assert timers["report_first_half_escalation"] == cst(2026, 7, 8, 0, 0, 1)
    assert timers["wait_year_end"] == YEAR_END


def test_compliant_year_ends_completed_with_yearly_totals_over_both_halves() -> None:
    run = new_run()
    run.fire(cst(2026, 7, 1, 0, 0, 1))
    run.do("report_first_half", "approve", data=report(visits=1, funds=12000, assistance=30000,
                                                        purchase=6000, plan=PLAN), trusted=TWO_VILLAGES)
    assert run.open_spec_ids() == [] and run.status == "running"
    assert data_after(run, "check_first_half")["first_half_violations"] == []
    assert list(run.timers()) == ["wait_year_end"]  # the first half is closed; the year still runs

    run.fire(cst(2026, 12, 31, 23, 59, 59))
    assert run.open_spec_ids() == []
    run.fire(cst(2027, 1, 1, 0, 0, 1))
    task = run.task("report_second_half")
    assert "plan_content" not in [f["id"] for f in task.form_fields]
    # Second half alone: 1 visit, 8,000 yuan of work funds, 20,000 of assistance, 4,000 of purchases;
    # with the first half: 2 visits, 20,000 for two villages, 50,000 and 10,000.
    run.do("report_second_half", "approve",
           data=report(visits=1, funds=8000, assistance=20000, purchase=4000), trusted=TWO_VILLAGES)
    assert run.status == "completed"
    assert run.ended_at() == ["end_completed"]
    assert run.inst.data["second_half_violations"] == []


def test_work_funds_are_owed_per_first_secretary_village() -> None:
    """Two villages and one 10,000 yuan: short. The same sum for a unit with one village passes."""
    for villages, expected in ((TWO_VILLAGES, ["duty_work_funds"]), (ONE_VILLAGE, [])):
        run = new_run()
        run.fire(cst(2026, 7, 1, 0, 0, 1))
        run.do("report_first_half", "approve", data=report(funds=0, plan=PLAN), trusted=villages)
        run.fire(cst(2027, 1, 1, 0, 0, 1))
        run.do("report_second_half", "approve", data=report(funds=10000, assistance=50000, purchase=10000),
               trusted=villages)
        violations = run.inst.data["second_half_violations"]
        assert [v["rule"] for v in violations] == expected
        if expected:
            assert violations[0]["field"] == "funds_yuan"
            assert violations[0]["message"] == (
                "全年驻村工作经费 10000 元，少于规定的 20000 元（本单位 2 个驻村第一书记所在村："
                "上庄村、红岩村，每村每年不少于 10000 元）")
            assert run.open_spec_ids() == ["rectify_second_half"]
        else:
            assert run.status == "completed"


def test_shortfalls_are_urged_returned_and_rectified() -> None:
    run = new_run()
    run.fire(cst(2026, 7, 1, 0, 0, 1))
    run.do("report_first_half", "approve",
           data=report(reports=1, deputy=0, visits=0, funds=0, assistance=0, purchase=0,
                       plan={**PLAN, "plan_start_year": 2023, "plan_end_year": 2024}), trusted=TWO_VILLAGES)
    violations = data_after(run, "check_first_half")["rule_violations"]
    # Only half-year duties and the plan count in the first half; yearly ones wait for the second.
    assert [v["rule"] for v in violations] == ["duty_main_leader_reports", "duty_deputy_visits",
                                               "duty_plan_years", "duty_plan_not_current"]
    assert violations[0]["message"] == "上半年主要领导听取驻村帮扶工作汇报 1 次，少于规定的 2 次"
    assert violations[2]["message"] == "帮扶工作计划为 2023—2024 年，共 2 年，须制定 3 年定点帮扶工作计划"
    assert violations[3]["message"] == "帮扶工作计划（2023—2024 年）未覆盖 2026 年度"
    urge = run.task("rectify_first_half")
    assert (urge.role, urge.scope_kind, urge.decisions) == ("org_dept", "county", ["approve", "return"])
    assert urge.comment_required == ["return"]
    run.do("rectify_first_half", "return", comment="请补报整改后的情况")
    run.do("report_first_half", "approve", data=report(reports=2, deputy=1, visits=0, funds=0, plan=PLAN),
           trusted=TWO_VILLAGES)
    assert run.open_spec_ids() == [] and data_after(run, "check_first_half")["first_half_violations"] == []

    run.fire(cst(2027, 1, 1, 0, 0, 1))
    run.do("report_second_half", "approve",
           data=report(reports=2, deputy=1, visits=1, funds=8000, assistance=10000, purchase=2000),
           trusted=TWO_VILLAGES)
    violations = run.inst.data["rule_violations"]
    assert [v["rule"] for v in violations] == ["duty_main_leader_visits", "duty_work_funds",
                                               "duty_assistance_funds", "duty_product_purchase"]
    assert violations[2]["message"] == "全年对驻村帮扶村的帮扶资金 35000 元，少于规定的 50000 元"
    assert violations[3]["message"] == "全年认购扶贫产品资金 7000 元，少于规定的 10000 元"
    run.do("rectify_second_half", "approve", comment="已补拨经费、认购产品")
    assert run.status == "completed" and run.ended_at() == ["end_rectified"]


def test_second_half_report_waits_for_an_open_first_half_rectification() -> None:
    run = new_run()
    run.fire(cst(2026, 7, 1, 0, 0, 1))
    run.do("report_first_half", "approve", data=report(reports=0, plan=PLAN), trusted=ONE_VILLAGE)
    run.fire(cst(2027, 1, 1, 0, 0, 1))
    assert "wait_year_end" in run.fired
    assert run.open_spec_ids() == ["rectify_first_half"]  # the year is over, the first half is not
    run.do("rectify_first_half", "approve", comment="已整改")
    assert run.open_spec_ids() == ["report_second_half"]


def _scenario(run: Run) -> None:
    run.fire(cst(2026, 7, 1, 0, 0, 1))
    run.fire(cst(2026, 7, 8, 0, 0, 2))  # report reminder and escalation
    run.do("report_first_half", "approve", data=report(deputy=0, plan=PLAN), trusted=TWO_VILLAGES)
    run.do("rectify_first_half", "return", comment="重报")
    run.do("report_first_half", "approve", data=report(plan=PLAN), trusted=TWO_VILLAGES)
    run.fire(cst(2027, 1, 1, 0, 0, 1))
    run.do("report_second_half", "approve", data=report(funds=1000), trusted=TWO_VILLAGES)
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
    ({"duty_assistance_funds_per_year_yuan": -1}, "duty_assistance_funds_per_year_yuan"),
    # Below the seed's own figure: 1 visit, 10,000 yuan per village.
    ({"duty_work_funds_per_village_yuan": 9999}, "duty_work_funds_per_village_yuan"),
    ({"duty_deputy_visits_per_half_year": 0}, "duty_deputy_visits_per_half_year"),
    ({"duty_main_leader_visits_per_year": "2"}, "duty_main_leader_visits_per_year"),
])
def test_bad_standards_or_missing_start_data_stop_the_start(overrides: dict, missing: str) -> None:
    with pytest.raises(ScriptError) as err:
        new_run(**overrides)
    assert err.value.element_id == "load_duty_standards"
    assert missing.removeprefix("duty_") in str(err.value)
    data = duty_data()
    del data["year"]
    with pytest.raises(ScriptError) as err:
        Run("unit_duties", data, start_at=START)
    assert isinstance(err.value.cause, NameError) and err.value.cause.name == "year"


def test_a_report_without_the_villages_the_service_adds_stops_at_its_check() -> None:
    run = new_run()
    run.fire(cst(2026, 7, 1, 0, 0, 1))
    with pytest.raises(ScriptError) as err:
        run.do("report_first_half", "approve", data=report(plan=PLAN))
    assert err.value.element_id == "check_first_half"
    assert isinstance(err.value.cause, NameError) and err.value.cause.name == "duty_villages"


def test_duty_standards_floors_and_the_report_rules() -> None:
    standards = unit_duty_standards({"main_leader_reports_per_half_year": 3})
    assert standards["work_funds_per_village_yuan"] == 10000
    assert standards["main_leader_reports_per_half_year"] == 3
    assert unit_duty_standards({"work_funds_per_village_yuan": 20000})["work_funds_per_village_yuan"] == 20000
    for name, value, words in (("work_funds_per_village_yuan", 0, "不能低于驻村帮扶工作方案规定的 10000 元"),
                               ("deputy_visits_per_half_year", 0, "不能低于驻村帮扶工作方案规定的 1 次"),
                               ("main_leader_reports_per_half_year", 0, "至少为 1 次"),
                               ("product_purchase_per_year_yuan", 60000, "不能多于帮扶资金标准")):
        with pytest.raises(ValueError, match=words):
            unit_duty_standards({name: value})
    villages = TWO_VILLAGES["duty_villages"]
    first = report(plan=PLAN)
    assert check_duty_report(first, standards, "first_half", 2026, villages) == [
        {"rule": "duty_main_leader_reports", "field": "main_leader_reports",
         "message": "上半年主要领导听取驻村帮扶工作汇报 2 次，少于规定的 3 次"}]
    no_plan = check_duty_report({**first, "plan_content": "  "}, standards, "first_half", 2026, villages)
    assert ("duty_plan_missing", "plan_content") in [(v["rule"], v["field"]) for v in no_plan]
    backwards = check_duty_report({**first, "plan_end_year": 2024}, standards, "first_half", 2026, villages)
    assert ("duty_plan_invalid", "plan_end_year") in [(v["rule"], v["field"]) for v in backwards]
    # 认购扶贫产品资金 is part of (其中) the assistance funds.
    bad = check_duty_report(report(assistance=1000, purchase=2000), standards, "second_half", 2026, villages)
    assert [(v["rule"], v["field"]) for v in bad] == [("duty_report_invalid", "product_purchase_yuan")]
    bad = check_duty_report({**first, "funds_yuan": -5}, standards, "first_half", 2026, villages)
    assert [(v["rule"], v["field"]) for v in bad] == [("duty_report_invalid", "funds_yuan")]
    # No first-secretary village in the year: no work funds owed.
    assert "duty_work_funds" not in [v["rule"] for v in check_duty_report(
        report(funds=0, reports=3), standards, "second_half", 2026, [], first_half=report(reports=3))]
    with pytest.raises(ValueError):
        check_duty_report(first, standards, "third_quarter", 2026, villages)


def test_first_version_rules_stay_as_recorded() -> None:
    """The first unit_duties definition's helpers: its instances run and replay with them."""
    thresholds = unit_duty_thresholds({"main_leader_reports_per_half_year": 1})
    assert thresholds["funds_per_year_yuan"] == 10000 and thresholds["deputy_visits_per_half_year"] == 1
    old = {"main_leader_reports": 1, "main_leader_visits": 0, "deputy_visits": 1, "funds_yuan": 0,
           "insurance_done": False}
    assert check_unit_duties(old, thresholds, "first_half") == []
    second = check_unit_duties(old, thresholds, "second_half", first_half=old)
    assert [v["field"] for v in second] == ["main_leader_visits", "funds_yuan", "insurance_done"]
