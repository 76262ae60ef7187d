"""Handovers: started from a thrown `handover_requested`; on completion the postings switch.

Domain rule 5 (无缝衔接): the old cadre leaves only after the new one has arrived and the handover
is witnessed, so the new posting becomes active in the same transaction that ends the old one,
never earlier; a village that must have a first secretary is never left without one.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa

from service.commands.core import start_latest
from service.commands.outbox import Reported
from service.commands.party_transfer import party_transfer
from service.commands.roster.posting import ProcessStep, create_process_posting, end_process_posting
from service.config import get_settings
from service.persistence.db import db
from service.persistence.models import Posting, ProcessInstance
from service.queries.names import cadre_and_village_names

HANDOVER_MESSAGE = "handover_requested"
HANDOVER_KEY = "handover"


def start_handover(reported: Reported, payload: object) -> ProcessInstance | None:
    """The handover a `handover_requested` message asks for, started by the same actor."""
    if not isinstance(payload, dict):
        return None
    source = reported.row
    # The date the change takes effect goes with the handover: the arrival is checked against it
    # (core/case_dates.py), and the new posting starts on it when no arrival was recorded.
    effective = payload.get("effective_date") or reported.data.get("effective_date")
    payload = {**payload, "effective_date": effective} if effective else payload
    data = handover_data(payload, source.id, reported.known_names)
    return start_latest(HANDOVER_KEY, data, reported.at, actor=reported.actor, grant=reported.grant,
                        business_key=f"handover:{source.id}", submitter=source.submitter)


def handover_data(payload: dict[str, Any], source_instance_id: str,
                  known_names: tuple[dict[str, str], dict[str, str]] | None = None) -> dict[str, Any]:
    data = {k: (None if v is None else str(v)) for k, v in payload.items()}
    data["source_instance_id"] = source_instance_id
    # who confirms the Party relation transfer: the new cadre's supplier (commands/party_transfer.py)
    data.update(party_transfer(data))
    # Names for inboxes and summaries; the process itself only reads the ids. One query for the
    # names (not two cadre rows with their postings and a village row).
    cadres, villages = cadre_and_village_names(
        [data.get("old_cadre_id"), data.get("new_cadre_id")], [data.get("village_id")], known=known_names)
    for key in ("old_cadre_id", "new_cadre_id"):
        cadre_id = data.get(key)
        data[key.replace("_id", "_name")] = cadres.get(cadre_id) if cadre_id else None
    village_id = data.get("village_id")
    data["village_name"] = villages.get(village_id) if village_id else None
    return data


def process_step(reported: Reported) -> ProcessStep:
    """The step a process's posting change is logged under: who completed it, in which role."""
    return ProcessStep(actor=reported.actor, actor_role=reported.grant.role if reported.grant else None,
                       instance_id=reported.row.id)


def switch_postings(reported: Reported) -> None:
    """A completed handover: the successor's posting starts, then the predecessor's ends, both
    through the roster's rules and log (the successor's posting may not break them either).

    The successor's posting starts on the arrival the township recorded (never in the future,
    core/case_dates.py), or on the effective date when none was recorded; not on the day the
    handover finished. The predecessor leaves today: only the completed handover releases them."""
    data, at = reported.data, reported.at
    if not data.get("old_cadre_released"):
        return
    village_id, role = data.get("village_id"), data.get("role")
    old_id, new_id = data.get("old_cadre_id"), data.get("new_cadre_id")
    today = at.astimezone(get_settings().tz).date()
    step = process_step(reported)
    predecessors = list(db.session.execute(sa.select(Posting).where(
        Posting.cadre_id == old_id, Posting.village_id == village_id, Posting.role == role,
        Posting.active.is_(True))).scalars()) if old_id else []
    if new_id:
        start = _as_date(data.get("arrival_date")) or _as_date(data.get("effective_date")) or today
        already = db.session.execute(sa.select(Posting.id).where(
            Posting.cadre_id == new_id, Posting.village_id == village_id, Posting.role == role,
            Posting.active.is_(True))).first()
        if already is None:
            predecessor = predecessors[0] if predecessors else None
            # A replacement's successor takes over the predecessor's place (its planned end and
            # team lead); a rotation's (期满轮换) starts the new term its dispatch approved.
            rotation = data.get("posting_planned_end") is not None
            values: dict[str, Any] = {
                "cadre_id": new_id, "village_id": village_id, "role": role,
                "term_start": min(start, today),
                "supplier_id": data.get("posting_supplier_id"),
                "planned_end": _as_date(data.get("posting_planned_end")) if rotation else (
                    predecessor.planned_end if predecessor else None),
                "leads_team": data.get("posting_leads_team") == "true" if rotation else (
                    predecessor.leads_team if predecessor else None)}
            # in post before the predecessor leaves; unset terms take the roster's defaults
            create_process_posting(step, {k: v for k, v in values.items() if v is not None},
                                   decided_by=data.get("source_instance_id"), succeeding=old_id,
                                   continues_term=not rotation)
    for old in predecessors:
        end_process_posting(step, old, today)


def _as_date(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None
