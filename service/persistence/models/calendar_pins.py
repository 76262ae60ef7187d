"""The calendar each year was first counted with when no administrator had entered it.

A deadline's fire time is part of the state hash, so the audit replay must count with the calendar
the command counted with. chinese-calendar's answer changes between releases (a release adds the
next year), so the first command that counts in a year without an admin entry stores the year as
it counted it: the library's holidays and adjusted working days ("library"), or "fallback" when
the library did not know the year (weekends only; still not an official calendar). From then on
that year comes from here for every command and every replay, until an admin entry (which always
takes precedence, see calendar_entries) replaces it. One row per year, never changed.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from service.persistence.append_only import AppendOnlyViolation, guard_append_only
from service.persistence.db import Model
from service.persistence.models.types import JSONType, UTCDateTime


class CalendarPin(Model):
    __tablename__ = "calendar_pins"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    # Unique: two commands pinning the same year at once cannot both win (the loser gets a 409).
    year: Mapped[int] = mapped_column(sa.Integer, unique=True)
    source: Mapped[str] = mapped_column(sa.String(16))  # library | fallback
    holidays: Mapped[list] = mapped_column(JSONType, default=list)  # ISO dates, weekdays off
    workdays: Mapped[list] = mapped_column(JSONType, default=list)  # ISO dates, weekends worked
    library_version: Mapped[str | None] = mapped_column(sa.String(32))  # chinese-calendar's
    # In force for events at or after this instant (the replay rebuilds the calendar by time).
    pinned_at: Mapped[datetime] = mapped_column(UTCDateTime)


class CalendarPinIsAppendOnly(AppendOnlyViolation):
    pass


guard_append_only(
    CalendarPin, CalendarPinIsAppendOnly,
    lambda p: f"日历年份一经计算使用便不可修改或删除（{p.year} 年）",
    "日历年份一经计算使用便不可修改或删除")
