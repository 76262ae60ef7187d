"""The term-end reminders already sent: one row per posting and planned end.

The reminder job runs every hour and after every restart; this row is what makes it remind once.
Keyed by the planned end too, so a term that is extended gets a reminder for its new end.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from service.persistence.db import Model
from service.persistence.models.types import UTCDateTime


class TermReminder(Model):
    __tablename__ = "term_reminders"

    posting_id: Mapped[int] = mapped_column(sa.ForeignKey("postings.id", ondelete="CASCADE"),
                                            primary_key=True)
    planned_end: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The logins notified, for the record (their notification rows may be deleted with a user).
    notified: Mapped[str] = mapped_column(sa.Text, default="")
