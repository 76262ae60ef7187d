"""Leave requests (请假): the dates of each `leave` process instance, kept beside the instance.

The instance holds the whole case; this row is what the presence tally and the overlap check read
(a cadre's leaves by date), written by the command that starts the case and kept in step with it
by commands/leaves.py's reaction to every step, in the same transaction.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from service.persistence.db import Model
from service.persistence.models.types import UTCDateTime

# 事假, 病假, 年休假, 探亲假, 婚丧假, 产假（含陪产假）, 其他
LEAVE_TYPES = ("personal", "sick", "annual", "family_visit", "marriage_funeral", "maternity", "other")
# pending: with the approvers; approved: granted, return not yet confirmed; returned: 已销假.
LEAVE_STATES = ("pending", "approved", "returned", "rejected", "withdrawn", "terminated")
# The leaves that hold their dates: a new one may not overlap them, and the granted ones count.
HOLDING_STATES = ("pending", "approved", "returned")
GRANTED_STATES = ("approved", "returned")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class LeaveRequest(Model):
    __tablename__ = "leave_requests"

    instance_id: Mapped[str] = mapped_column(sa.ForeignKey("process_instances.id"), primary_key=True)
    cadre_id: Mapped[str] = mapped_column(sa.ForeignKey("cadres.id"))
    leave_type: Mapped[str] = mapped_column(sa.String(16))
    start_date: Mapped[date] = mapped_column(sa.Date)
    end_date: Mapped[date] = mapped_column(sa.Date)  # the last day of leave, inclusive
    days: Mapped[int] = mapped_column(sa.Integer)  # calendar days
    working_days: Mapped[int] = mapped_column(sa.Integer)
    state: Mapped[str] = mapped_column(sa.String(16))
    return_date: Mapped[date | None] = mapped_column(sa.Date)  # 返岗日期, from the 销假 step
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (
        sa.CheckConstraint(_in("leave_type", LEAVE_TYPES), name="leave_type"),
        sa.CheckConstraint(_in("state", LEAVE_STATES), name="state"),
        sa.CheckConstraint("end_date >= start_date", name="dates"),
        # "this cadre's leaves around these dates" (overlap check, tally)
        sa.Index("ix_leave_requests_cadre_id_start_date", "cadre_id", "start_date"),
    )
