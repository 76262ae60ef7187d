"""A cadre's eligibility facts and the first-secretary verdict, computed by the engine's rules."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from service.persistence.db import db
from service.persistence.models import Cadre, Org
from workflows.rules import Eligibility, nominee_eligibility


def cadre_facts(cadre: Cadre) -> dict[str, Any]:
    """The facts the rules read, as JSON-able values (the same shape as process data nominee_facts).

    The supplier is the cadre's own organisation: a dispatch unit (its level decides who may be
    first secretary of a 软弱涣散村 or 红色名村) or a township supplying team members."""
    supplier = db.session.get(Org, cadre.unit_id)  # the identity map answers repeated look-ups
    return {
        "party_status": cadre.party_status,
        "party_member_since": _iso(cadre.party_member_since),
        "party_confirmed_on": _iso(cadre.party_confirmed_on),
        "work_start_date": _iso(cadre.work_start_date),
        "employment_type": cadre.employment_type,
        "birth_date": _iso(cadre.birth_date),
        "rural_expertise": bool(cadre.rural_expertise),
        "supplier_id": cadre.unit_id,
        "supplier_kind": supplier.kind if supplier is not None else None,
        "supplier_level": supplier.level if supplier is not None else None,
        "supplier_unit_kind": supplier.unit_kind if supplier is not None else None,
        "supplier_name": supplier.name if supplier is not None else None,
    }


def first_secretary_eligibility(cadre: Cadre, on_date: date) -> Eligibility:
    return nominee_eligibility(cadre_facts(cadre), "first_secretary", on_date)


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None
