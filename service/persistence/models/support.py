"""The support ledger (工作保障台账, domain rule 12, seed 四（二）): what each stationed cadre is owed.

- `support_insurance`: the accident insurance the county buys for every stationed cadre, one
  policy per cadre and year (县级统一办理, not the dispatch unit);
- `support_transport`: round trips home reimbursed by the cadre's unit, one row per trip, at most
  the configured number a month (`trip_no` counts them; its unique key stops two simultaneous
  claims from both taking the last place);
- `support_allowances`: the living (生活补助) and phone (通信补贴) allowances, one amount per cadre,
  month and kind;
- `support_health_checks`: the yearly health check, one row per cadre and year.

Money is kept in fen (分) as whole numbers, so sums are exact on both databases. Every change is
appended to the roster change log (entities insurance, transport, allowance, health_check), whose
hash chain an auditor verifies.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from service.persistence.db import Model
from service.persistence.models.types import UTCDateTime

ALLOWANCE_KINDS = ("living", "phone")


class SupportInsurance(Model):
    __tablename__ = "support_insurance"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    cadre_id: Mapped[str] = mapped_column(sa.ForeignKey("cadres.id"))
    year: Mapped[int] = mapped_column(sa.Integer)
    insurer: Mapped[str] = mapped_column(sa.String(200))  # 承保公司
    policy_no: Mapped[str] = mapped_column(sa.String(64))  # 保单号
    cover_yuan: Mapped[int] = mapped_column(sa.BigInteger)  # 保额（元）
    period_start: Mapped[date] = mapped_column(sa.Date)
    period_end: Mapped[date] = mapped_column(sa.Date)
    recorded_by: Mapped[str] = mapped_column(sa.String(64))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (
        sa.UniqueConstraint("cadre_id", "year"),
        sa.CheckConstraint("period_end >= period_start", name="period"),
        sa.CheckConstraint("cover_yuan > 0", name="cover"),
    )


class SupportTransport(Model):
    __tablename__ = "support_transport"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    cadre_id: Mapped[str] = mapped_column(sa.ForeignKey("cadres.id"))
    unit_id: Mapped[str] = mapped_column(sa.ForeignKey("orgs.id"))  # who reimbursed it
    year: Mapped[int] = mapped_column(sa.Integer)
    month: Mapped[int] = mapped_column(sa.Integer)
    trip_no: Mapped[int] = mapped_column(sa.Integer)  # 1.. the month's limit
    trip_date: Mapped[date] = mapped_column(sa.Date)
    route: Mapped[str] = mapped_column(sa.String(200))
    amount_fen: Mapped[int] = mapped_column(sa.BigInteger)
    note: Mapped[str | None] = mapped_column(sa.Text)
    recorded_by: Mapped[str] = mapped_column(sa.String(64))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (
        sa.UniqueConstraint("cadre_id", "year", "month", "trip_no"),
        sa.CheckConstraint("month BETWEEN 1 AND 12", name="month"),
        sa.CheckConstraint("trip_no >= 1", name="trip_no"),
        sa.CheckConstraint("amount_fen > 0", name="amount"),
    )


class SupportAllowance(Model):
    __tablename__ = "support_allowances"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    cadre_id: Mapped[str] = mapped_column(sa.ForeignKey("cadres.id"))
    unit_id: Mapped[str] = mapped_column(sa.ForeignKey("orgs.id"))  # who paid it
    year: Mapped[int] = mapped_column(sa.Integer)
    month: Mapped[int] = mapped_column(sa.Integer)
    kind: Mapped[str] = mapped_column(sa.String(16))
    amount_fen: Mapped[int] = mapped_column(sa.BigInteger)
    recorded_by: Mapped[str] = mapped_column(sa.String(64))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (
        sa.UniqueConstraint("cadre_id", "year", "month", "kind"),
        sa.CheckConstraint("month BETWEEN 1 AND 12", name="month"),
        sa.CheckConstraint("kind IN ('living', 'phone')", name="kind"),
        sa.CheckConstraint("amount_fen >= 0", name="amount"),
    )


class SupportHealthCheck(Model):
    __tablename__ = "support_health_checks"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    cadre_id: Mapped[str] = mapped_column(sa.ForeignKey("cadres.id"))
    unit_id: Mapped[str] = mapped_column(sa.ForeignKey("orgs.id"))  # who arranged it
    year: Mapped[int] = mapped_column(sa.Integer)
    done: Mapped[bool] = mapped_column(sa.Boolean)
    check_date: Mapped[date | None] = mapped_column(sa.Date)
    note: Mapped[str | None] = mapped_column(sa.Text)
    recorded_by: Mapped[str] = mapped_column(sa.String(64))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (
        sa.UniqueConstraint("cadre_id", "year"),
        # A check that took place has its date; one that did not has none.
        sa.CheckConstraint("(done AND check_date IS NOT NULL) OR (NOT done AND check_date IS NULL)",
                           name="date_when_done"),
    )
