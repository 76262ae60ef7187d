"""unit_duties through HTTP (domain rule 9), on SQLite and PostgreSQL.

Started by the Organization Department (its lane) or the county leading group (`start_roles`),
one unit and year at a time; the thresholds come from CADREFLOW_DUTY_* settings merged into the
start data by the service, never from the caller.
The module clock starts Tue 2026-12-01 09:00 (Beijing): the half-year ends on 2027-06-01 09:00 and
the year on 2027-12-01 09:00, calendar months both.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from process_helpers import Api, problem_fields

from service.audit import verify_instance
from service.commands import fire_due_timers
from service.config import Settings, SettingsError

HALF_YEAR_END = datetime.fromisoformat("2027-06-01T09:00:00+08:00")
YEAR_END = datetime.fromisoformat("2027-12-01T09:00:00+08:00")
SECOND = timedelta(seconds=1)


PLAN = {"plan_start_year": 2026, "plan_end_year": 2028, "plan_content": "发展村集体经济，建设产业基地"}


def report(**overrides: object) -> dict:
    """A second half-year's report (a first half-year's with **PLAN)."""
    return {"main_leader_reports": 1, "main_leader_visits": 1, "deputy_visits": 1, "funds_yuan": 6000,
            "assistance_funds_yuan": 30000, "product_purchase_yuan": 6000, **overrides}


@pytest.fixture
def api(client, auth, clock):
    return Api(client, auth)


def _fire(app, iid: str, at: datetime) -> list[str]:
    with app.app_context():
        return [t.spec_id for t in fire_due_timers(iid, at).fired]


def test_who_may_start_and_what_the_start_data_needs(api):
    body = {"data": {"unit_id": "unit-power", "year": 2027}}
    for login in ("hr_power", "tw_baishui", "rrb", "auditor", "cadre_lina"):
        api.post(login, "/definitions/unit_duties/instances", body, status=403)
    errors = problem_fields(api.post("admin", "/definitions/unit_duties/instances",
                                     {"data": {"unit_id": "unit-power"}}, status=422))
    assert "data.year" in errors
    # The thresholds are configuration: a caller cannot lower them for one unit.
    bad = {"data": {"unit_id": "unit-power", "year": 2027, "duty_funds_per_year_yuan": 1}}
    errors = problem_fields(api.post("admin", "/definitions/unit_duties/instances", bad, status=422))
    assert list(errors) == ["data.duty_funds_per_year_yuan"]
    for login, unit in (("county", "unit-power"), ("admin", "unit-hospital")):
        started = api.post(login, "/definitions/unit_duties/instances",
                           {"data": {"unit_id": unit, "year": 2027}}, status=201)
        assert started["status"] == "running" and started["open_tasks"] == []
    # One instance per unit and year, as the yearly start keeps it.
    api.post("admin", "/definitions/unit_duties/instances", body, status=409)


def test_duty_year_through_http_with_a_shortfall_and_audit_replay(api, app, clock):
    start_at = clock.now()
    started = api.post("orgdept", "/definitions/unit_duties/instances",
                       {"data": {"unit_id": "unit-edu", "year": 2027}}, status=201)
    iid = started["instance_id"]
    data = api.instance("orgdept", iid)["data"]
    # Standards from the settings (defaults: the seed's own figures, and placeholders for its X).
    assert {k: data[k] for k in data if k.startswith("duty_") and k != "duty_standards"} == {
        "duty_main_leader_reports_per_half_year": 1, "duty_main_leader_visits_per_year": 1,
        "duty_deputy_visits_per_half_year": 1, "duty_work_funds_per_village_yuan": 10000,
        "duty_assistance_funds_per_year_yuan": 50000, "duty_product_purchase_per_year_yuan": 10000,
        "duty_unit_id": "unit-edu", "duty_year": 2027}
    assert start_at == datetime.fromisoformat("2026-12-01T09:00:00+08:00")

    clock.set(HALF_YEAR_END)
    assert _fire(app, iid, clock.now()) == []  # fires strictly after the calendar moment
    clock.advance(SECOND)
    assert _fire(app, iid, clock.now()) == ["wait_first_half"]
    assert not [t for t in api.inbox("hr_hospital") if t["instance_id"] == iid]  # another unit
    task = api.task_of("hr_edu", iid)
    assert task["spec_id"] == "report_first_half"
    form = [f["id"] for f in api.get("hr_edu", f"/tasks/{task['id']}")["form_fields"]]
    assert "insurance_done" not in form and "plan_content" in form  # the county insures, not the unit
    errors = problem_fields(api.act("hr_edu", iid, data=report(funds_yuan="很多", **PLAN), status=422))
    assert "data.funds_yuan" in errors
    errors = problem_fields(api.act("hr_edu", iid, data=report(insurance_done=True, **PLAN), status=422))
    assert "data.insurance_done" in errors
    api.act("hr_edu", iid, data=report(deputy_visits=0, **PLAN))
    urge = api.task_of("orgdept", iid)
    assert urge["spec_id"] == "rectify_first_half"
    api.act("orgdept", iid, decision="return", comment="分管领导尚未到村调研，请整改后重报")
    api.act("hr_edu", iid, data=report(**PLAN))
    assert not [t for t in api.inbox("orgdept") if t["instance_id"] == iid]

    clock.set(YEAR_END + SECOND)
    assert _fire(app, iid, clock.now()) == ["wait_year_end"]
    # 6,000 + 4,000 yuan is one village's work funds; the education bureau has two first-secretary
    # villages (上庄村 and 红岩村), so it owes 20,000.
    api.act("hr_edu", iid,
            data=report(funds_yuan=4000, assistance_funds_yuan=20000, product_purchase_yuan=4000))
    data = api.instance("orgdept", iid)["data"]
    assert data["duty_villages"] == [{"village_id": "v-hongyan", "village_name": "红岩村"},
                                     {"village_id": "v-shangzhuang", "village_name": "上庄村"}]
    assert [v["rule"] for v in data["second_half_violations"]] == ["duty_work_funds"]
    assert "少于规定的 20000 元（本单位 2 个驻村第一书记所在村：红岩村、上庄村" in \
        data["second_half_violations"][0]["message"]
    urge = api.task_of("orgdept", iid)
    assert urge["spec_id"] == "rectify_second_half"
    done = api.act("orgdept", iid, comment="已补拨经费")
    assert done["instance_status"] == "completed"
    assert api.instance("orgdept", iid)["status"] == "completed"

    with app.app_context():
        result = verify_instance(iid)
    assert result.ok, result


def test_one_village_one_sum_of_work_funds(api, app, clock):
    """The hospital has one first-secretary village (水口村): 10,000 yuan in the year is enough."""
    iid = api.post("orgdept", "/definitions/unit_duties/instances",
                   {"data": {"unit_id": "unit-hospital", "year": 2028}}, status=201)["instance_id"]
    clock.set(datetime.fromisoformat("2028-12-02T09:00:00+08:00"))
    assert _fire(app, iid, clock.now()) == ["wait_first_half", "wait_year_end"]
    api.act("hr_hospital", iid, data=report(funds_yuan=5000, plan_start_year=2028, plan_end_year=2030,
                                            plan_content="产业帮扶"))
    api.act("hr_hospital", iid, data=report(funds_yuan=5000, assistance_funds_yuan=20000))
    data = api.instance("orgdept", iid)["data"]
    # The posting planned to end 2027-02-28 still runs (no handover yet): it counts in 2028.
    assert [v["village_name"] for v in data["duty_villages"]] == ["水口村"]
    assert data["second_half_violations"] == []
    assert api.instance("orgdept", iid)["status"] == "completed"


def test_duty_settings_from_the_environment():
    settings = Settings.from_env({"CADREFLOW_DUTY_MAIN_LEADER_REPORTS_PER_HALF_YEAR": "2",
                                  "CADREFLOW_DUTY_WORK_FUNDS_PER_VILLAGE_YUAN": "15000"})
    assert settings.process_duty_standards["duty_main_leader_reports_per_half_year"] == 2
    assert settings.process_duty_standards["duty_work_funds_per_village_yuan"] == 15000
    assert settings.process_duty_standards["duty_deputy_visits_per_half_year"] == 1
    for env in ({"CADREFLOW_DUTY_FUNDS": "1"}, {"CADREFLOW_DUTY_WORK_FUNDS_PER_VILLAGE_YUAN": "1万"},
                {"CADREFLOW_DUTY_DEPUTY_VISITS_PER_HALF_YEAR": "-1"}):
        with pytest.raises(SettingsError, match="CADREFLOW_DUTY_"):
            Settings.from_env(env)


@pytest.mark.parametrize(("variable", "value", "message"), [
    # The seed's own figures are floors: 分管领导每半年到村调研不少于1次, 每年不少于1万元的驻村工作经费.
    ("CADREFLOW_DUTY_DEPUTY_VISITS_PER_HALF_YEAR", "0", "不能低于驻村帮扶工作方案规定的 1 次，现为 0"),
    ("CADREFLOW_DUTY_WORK_FUNDS_PER_VILLAGE_YUAN", "0", "不能低于驻村帮扶工作方案规定的 10000 元，现为 0"),
    ("CADREFLOW_DUTY_WORK_FUNDS_PER_VILLAGE_YUAN", "9999", "不能低于驻村帮扶工作方案规定的 10000 元"),
    # The seed's X: a duty the seed asks for, at least once, at least one yuan.
    ("CADREFLOW_DUTY_MAIN_LEADER_VISITS_PER_YEAR", "0", "至少为 1 次"),
    ("CADREFLOW_DUTY_ASSISTANCE_FUNDS_PER_YEAR_YUAN", "0", "至少为 1 元"),
    ("CADREFLOW_SUPPORT_TRANSPORT_TRIPS_PER_MONTH", "0", "必须为正整数"),
    ("CADREFLOW_SUPPORT_INSURANCE_MIN_COVER_YUAN", "0", "必须为正整数"),
    # Settings of the first version say what replaced them.
    ("CADREFLOW_DUTY_FUNDS_PER_YEAR_YUAN", "10000", "已改为 CADREFLOW_DUTY_WORK_FUNDS_PER_VILLAGE_YUAN"),
    ("CADREFLOW_DUTY_INSURANCE_REQUIRED", "false", "人身意外伤害保险由县级统一办理"),
    ("CADREFLOW_SUPPORT_TRIPS", "3", "未知的工作保障设置"),
])
def test_floors_cannot_be_configured_below_the_seed(variable, value, message):
    with pytest.raises(SettingsError) as err:
        Settings.from_env({variable: value})
    assert variable in str(err.value) and message in str(err.value)
    with pytest.raises(SettingsError, match="不能低于驻村帮扶工作方案规定的 10000 元"):
        Settings(duty_standards={"work_funds_per_village_yuan": 5000})
    assert Settings.from_env({}).transport_trips_per_month == 2
    assert Settings.from_env({}).insurance_min_cover_yuan == 500000
