"""Starting one cadre's assessment: its data from the roster, under the business key that names
what is assessed (queries/assessments/keys.py), so a year's round and a term's end each assess a
cadre once."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from service.commands.core import start_latest
from service.core.principal import Grant, Principal
from service.persistence.db import db
from service.persistence.models import Org, Posting, ProcessInstance, Village
from service.queries.assessments.keys import PROCESS_KEY


def assessment_data(posting: Posting, kind: str, year: int, period: tuple[date, date],
                    round_id: str | None) -> dict[str, Any]:
    """What the process reads: the cadre, the village and its township, and who supplied the
    cadre (a dispatch unit gives its opinion through its HR; a township that supplied a team
    member gives it itself: `supplied_by_township`, `unit_id` then None)."""
    cadre = posting.cadre
    village = db.session.get_one(Village, posting.village_id)
    supplier_id = posting.supplier_id or cadre.unit_id
    supplier = db.session.get(Org, supplier_id)
    by_township = supplier is not None and supplier.kind == "township"
    return {
        "kind": kind, "year": year, "round_id": round_id, "posting_id": posting.id,
        "cadre_id": cadre.id, "cadre_name": cadre.name, "role": posting.role,
        "village_id": village.id, "village_name": village.name, "village_category": village.category,
        "township_id": village.township_id, "supplier_id": supplier_id,
        "supplier_name": supplier.name if supplier is not None else supplier_id,
        "supplied_by_township": by_township, "unit_id": None if by_township else supplier_id,
        "term_start": posting.term_start.isoformat(),
        "planned_end": posting.planned_end.isoformat() if posting.planned_end else None,
        "period_start": period[0].isoformat(), "period_end": period[1].isoformat(),
    }


def start_assessment(posting: Posting, kind: str, year: int, period: tuple[date, date], at: datetime, *,
                     actor: Principal, grant: Grant | None, business_key: str,
                     round_id: str | None = None) -> ProcessInstance:
    """Inside the caller's unit of work. No submitter: the assessment is the county's, and nobody
    is told of each of its steps as a requester would be."""
    data = assessment_data(posting, kind, year, period, round_id)
    return start_latest(PROCESS_KEY, data, at, actor=actor, grant=grant, business_key=business_key,
                        submitter=None)
