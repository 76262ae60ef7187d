"""A dispatch approved (posting_approved): the posting starts, or, for a term-end rotation, the
handover starts and the postings switch only when it completes (新工作队没到之前，老工作队不撤)."""

from __future__ import annotations

from datetime import date
from typing import Any

from service.commands.handover import process_step, start_handover
from service.commands.outbox import Reported
from service.commands.roster.posting import create_process_posting
from service.persistence.models import ProcessInstance

POSTING_MESSAGE = "posting_approved"


def on_posting_approved(reported: Reported, payload: object) -> ProcessInstance | None:
    if not isinstance(payload, dict):
        return None
    if payload.get("predecessor_cadre_id"):
        return start_handover(reported, {
            "old_cadre_id": payload["predecessor_cadre_id"], "new_cadre_id": payload["cadre_id"],
            "village_id": payload["village_id"], "township_id": payload["township_id"],
            "unit_id": payload["unit_id"], "role": payload["role"],
            # the successor's posting is made when the handover completes, with these terms
            "posting_planned_end": payload["planned_end"], "posting_supplier_id": payload["supplier_id"],
            "posting_leads_team": "true" if payload.get("leads_team") else "false",
            "effective_date": payload.get("term_start"),  # the new term's first day
        })
    start_posting(reported, payload)
    return None


def start_posting(reported: Reported, payload: dict[str, Any]) -> None:
    """The posting of an approved dispatch, through the roster's rules and log like any other.
    Checked at the nomination already; checked again because another posting may have been made
    meanwhile (the approving decision is then refused, nothing is written)."""
    create_process_posting(process_step(reported), {
        "cadre_id": str(payload["cadre_id"]), "village_id": str(payload["village_id"]),
        "role": str(payload["role"]), "term_start": date.fromisoformat(str(payload["term_start"])),
        "planned_end": date.fromisoformat(str(payload["planned_end"])),
        "supplier_id": payload.get("supplier_id"), "leads_team": bool(payload.get("leads_team"))})
