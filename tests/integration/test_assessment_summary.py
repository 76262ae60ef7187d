"""The yearly per-unit summary reads the unit's duty year (unit_duties) as well as the grades: a
year fulfilled, a year with a shortfall rectified (and what the check found), one still running."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from command_helpers import who

from service import commands
from service.core.clock import ManualClock, install_clock
from service.persistence.db import db
from service.persistence.models import HumanTask
from service.queries.assessments.summary import unit_summary

GOOD = {"main_leader_reports": 1, "main_leader_visits": 1, "deputy_visits": 1, "funds_yuan": 6000,
        "assistance_funds_yuan": 30000, "product_purchase_yuan": 6000}
# the unit's 3-year plan, reported with the first half-year
PLAN = {"plan_start_year": 2026, "plan_end_year": 2028, "plan_content": "发展村集体经济，建设产业基地"}


def step(instance_id: str) -> HumanTask:
    return db.session.execute(sa.select(HumanTask).where(
        HumanTask.instance_id == instance_id, HumanTask.status == "open")).scalar_one()


def report(instance_id: str, data: dict[str, Any]) -> None:
    commands.complete_task(who("hr_edu" if "edu" in step(instance_id).scope_id else "hr_power"),
                           step(instance_id).id, "approve", None, data)


def test_the_summary_reads_each_units_duty_year(make_app: Any) -> None:
    app = make_app()
    clock = install_clock(app, ManualClock(datetime.fromisoformat("2026-01-05T09:00:00+08:00")))
    with app.app_context():
        edu, power = (commands.start_process(who("orgdept"), "unit_duties",
                                             {"unit_id": unit, "year": 2026}).id
                      for unit in ("unit-edu", "unit-power"))
        clock.set(datetime.fromisoformat("2026-07-06T09:00:00+08:00"))
        for iid in (edu, power):
            commands.fire_due_timers(iid, clock.now())
            report(iid, {**GOOD, **PLAN})
        clock.set(datetime.fromisoformat("2027-01-06T09:00:00+08:00"))
        for iid, funds in ((edu, 2000), (power, 6000)):
            commands.fire_due_timers(iid, clock.now())
            report(iid, {**GOOD, "funds_yuan": funds})
        # 8,000 yuan in the year: short of 10,000 for each of its two first-secretary villages
        assert step(edu).spec_id == "rectify_second_half"
        commands.complete_task(who("orgdept"), step(edu).id, "approve", "已补拨经费", {})
        units = {u["unit_id"]: u for u in unit_summary(who("county"), 2026)["units"]}
        assert (units["unit-power"]["duties"]["state"], units["unit-power"]["duties"]["state_name"]) == (
            "fulfilled", "全年达标")
        duties = units["unit-edu"]["duties"]
        assert (duties["state"], duties["state_name"]) == ("rectified", "经整改完成")
        assert len(duties["problems"]) == 1 and "20000" in duties["problems"][0]
        assert units["unit-hospital"]["duties"]["state_name"] == "未发起"
        running = commands.start_process(who("orgdept"), "unit_duties",
                                         {"unit_id": "unit-hospital", "year": 2027}).id
        hospital = {u["unit_id"]: u for u in unit_summary(who("county"), 2027)["units"]}["unit-hospital"]
        assert hospital["duties"] == {"state": "running", "state_name": "办理中（等待半年期满）",
                                      "problems": [], "instance_id": running}
