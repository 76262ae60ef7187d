"""A posting's Party relation (党组织关系): moved to the village at the posting's start and back
when it ends (seed 三（三）"党组织关系转至所驻村").

Filled by the handover's Party relation step for the postings it switches, and kept by the
dispatch unit's HR otherwise. Changes are appended to the roster change log (entity
`party_relation`, the posting's id).
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from service.persistence.db import Model
from service.persistence.models.types import UTCDateTime


class PartyRelation(Model):
    __tablename__ = "party_relations"

    posting_id: Mapped[int] = mapped_column(sa.ForeignKey("postings.id", ondelete="CASCADE"),
                                            primary_key=True)
    # 转入: the day it moved to the village and the organisation that received it.
    transferred_in_on: Mapped[date | None] = mapped_column(sa.Date)
    transferred_in_org: Mapped[str | None] = mapped_column(sa.String(200))
    # 转回: the day it moved back at the posting's end, and where to.
    transferred_out_on: Mapped[date | None] = mapped_column(sa.Date)
    transferred_out_org: Mapped[str | None] = mapped_column(sa.String(200))
    updated_by: Mapped[str] = mapped_column(sa.String(64))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (
        sa.CheckConstraint("transferred_out_on IS NULL OR transferred_in_on IS NULL "
                           "OR transferred_out_on >= transferred_in_on", name="dates"),
    )
