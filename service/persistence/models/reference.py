"""Reference data: organisations (dispatch units, townships, county bodies), villages, cadres, postings."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.persistence.db import Model

ORG_KINDS = ("dispatch_unit", "township", "county_body")
VILLAGE_CATEGORIES = ("poverty_alleviated", "key_assistance", "weak_party_org", "red_village")
POSTING_ROLES = ("first_secretary", "team_member")
PARTY_STATUSES = ("formal", "probationary", "none")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Org(Model):
    __tablename__ = "orgs"

    id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[str] = mapped_column(sa.String(32), index=True)
    # Dispatch units and townships hang under the county body; lets a second county be added later.
    parent_id: Mapped[str | None] = mapped_column(sa.ForeignKey("orgs.id"))

    __table_args__ = (sa.CheckConstraint(_in("kind", ORG_KINDS), name="kind"),)


class Village(Model):
    __tablename__ = "villages"

    id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    category: Mapped[str] = mapped_column(sa.String(32), index=True)
    township_id: Mapped[str] = mapped_column(sa.ForeignKey("orgs.id"), index=True)

    township: Mapped[Org] = relationship()

    __table_args__ = (sa.CheckConstraint(_in("category", VILLAGE_CATEGORIES), name="category"),)


class Cadre(Model):
    __tablename__ = "cadres"

    id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    unit_id: Mapped[str] = mapped_column(sa.ForeignKey("orgs.id"), index=True)
    party_status: Mapped[str] = mapped_column(sa.String(16))
    party_member_since: Mapped[date | None] = mapped_column(sa.Date)
    work_start_date: Mapped[date | None] = mapped_column(sa.Date)
    employment_type: Mapped[str] = mapped_column(sa.String(32))
    birth_date: Mapped[date | None] = mapped_column(sa.Date)

    postings: Mapped[list[Posting]] = relationship(
        back_populates="cadre", order_by="Posting.term_start", lazy="selectin"
    )

    __table_args__ = (sa.CheckConstraint(_in("party_status", PARTY_STATUSES), name="party_status"),)

    @property
    def active_postings(self) -> list[Posting]:
        return [p for p in self.postings if p.active]


class Posting(Model):
    __tablename__ = "postings"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    cadre_id: Mapped[str] = mapped_column(sa.ForeignKey("cadres.id"), index=True)
    village_id: Mapped[str] = mapped_column(sa.ForeignKey("villages.id"))
    role: Mapped[str] = mapped_column(sa.String(32))
    term_start: Mapped[date] = mapped_column(sa.Date)
    term_end: Mapped[date | None] = mapped_column(sa.Date)
    active: Mapped[bool] = mapped_column(sa.Boolean, default=True)

    cadre: Mapped[Cadre] = relationship(back_populates="postings")

    __table_args__ = (
        sa.CheckConstraint(_in("role", POSTING_ROLES), name="role"),
        # "who is stationed in this village now" is asked by every adjustment and handover.
        sa.Index("ix_postings_village_id_role_active", "village_id", "role", "active"),
    )
