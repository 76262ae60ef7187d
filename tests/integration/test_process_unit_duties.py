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


def report(**overrides: object) -> dict:
    return {"main_leader_reports": 1, "main_leader_visits": 1, "deputy_visits": 1, "funds_yuan": 6000,
            "insurance_done": True, **overrides}


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
    # Thresholds from the settings (defaults: the seed's X are placeholders of 1).
    assert {k: data[k] for k in data if k.startswith("duty_") and k != "duty_thresholds"} == {
        "duty_main_leader_reports_per_half_year": 1, "duty_main_leader_visits_per_year": 1,
        "duty_deputy_visits_per_half_year": 1, "duty_funds_per_year_yuan": 10000,
        "duty_insurance_required": True, "duty_unit_id": "unit-edu", "duty_year": 2027}
    assert start_at == datetime.fromisoformat("2026-12-01T09:00:00+08:00")

    clock.set(HALF_YEAR_END)
    assert _fire(app, iid, clock.now()) == []  # fires strictly after the calendar moment
    clock.advance(SECOND)
    assert _fire(app, iid, clock.now()) == ["wait_first_half"]
    assert not [t for t in api.inbox("hr_hospital") if t["instance_id"] == iid]  # another unit
    task = api.task_of("hr_edu", iid)
    assert task["spec_id"] == "report_first_half"
    errors = problem_fields(api.act("hr_edu", iid, data=report(funds_yuan="很多"), status=422))
    assert "data.funds_yuan" in errors
    api.act("hr_edu", iid, data=report(deputy_visits=0))
    urge = api.task_of("orgdept", iid)
    assert urge["spec_id"] == "rectify_first_half"
    api.act("orgdept", iid, decision="return", comment="分管领导尚未到村调研，请整改后重报")
    api.act("hr_edu", iid, data=report())
    assert not [t for t in api.inbox("orgdept") if t["instance_id"] == iid]

    clock.set(YEAR_END + SECOND)
    assert _fire(app, iid, clock.now()) == ["wait_year_end"]
    # Yearly totals: 6,000 + 3,000 yuan is short of 10,000.
    api.act("hr_edu", iid, data=report(funds_yuan=3000, insurance_done=False))
    urge = api.task_of("orgdept", iid)
    assert urge["spec_id"] == "rectify_second_half"
    done = api.act("orgdept", iid, comment="已补拨经费")
    assert done["instance_status"] == "completed"
    assert api.instance("orgdept", iid)["status"] == "completed"

    with app.app_context():
        result = verify_instance(iid)
    assert result.ok, result


def test_duty_settings_from_the_environment():
    settings = Settings.from_env({"CADREFLOW_DUTY_MAIN_LEADER_REPORTS_PER_HALF_YEAR": "2",
                                  "CADREFLOW_DUTY_INSURANCE_REQUIRED": "false"})
    assert settings.process_duty_thresholds["duty_main_leader_reports_per_half_year"] == 2
    assert settings.process_duty_thresholds["duty_insurance_required"] is False
    assert settings.process_duty_thresholds["duty_funds_per_year_yuan"] == 10000
    for env in ({"CADREFLOW_DUTY_FUNDS": "1"}, {"CADREFLOW_DUTY_FUNDS_PER_YEAR_YUAN": "1万"},
                {"CADREFLOW_DUTY_DEPUTY_VISITS_PER_HALF_YEAR": "-1"}):
        with pytest.raises(SettingsError, match="CADREFLOW_DUTY_"):
            Settings.from_env(env)
