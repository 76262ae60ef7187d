"""A cadre's eligibility facts and the first-secretary verdict, computed by the engine's rules."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from service.persistence.models import Cadre
from workflows.rules import Eligibility, nominee_eligibility


def cadre_facts(cadre: Cadre) -> dict[str, Any]:
    """The facts the rules read, as JSON-able values (the same shape as process data nominee_facts)."""
    return {
        "party_status": cadre.party_status,
        "party_member_since": _iso(cadre.party_member_since),
        "work_start_date": _iso(cadre.work_start_date),
        "employment_type": cadre.employment_type,
        "birth_date": _iso(cadre.birth_date),
    }


def first_secretary_eligibility(cadre: Cadre, on_date: date) -> Eligibility:
    return nominee_eligibility(cadre_facts(cadre), "first_secretary", on_date)


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None
