"""Holiday calendar years entered by admins where the chinese-calendar package lags behind."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from service.persistence.db import Model
from service.persistence.models.types import JSONType, UTCDateTime, utcnow


class CalendarYear(Model):
    __tablename__ = "calendar_years"

    year: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=False)
    holidays: Mapped[list] = mapped_column(JSONType, default=list)  # ISO dates
    workdays: Mapped[list] = mapped_column(JSONType, default=list)  # adjusted working weekends
    entered_by: Mapped[str | None] = mapped_column(sa.String(64))
    entered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
