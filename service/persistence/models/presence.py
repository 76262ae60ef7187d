"""Presence in the village (在村天数), one row per cadre and month.

The cadre records the days; the township confirms them (and may correct them), or imports the
month from Excel already confirmed. Each change is appended to the roster change log (entity
`presence`), so who said how many days, and when, can be verified like the roster.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from service.persistence.db import Model
from service.persistence.models.types import UTCDateTime

PRESENCE_STATUSES = ("recorded", "confirmed")


class PresenceMonth(Model):
    __tablename__ = "presence_months"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    cadre_id: Mapped[str] = mapped_column(sa.ForeignKey("cadres.id"))
    year: Mapped[int] = mapped_column(sa.Integer)
    month: Mapped[int] = mapped_column(sa.Integer)
    # Where the cadre was posted that month, and the township that confirms it.
    village_id: Mapped[str] = mapped_column(sa.ForeignKey("villages.id"))
    township_id: Mapped[str] = mapped_column(sa.ForeignKey("orgs.id"), index=True)
    days_present: Mapped[int] = mapped_column(sa.Integer)
    note: Mapped[str | None] = mapped_column(sa.Text)
    status: Mapped[str] = mapped_column(sa.String(16))
    recorded_by: Mapped[str] = mapped_column(sa.String(64))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    confirmed_by: Mapped[str | None] = mapped_column(sa.String(64))
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # "api", "page" or "import:<sha256 of the workbook>" (as the roster change log's source)
    source: Mapped[str] = mapped_column(sa.String(100))
    # When the township and the dispatch unit were told the month fell short (once per month).
    alerted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The cadre may edit while the township confirms: the later of the two loses (409), never
    # silently overwrites what the other saw.
    revision: Mapped[int] = mapped_column(sa.Integer, nullable=False)

    __mapper_args__ = {"version_id_col": revision}
    __table_args__ = (
        sa.UniqueConstraint("cadre_id", "year", "month"),
        sa.CheckConstraint("month BETWEEN 1 AND 12", name="month"),
        sa.CheckConstraint("days_present BETWEEN 0 AND 31", name="days_present"),
        sa.CheckConstraint("status IN ('recorded', 'confirmed')", name="status"),
    )
