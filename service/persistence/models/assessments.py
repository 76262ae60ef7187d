"""Assessments (考核, seed 四（三）): the county's yearly rounds and the graded results.

A round holds no per-cadre state: each cadre's assessment is a process instance whose business key
names the year (commands/assessments). A result is written once, when an assessment completes, in
the same transaction as the county's grade; it is the record the dispatch unit counts as the
cadre's grade in the unit, and the entry of the cadre's personal file (个人档案). Its decision is in
the instance's hash-chained history; the row repeats it for reading and is never changed.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from service.persistence.append_only import AppendOnlyViolation, guard_append_only
from service.persistence.db import Model
from service.persistence.models.types import UTCDateTime

ASSESSMENT_KINDS = ("annual", "term_end")
GRADES = ("excellent", "competent", "basically_competent", "incompetent")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class AssessmentRound(Model):
    """年度考核: one per year, opened by the county leading group."""

    __tablename__ = "assessment_rounds"

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    year: Mapped[int] = mapped_column(sa.Integer, unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    # The 优秀 share of the round, fixed when it opens (CADREFLOW_ASSESSMENT_EXCELLENT_SHARE then).
    excellent_share: Mapped[float] = mapped_column(sa.Float)
    created_by: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class AssessmentResult(Model):
    __tablename__ = "assessment_results"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    instance_id: Mapped[str] = mapped_column(sa.ForeignKey("process_instances.id"), unique=True)
    kind: Mapped[str] = mapped_column(sa.String(16))
    year: Mapped[int] = mapped_column(sa.Integer)
    round_id: Mapped[str | None] = mapped_column(sa.ForeignKey("assessment_rounds.id"), index=True)
    cadre_id: Mapped[str] = mapped_column(sa.ForeignKey("cadres.id"), index=True)
    cadre_name: Mapped[str] = mapped_column(sa.String(200))
    posting_id: Mapped[int | None] = mapped_column(sa.ForeignKey("postings.id"))
    role: Mapped[str] = mapped_column(sa.String(32))
    village_id: Mapped[str] = mapped_column(sa.String(64))
    village_name: Mapped[str] = mapped_column(sa.String(200))
    township_id: Mapped[str] = mapped_column(sa.String(64))
    # The organisation that sent the cadre and counts the grade as its own (a dispatch unit, or the
    # township for a team member it supplied).
    supplier_id: Mapped[str] = mapped_column(sa.ForeignKey("orgs.id"))
    period_start: Mapped[date] = mapped_column(sa.Date)
    period_end: Mapped[date] = mapped_column(sa.Date)
    grade: Mapped[str] = mapped_column(sa.String(32))
    summary: Mapped[str] = mapped_column(sa.Text)  # the cadre's 述职
    township_opinion: Mapped[str | None] = mapped_column(sa.Text)
    township_suggested_grade: Mapped[str | None] = mapped_column(sa.String(32))
    supplier_opinion: Mapped[str | None] = mapped_column(sa.Text)
    supplier_suggested_grade: Mapped[str | None] = mapped_column(sa.String(32))
    county_comment: Mapped[str | None] = mapped_column(sa.Text)
    graded_by: Mapped[str] = mapped_column(sa.String(64))
    graded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # 不称职: the recall case it opened (or the one already open), else why none was opened.
    recall_instance_id: Mapped[str | None] = mapped_column(sa.String(36))
    recall_note: Mapped[str | None] = mapped_column(sa.Text)

    __table_args__ = (
        sa.CheckConstraint(_in("kind", ASSESSMENT_KINDS), name="kind"),
        sa.CheckConstraint(_in("grade", GRADES), name="grade"),
        # "a unit's results of a year" (the unit's record, the yearly summary)
        sa.Index("ix_assessment_results_year_supplier_id", "year", "supplier_id"),
    )


class AssessmentResultIsFinal(AppendOnlyViolation):
    pass


guard_append_only(
    AssessmentResult, AssessmentResultIsFinal,
    lambda r: f"考核结果一经确定不能修改或删除（第 {r.id} 条）",
    "考核结果一经确定不能修改或删除")
