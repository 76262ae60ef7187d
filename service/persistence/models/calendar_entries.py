"""Append-only versions of admin-entered calendar years (holidays, adjusted working days).

The audit replay rebuilds the calendar as it stood at each event from these rows, so an entry is
never updated or deleted: a correction is a new version. `calendar_years` keeps the latest
version of each year for quick listing.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from service.persistence.append_only import AppendOnlyViolation, guard_append_only
from service.persistence.db import Model
from service.persistence.models.types import JSONType, UTCDateTime


class CalendarEntry(Model):
    __tablename__ = "calendar_entries"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    year: Mapped[int] = mapped_column(sa.Integer)
    version: Mapped[int] = mapped_column(sa.Integer)
    holidays: Mapped[list] = mapped_column(JSONType, default=list)  # ISO dates
    workdays: Mapped[list] = mapped_column(JSONType, default=list)  # adjusted working weekends
    note: Mapped[str | None] = mapped_column(sa.Text)
    entered_by: Mapped[str | None] = mapped_column(sa.String(64))
    entered_at: Mapped[datetime] = mapped_column(UTCDateTime)

    # The pair also serialises two admins entering the same year at once: one gets a 409.
    __table_args__ = (sa.UniqueConstraint("year", "version"),
                      sa.Index("ix_calendar_entries_entered_at", "entered_at"))


class CalendarEntryIsAppendOnly(AppendOnlyViolation):
    pass


guard_append_only(
    CalendarEntry, CalendarEntryIsAppendOnly,
    lambda e: f"日历条目只能追加新版本，不能修改或删除（{e.year} 年第 {e.version} 版）",
    "日历条目只能追加新版本，不能修改或删除")
