"""Domain rule 9 each year: one unit_duties instance per dispatch unit, started once (command,
timer service job with CADREFLOW_DUTIES_AUTOSTART, `cadreflow duties start-year`)."""

from __future__ import annotations

from datetime import datetime

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from service.cli import cli
from service.commands.yearly_duties import duties_business_key, duty_year, start_year_of_duties
from service.config import Settings, SettingsError
from service.persistence.db import db
from service.persistence.models import Org, ProcessInstance
from service.timers.scheduler import TimerService

NEW_YEAR_BJ = datetime.fromisoformat("2027-01-01T00:30:00+08:00")  # still 2026 in UTC


def units() -> list[str]:
    return sorted(db.session.execute(sa.select(Org.id).where(Org.kind == "dispatch_unit")).scalars())


def duties_of(year: int) -> dict[str, ProcessInstance]:
    rows = db.session.execute(sa.select(ProcessInstance).where(
        ProcessInstance.process_key == "unit_duties",
        ProcessInstance.business_key.like(f"unit_duties:%:{year}"))).scalars().all()
    return {row.unit_id: row for row in rows}


def test_one_instance_per_dispatch_unit_and_year_started_once(app):
    with app.app_context():
        assert duty_year(NEW_YEAR_BJ) == 2027  # the county's calendar, not UTC
        started = start_year_of_duties(2027, NEW_YEAR_BJ)
        found = duties_of(2027)
        assert len(started) == len(units()) >= 3 and sorted(found) == units()
        for unit_id, row in found.items():
            assert row.business_key == duties_business_key(unit_id, 2027)
            assert row.status == "running" and row.submitter is None
        assert start_year_of_duties(2027, NEW_YEAR_BJ) == []  # idempotent
        assert len(duties_of(2027)) == len(units())


def test_hr_sees_its_own_units_duties(app, client, auth):
    with app.app_context():
        start_year_of_duties(2029, NEW_YEAR_BJ)
        own = duties_of(2029)["unit-edu"].id
    listed = client.get("/api/v1/instances?process=unit_duties&per_page=100",
                        headers=auth("hr_edu")).get_json()
    ids = {item["id"] for item in listed["items"]}
    assert own in ids
    with app.app_context():
        assert not ids & {row.id for unit, row in duties_of(2029).items() if unit != "unit-edu"}


def test_the_timer_service_starts_the_year_when_autostart_is_on(make_app):
    off = TimerService(make_app())
    on_app = make_app(duties_autostart=True)
    on = TimerService(on_app)
    try:
        off.start()
        assert off._scheduler.get_job("duties") is None
        on.start()
        assert on._scheduler.get_job("duties") is not None
    finally:
        off.shutdown(wait=False)
        on.shutdown(wait=False)
    started = on.start_duties(NEW_YEAR_BJ)
    with on_app.app_context():
        assert len(started) == len(units()) and sorted(duties_of(2027)) == units()
    assert on.start_duties(NEW_YEAR_BJ) == []


def test_command_line_start_year(db_url):
    def run(*args: str) -> str:
        result = CliRunner().invoke(cli, ["duties", "start-year", *args],
                                    env={"CADREFLOW_DATABASE_URL": db_url})
        assert result.exit_code == 0, result.output
        return result.output

    first = run("--year", "2031")
    assert "2031 年度" in first and "新发起 0 个" not in first
    assert "新发起 0 个" in run("--year", "2031")


def test_autostart_setting_is_validated():
    assert Settings.from_env({"CADREFLOW_DUTIES_AUTOSTART": "true"}).duties_autostart is True
    assert Settings.from_env({}).duties_autostart is False
    with pytest.raises(SettingsError, match="CADREFLOW_DUTIES_AUTOSTART"):
        Settings.from_env({"CADREFLOW_DUTIES_AUTOSTART": "sometimes"})
