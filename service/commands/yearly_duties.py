"""Domain rule 9 every year: one unit_duties instance per dispatch unit, started by the system.

The timer service calls `start_year_of_duties` for the current year (in the county's time zone)
when it starts and every hour, so a new year's instances appear in its first hour, and a service
that was down on 1 January catches up when it comes back; `cadreflow duties start-year` does the
same by hand. Idempotent: the business key `unit_duties:<unit>:<year>` names each instance, and the
unit's row is locked while it is checked, so two schedulers never start the same one twice.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from service.commands.actor import SYSTEM, first_grant
from service.commands.core import start
from service.commands.start_defaults import UNIT_DUTIES_KEY, start_defaults
from service.commands.uow import unit_of_work
from service.config import get_settings
from service.core.principal import Grant, Principal
from service.persistence.db import db
from service.persistence.models import Org, ProcessDefinition, ProcessInstance
from service.persistence.runtime import latest_definition_row

DISPATCH_UNIT = "dispatch_unit"
DUTY_YEARS = range(2000, 2101)  # the years a duty year may be started for


def duties_business_key(unit_id: str, year: int) -> str:
    return f"{UNIT_DUTIES_KEY}:{unit_id}:{year}"


def duty_year(at: datetime) -> int:
    return at.astimezone(get_settings().tz).year


def start_year_of_duties(year: int, at: datetime) -> list[str]:
    """Start the missing unit_duties instances of `year`; returns the ids of those it started
    (none when unit_duties is not deployed). Called outside any transaction (the timer service,
    the command line): it ends the session's transaction and runs one per unit."""
    if db.session.execute(sa.select(ProcessDefinition.id).where(
            ProcessDefinition.key == UNIT_DUTIES_KEY).limit(1)).first() is None:
        return []
    units = list(db.session.execute(sa.select(Org.id).where(Org.kind == DISPATCH_UNIT)
                                    .order_by(Org.id)).scalars())
    db.session.rollback()  # each unit in a transaction of its own
    started = []
    for unit_id in units:
        with unit_of_work():
            row = start_unit_duties(unit_id, year, at, actor=SYSTEM, grant=first_grant(SYSTEM),
                                    submitter=None)
            if row is not None:
                started.append(row.id)
    return started


def start_unit_duties(unit_id: str, year: int, at: datetime, *, actor: Principal, grant: Grant | None,
                      submitter: str | None) -> ProcessInstance | None:
    """Start the unit's instance of `year` inside the caller's unit of work, unless it exists
    (None then). The thresholds come from the settings only."""
    # The lock serialises schedulers (and an admin's start) checking the same unit (PostgreSQL;
    # SQLite serialises every writer anyway).
    db.session.execute(sa.select(Org.id).where(Org.id == unit_id).with_for_update())
    key = duties_business_key(unit_id, year)
    if db.session.execute(sa.select(ProcessInstance.id).where(
            ProcessInstance.process_key == UNIT_DUTIES_KEY,
            ProcessInstance.business_key == key).limit(1)).first() is not None:
        return None
    return start(latest_definition_row(UNIT_DUTIES_KEY),
                 {**start_defaults(UNIT_DUTIES_KEY), "unit_id": unit_id, "year": year}, at,
                 actor=actor, grant=grant, business_key=key, submitter=submitter)
