"""Dispatch rounds (选派批次): a term period, the villages and the roles the county dispatches to.

A round holds no nominations itself: each village's dispatch instance carries the round's id (in
its business key), so the round's progress is read from those instances.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from service.persistence.db import Model
from service.persistence.models.types import JSONType, UTCDateTime


class DispatchRound(Model):
    __tablename__ = "dispatch_rounds"

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    term_start: Mapped[date] = mapped_column(sa.Date)
    term_end: Mapped[date] = mapped_column(sa.Date)  # the planned end of the round's terms
    roles: Mapped[list[Any]] = mapped_column(JSONType)  # ["first_secretary", "team_member"]
    village_ids: Mapped[list[Any]] = mapped_column(JSONType)
    created_by: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
