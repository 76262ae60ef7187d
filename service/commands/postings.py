"""A dispatch approved (posting_approved): the posting starts, or, for a term-end rotation, the
handover starts and the postings switch only when it completes (新工作队没到之前，老工作队不撤)."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa

from service.commands.handover import start_handover
from service.commands.outbox import Reported
from service.commands.posting_log import log_posting
from service.commands.violations import refuse
from service.persistence.db import db
from service.persistence.models import Posting, ProcessInstance
from workflows.rules import Violation, violation

POSTING_MESSAGE = "posting_approved"


def posting_conflicts(cadre_id: str, village_id: str, role: str) -> list[Violation]:
    """One active posting per cadre, one active first secretary per village."""
    out: list[Violation] = []
    if db.session.execute(sa.select(Posting.id).where(
            Posting.cadre_id == cadre_id, Posting.active.is_(True)).limit(1)).first() is not None:
        out.append(violation("cadre_already_posted", "cadre_id", "该干部已在村任职，不能重复选派"))
    if role == "first_secretary" and db.session.execute(sa.select(Posting.id).where(
            Posting.village_id == village_id, Posting.role == "first_secretary",
            Posting.active.is_(True)).limit(1)).first() is not None:
        out.append(violation("village_has_first_secretary", "village_id", "该村已有在任第一书记"))
    return out


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


def start_posting(reported: Reported, payload: dict[str, Any]) -> Posting:
    cadre_id, village_id, role = str(payload["cadre_id"]), str(payload["village_id"]), str(payload["role"])
    # Checked at the nomination already; checked again because another dispatch may have been
    # approved meanwhile (the approving decision is then refused, nothing is written).
    refuse(posting_conflicts(cadre_id, village_id, role), detail="选派备案后无法建立任职。")
    posting = Posting(
        cadre_id=cadre_id, village_id=village_id, role=role,
        term_start=date.fromisoformat(str(payload["term_start"])),
        planned_end=date.fromisoformat(str(payload["planned_end"])), term_end=None, active=True,
        supplier_id=payload.get("supplier_id"), leads_team=bool(payload.get("leads_team")),
        source_instance_id=reported.row.id)
    db.session.add(posting)
    log_posting(reported, posting, "create", None)
    return posting
