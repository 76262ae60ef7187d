"""Assessment results as people read them: the unit's record (a list filtered to what the caller
may read, queries/access.py) and a cadre's personal file (个人档案: the results, the postings and
the recall cases). Shared by the API, the pages and the Excel exports."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from service.core.errors import NotFound
from service.core.labels import (
    ASSESSMENT_GRADE_NAMES,
    ASSESSMENT_KIND_NAMES,
    POSTING_ROLE_NAMES,
    RECALL_SOURCE_NAMES,
    STATUS_NAMES,
)
from service.core.principal import Principal
from service.persistence.db import db
from service.persistence.loading import load
from service.persistence.models import AssessmentResult, Cadre, ProcessInstance, User
from service.queries.access import can_read_file, result_clause
from service.queries.roster import org_names, posting_rows


@dataclass(frozen=True)
class ResultFilter:
    year: int | None = None
    kind: str | None = None
    supplier_id: str | None = None
    cadre_id: str | None = None
    grade: str | None = None


def results_statement(principal: Principal, filters: ResultFilter) -> sa.Select:
    """The results the caller reads, newest year first, then by unit and cadre."""
    stmt = sa.select(AssessmentResult)
    clause = result_clause(principal)
    if clause is not None:
        stmt = stmt.where(clause)
    r = AssessmentResult
    for column, value in ((r.year, filters.year), (r.kind, filters.kind),
                          (r.supplier_id, filters.supplier_id), (r.cadre_id, filters.cadre_id),
                          (r.grade, filters.grade)):
        if value is not None:
            stmt = stmt.where(column == value)
    return stmt.order_by(r.year.desc(), r.supplier_id, r.cadre_id, r.id)


def grade_name(grade: str | None) -> str | None:
    return ASSESSMENT_GRADE_NAMES.get(grade, grade) if grade else None


def title_of(kind: str, year: int) -> str:
    """年度考核 of a year reads "2026年度考核"; a term's end reads "期满考核（2027年）"."""
    return f"{year}年度考核" if kind == "annual" else f"{ASSESSMENT_KIND_NAMES.get(kind, kind)}（{year}年）"


def result_items(rows: Sequence[AssessmentResult]) -> list[dict[str, Any]]:
    orgs = org_names({r.supplier_id for r in rows} | {r.township_id for r in rows})
    graders = dict(db.session.execute(sa.select(User.login, User.display_name).where(
        User.login.in_({r.graded_by for r in rows}))).all()) if rows else {}
    return [{
        "id": r.id, "instance_id": r.instance_id, "kind": r.kind,
        "kind_name": ASSESSMENT_KIND_NAMES.get(r.kind, r.kind), "title": title_of(r.kind, r.year),
        "year": r.year, "round_id": r.round_id, "cadre_id": r.cadre_id, "cadre_name": r.cadre_name,
        "role": r.role, "role_name": POSTING_ROLE_NAMES.get(r.role, r.role), "village_id": r.village_id,
        "village_name": r.village_name, "township_id": r.township_id,
        "township_name": orgs.get(r.township_id, r.township_id), "supplier_id": r.supplier_id,
        "supplier_name": orgs.get(r.supplier_id, r.supplier_id), "period_start": r.period_start,
        "period_end": r.period_end, "grade": r.grade, "grade_name": grade_name(r.grade),
        "summary": r.summary, "township_opinion": r.township_opinion,
        "township_suggested_grade": r.township_suggested_grade,
        "township_suggested_grade_name": grade_name(r.township_suggested_grade),
        "supplier_opinion": r.supplier_opinion, "supplier_suggested_grade": r.supplier_suggested_grade,
        "supplier_suggested_grade_name": grade_name(r.supplier_suggested_grade),
        "county_comment": r.county_comment, "graded_by": r.graded_by,
        "graded_by_name": graders.get(r.graded_by, r.graded_by), "graded_at": r.graded_at,
        "recall_instance_id": r.recall_instance_id, "recall_note": r.recall_note,
    } for r in rows]


def results_page(principal: Principal, filters: ResultFilter, page: int, per_page: int) -> dict[str, Any]:
    stmt = results_statement(principal, filters)
    total = db.session.execute(sa.select(sa.func.count()).select_from(stmt.order_by(None).subquery())
                               ).scalar_one()
    rows = db.session.execute(stmt.limit(per_page).offset((page - 1) * per_page)).scalars().all()
    return {"items": result_items(rows), "total": total, "page": page, "per_page": per_page}


def file_cadre(principal: Principal, cadre_id: str) -> Cadre:
    """The cadre whose file the caller may read; 404 otherwise (as for a cadre that does not exist)."""
    cadre = db.session.get(Cadre, cadre_id)
    if cadre is None or not can_read_file(principal, cadre):
        raise NotFound(f"干部 {cadre_id} 不存在或无权查看其个人档案。")
    return cadre


def _recalls(cadre_id: str) -> list[dict[str, Any]]:
    """The cadre's recall cases: how each came (supervision or assessment) and how it stands."""
    rows = db.session.execute(sa.select(ProcessInstance).options(sa.orm.defer(ProcessInstance.state)).where(
        ProcessInstance.process_key == "recall", ProcessInstance.cadre_id == cadre_id)
        .order_by(ProcessInstance.created_at, ProcessInstance.id)).scalars().all()
    handed = set(db.session.execute(sa.select(ProcessInstance.business_key).where(
        ProcessInstance.business_key.in_([f"handover:{r.id}" for r in rows]))).scalars()) if rows else set()
    from_assessment = dict(db.session.execute(sa.select(
        AssessmentResult.recall_instance_id, AssessmentResult.instance_id).where(
        AssessmentResult.recall_instance_id.in_([r.id for r in rows]))).all()) if rows else {}
    out = []
    for r in rows:
        if r.status == "completed":
            outcome = "已召回，启动工作交接" if f"handover:{r.id}" in handed else "整改到位，结案"
        elif r.status == "rejected":
            outcome = "核实不属实"
        else:
            outcome = STATUS_NAMES.get(r.status, r.status)
        data = load(r.id, read_only=True).instance.data  # a cadre has few: each read once
        source = str(data.get("source") or "")
        out.append({"instance_id": r.id, "opened_at": r.created_at, "ended_at": r.ended_at,
                    "status": r.status, "outcome": outcome, "source": source,
                    "source_name": RECALL_SOURCE_NAMES.get(source, source), "finding": data.get("finding"),
                    "accountability": data.get("accountability_measures"),
                    "assessment_instance_id": from_assessment.get(r.id)})
    return out


def cadre_file(principal: Principal, cadre_id: str) -> dict[str, Any]:
    """The cadre's personal file: who they are, their postings, every assessment result and every
    recall case, newest result first."""
    cadre = file_cadre(principal, cadre_id)
    results = db.session.execute(sa.select(AssessmentResult).where(AssessmentResult.cadre_id == cadre.id)
                                 .order_by(AssessmentResult.year.desc(), AssessmentResult.graded_at.desc(),
                                           AssessmentResult.id.desc())).scalars().all()
    postings = posting_rows(list(reversed(cadre.postings)))  # the latest first
    orgs = org_names({cadre.unit_id} | {p["township_id"] for p in postings})
    return {
        "cadre_id": cadre.id, "cadre_name": cadre.name, "unit_id": cadre.unit_id,
        "unit_name": orgs.get(cadre.unit_id, cadre.unit_id), "post": cadre.post,
        "postings": [{**p, "township_name": orgs.get(p["township_id"], p["township_id"])} for p in postings],
        "results": result_items(results), "recalls": _recalls(cadre.id),
    }
