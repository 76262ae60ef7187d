"""Reference data: organisations (dispatch units, townships, county bodies), villages, cadres, postings."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.persistence.db import Model

ORG_KINDS = ("dispatch_unit", "township", "county_body")
VILLAGE_CATEGORIES = ("poverty_alleviated", "key_assistance", "weak_party_org", "red_village")
POSTING_ROLES = ("first_secretary", "team_member")
PARTY_STATUSES = ("formal", "probationary", "none")  # none: 群众
# 在编 (civil service or institution establishment), 正式职工 (an enterprise's formal staff), 临聘.
EMPLOYMENT_TYPES = ("permanent", "formal_staff", "temporary")
UNIT_LEVELS = ("county", "city", "province")
UNIT_KINDS = ("party_government", "institution", "stationed", "enterprise")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Org(Model):
    __tablename__ = "orgs"

    id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[str] = mapped_column(sa.String(32), index=True)
    # Dispatch units and townships hang under the county body; lets a second county be added later.
    parent_id: Mapped[str | None] = mapped_column(sa.ForeignKey("orgs.id"))
    # Dispatch units only: 县级/市级/省级 and 党政机关/事业单位/驻县单位/企业 (the dispatch rules read both).
    level: Mapped[str | None] = mapped_column(sa.String(16))
    unit_kind: Mapped[str | None] = mapped_column(sa.String(32))

    __table_args__ = (
        sa.CheckConstraint(_in("kind", ORG_KINDS), name="kind"),
        sa.CheckConstraint(f"level IS NULL OR {_in('level', UNIT_LEVELS)}", name="level"),
        sa.CheckConstraint(f"unit_kind IS NULL OR {_in('unit_kind', UNIT_KINDS)}", name="unit_kind"),
    )


class Village(Model):
    __tablename__ = "villages"

    id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    # The main category (the API's `category`); `categories` holds it and any others it carries.
    category: Mapped[str] = mapped_column(sa.String(32), index=True)
    township_id: Mapped[str] = mapped_column(sa.ForeignKey("orgs.id"), index=True)

    township: Mapped[Org] = relationship()
    category_rows: Mapped[list[VillageCategory]] = relationship(
        lazy="selectin", cascade="all, delete-orphan", order_by="VillageCategory.category"
    )

    __table_args__ = (sa.CheckConstraint(_in("category", VILLAGE_CATEGORIES), name="category"),)

    @property
    def categories(self) -> list[str]:
        """Every category of the village, the main one first."""
        others = sorted(row.category for row in self.category_rows if row.category != self.category)
        return [self.category, *others]


class VillageCategory(Model):
    """A category a village carries; a village may carry several (十三五脱贫村 and 红色名村, say)."""

    __tablename__ = "village_categories"

    village_id: Mapped[str] = mapped_column(
        sa.ForeignKey("villages.id", ondelete="CASCADE"), primary_key=True)
    category: Mapped[str] = mapped_column(sa.String(32), primary_key=True, index=True)

    __table_args__ = (sa.CheckConstraint(_in("category", VILLAGE_CATEGORIES), name="category"),)


class Cadre(Model):
    __tablename__ = "cadres"

    id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    unit_id: Mapped[str] = mapped_column(sa.ForeignKey("orgs.id"), index=True)
    party_status: Mapped[str] = mapped_column(sa.String(16))
    party_member_since: Mapped[date | None] = mapped_column(sa.Date)  # 入党时间
    # 转正时间: Party standing for the first-secretary rule counts from here, not from joining.
    party_confirmed_on: Mapped[date | None] = mapped_column(sa.Date)
    work_start_date: Mapped[date | None] = mapped_column(sa.Date)
    employment_type: Mapped[str] = mapped_column(sa.String(32))
    birth_date: Mapped[date | None] = mapped_column(sa.Date)
    post: Mapped[str | None] = mapped_column(sa.String(200))  # 现任职务
    rural_expertise: Mapped[bool] = mapped_column(sa.Boolean, default=False, server_default=sa.false())

    postings: Mapped[list[Posting]] = relationship(
        back_populates="cadre", order_by="Posting.term_start", lazy="selectin"
    )

    __table_args__ = (
        sa.CheckConstraint(_in("party_status", PARTY_STATUSES), name="party_status"),
        sa.CheckConstraint(_in("employment_type", EMPLOYMENT_TYPES), name="employment_type"),
    )

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
    # term_end: the day the posting actually ended (None while active); planned_end: when the
    # term is due to end (at least 2 years after term_start for a dispatch).
    term_end: Mapped[date | None] = mapped_column(sa.Date)
    planned_end: Mapped[date | None] = mapped_column(sa.Date)
    active: Mapped[bool] = mapped_column(sa.Boolean, default=True)
    # Who supplied the cadre: the dispatch unit, or the township for team members it supplies.
    supplier_id: Mapped[str | None] = mapped_column(sa.ForeignKey("orgs.id"))
    # The first secretary of a village with a work team leads that team (工作队队长由第一书记兼任).
    leads_team: Mapped[bool] = mapped_column(sa.Boolean, default=False, server_default=sa.false())
    # The dispatch (or rotation) instance this posting came from, if any.
    source_instance_id: Mapped[str | None] = mapped_column(sa.String(64))

    cadre: Mapped[Cadre] = relationship(back_populates="postings")

    __table_args__ = (
        sa.CheckConstraint(_in("role", POSTING_ROLES), name="role"),
        # "who is stationed in this village now" is asked by every adjustment and handover.
        sa.Index("ix_postings_village_id_role_active", "village_id", "role", "active"),
    )
