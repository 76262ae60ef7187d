"""Reading an instance's stored events exactly as they are in the database."""

from __future__ import annotations

import sqlalchemy as sa

from service.persistence.db import db
from service.persistence.models import HistoryEvent


def instance_events(instance_id: str) -> list[HistoryEvent]:
    """All events of the instance in seq order, freshly read.

    populate_existing: an auditor must see the rows as stored now, never objects the session
    happened to load earlier in the same transaction.
    """
    return list(db.session.execute(
        sa.select(HistoryEvent).where(HistoryEvent.instance_id == instance_id)
        .order_by(HistoryEvent.seq, HistoryEvent.id)
        .execution_options(populate_existing=True)
    ).scalars())
