"""The case sheet of the ledger: one row per case with history in the period.

A case is in a period's ledger when anything happened to it then (opened, decided, ended), so
every row of the event sheet has its case here. Read a batch at a time, like the events.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from service.audit.ledger_events import case_cadre, in_period, person
from service.config import get_settings
from service.core.clock import now
from service.core.labels import PROCESS_NAMES, STATUS_NAMES
from service.persistence.models import Cadre, HistoryEvent, Org, ProcessInstance, User, Village
from service.persistence.streaming import stream_rows
from service.queries.deadlines import display_calendar
from service.queries.working_day_count import WorkingDayCount


def _statement(start: datetime, end: datetime) -> sa.Select:
    new_cadre, township, unit = aliased(Cadre), aliased(Org), aliased(Org)
    active = sa.select(HistoryEvent.instance_id).where(in_period(start, end))
    return (sa.select(ProcessInstance.id, ProcessInstance.process_key, ProcessInstance.status,
                      ProcessInstance.created_at, ProcessInstance.ended_at, ProcessInstance.cadre_id,
                      ProcessInstance.village_id, ProcessInstance.submitter, Cadre.name.label("cadre"),
                      new_cadre.name.label("new_cadre"), Village.name.label("village"),
                      township.name.label("township"), unit.name.label("unit"),
                      User.display_name.label("submitter_name"))
            .outerjoin(Cadre, Cadre.id == ProcessInstance.cadre_id)
            .outerjoin(new_cadre, sa.and_(ProcessInstance.process_key == "handover",
                                          new_cadre.id == ProcessInstance.new_cadre_id))
            .outerjoin(Village, Village.id == ProcessInstance.village_id)
            .outerjoin(township, township.id == ProcessInstance.township_id)
            .outerjoin(unit, unit.id == ProcessInstance.unit_id)
            .outerjoin(User, User.login == ProcessInstance.submitter)
            .where(ProcessInstance.id.in_(active))
            .order_by(ProcessInstance.created_at, ProcessInstance.id))


def case_rows(start: datetime, end: datetime) -> Iterator[dict[str, Any]]:
    """Cases with an event at start <= at < end, in the order they were opened. A running case's
    working days count up to now."""
    tz = get_settings().tz
    days = WorkingDayCount(display_calendar())
    exported_at = now()
    for r in stream_rows(_statement(start, end)):
        yield {
            "process": PROCESS_NAMES.get(r.process_key, r.process_key),
            "township": r.township, "village": r.village or r.village_id,
            "cadre": case_cadre(r.process_key, r.cadre or r.cadre_id, r.new_cadre),
            "unit": r.unit, "submitter": person(r.submitter_name, r.submitter),
            "opened": r.created_at.astimezone(tz),
            "ended": r.ended_at.astimezone(tz) if r.ended_at else None,
            "outcome": STATUS_NAMES.get(r.status, r.status),
            "working_days": days.between(r.created_at, r.ended_at or exported_at),
            "instance_id": r.id,
        }
