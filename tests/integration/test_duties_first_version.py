"""A duty year started on the first unit_duties version (work funds per unit, insurance asked of
the unit) runs to its end and verifies after the upgrade: its scripts still find the helpers they
call, with the rules its events were recorded with. The version is the one main shipped before
the correction (a fixture, stored as is); new years start on the corrected one."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from timer_helpers import at_clock, bj, complete, who

from service import commands
from service.audit import verify_instance
from service.commands.actor import first_grant
from service.commands.core import start
from service.commands.uow import unit_of_work
from service.commands.yearly_duties import start_unit_duties
from service.persistence.db import db
from service.persistence.models import ProcessDefinition, ProcessInstance
from workflows.definitions import content_hash

FIXTURES = Path(__file__).resolve().parents[1] / "support" / "fixtures"
FIRST = (FIXTURES / "unit_duties_first_version.bpmn").read_text(encoding="utf-8")
# The start data the service gave the first version (CADREFLOW_DUTY_* of that time).
FIRST_THRESHOLDS = {"duty_main_leader_reports_per_half_year": 1, "duty_main_leader_visits_per_year": 1,
                    "duty_deputy_visits_per_half_year": 1, "duty_funds_per_year_yuan": 10000,
                    "duty_insurance_required": True}
OLD_REPORT = {"main_leader_reports": 1, "main_leader_visits": 1, "deputy_visits": 1, "funds_yuan": 6000,
              "insurance_done": True}


def store_first_version() -> ProcessDefinition:
    """The first version as a database upgraded from main holds it: below the current one."""
    current = db.session.execute(sa.select(ProcessDefinition).where(
        ProcessDefinition.key == "unit_duties")).scalar_one()
    row = ProcessDefinition(key="unit_duties", version=0, name=current.name,
                            content_hash=content_hash({"unit_duties.bpmn": FIRST.encode()}),
                            files={"unit_duties.bpmn": FIRST}, deployed_by="admin")
    db.session.add(row)
    db.session.commit()
    return row


def test_a_year_on_the_first_version_ends_and_verifies(make_app):
    app = make_app()
    with at_clock(app, bj(2026, 1, 1, 0)) as clock:
        first = store_first_version()
        orgdept = who("orgdept")
        with unit_of_work():
            old = start(first, {**FIRST_THRESHOLDS, "unit_id": "unit-edu", "year": 2026}, clock.now(),
                        actor=orgdept, grant=first_grant(orgdept), business_key="unit_duties:unit-edu:2026",
                        submitter="orgdept").id
        clock.set(bj(2026, 7, 2, 9))
        commands.fire_due_timers(old, clock.now())
        complete("hr_edu", old, "report_first_half", data=OLD_REPORT)
        clock.set(bj(2027, 1, 2, 9))
        commands.fire_due_timers(old, clock.now())
        # The first version's rule: 6,000 + 3,000 yuan for the whole unit is short of 10,000, so
        # the Organization Department gets a rectification to urge.
        complete("hr_edu", old, "report_second_half", data={**OLD_REPORT, "funds_yuan": 3000})
        complete("orgdept", old, "rectify_second_half", comment="已补拨")
        assert db.session.get_one(ProcessInstance, old).status == "completed"
        assert verify_instance(old).ok

        # A new year starts on the corrected version, with the standards of today's settings.
        with unit_of_work():
            new = start_unit_duties("unit-edu", 2027, clock.now(), actor=orgdept, grant=first_grant(orgdept),
                                    submitter="orgdept")
            assert new is not None and new.definition_id != first.id
            assert new.state  # started: the corrected version took today's standards
