"""Where a cadre stands now: their active posting, and whether a case of a kind is open (running or
suspended) about them."""

from __future__ import annotations

import sqlalchemy as sa

from service.persistence.db import db
from service.persistence.models import OPEN_STATUSES, Posting, ProcessInstance


def active_posting(cadre_id: str, village_id: str | None = None, role: str | None = None) -> Posting | None:
    stmt = sa.select(Posting).where(Posting.cadre_id == cadre_id, Posting.active.is_(True))
    if village_id is not None:
        stmt = stmt.where(Posting.village_id == village_id)
    if role is not None:
        stmt = stmt.where(Posting.role == role)
    return db.session.execute(stmt.order_by(Posting.term_start.desc()).limit(1)).scalar_one_or_none()


def open_request_exists(process_key: str, cadre_id: str) -> bool:
    return db.session.execute(sa.select(ProcessInstance.id).where(
        ProcessInstance.process_key == process_key, ProcessInstance.status.in_(OPEN_STATUSES),
        ProcessInstance.cadre_id == cadre_id).limit(1)).first() is not None
