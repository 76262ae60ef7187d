"""The villages whose work funds a dispatch unit owes in a year (domain rule 12).

驻村第一书记派驻单位每年安排不少于1万元的驻村工作经费: a unit owes them for every village where it
had a first secretary at any time of the year, read from the postings (the posting's supplier,
or its cadre's unit where none is recorded, as the coverage list reads it). unit_duties gets the
list with each half-year report, as data the service vouches for, so its check counts per village
and the replay sees the same list.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

import sqlalchemy as sa

from service.persistence.db import db
from service.persistence.models import Cadre, Posting, Village
from service.queries.stationed import overlaps

UNIT_DUTIES = "unit_duties"
REPORT_TASKS = frozenset({"report_first_half", "report_second_half"})
FIRST_SECRETARY = "first_secretary"


def first_secretary_villages(unit_id: str, year: int) -> list[dict[str, str]]:
    """[{village_id, village_name}] of the unit's first-secretary villages of `year`, by id."""
    rows = db.session.execute(
        sa.select(Village.id, Village.name).distinct()
        .join(Posting, Posting.village_id == Village.id)
        .join(Cadre, Cadre.id == Posting.cadre_id)
        .where(Posting.role == FIRST_SECRETARY, overlaps(date(year, 1, 1), date(year, 12, 31)),
               sa.func.coalesce(Posting.supplier_id, Cadre.unit_id) == unit_id)
        .order_by(Village.id)).all()
    return [{"village_id": r.id, "village_name": r.name} for r in rows]


def duty_report_facts(process_key: str, spec_id: str, data: Mapping[str, Any]) -> dict[str, Any] | None:
    """What the service adds to a unit_duties report: the year's first-secretary villages."""
    if process_key != UNIT_DUTIES or spec_id not in REPORT_TASKS:
        return None
    return {"duty_villages": first_secretary_villages(str(data["unit_id"]), int(data["year"]))}
