"""A year's round as the county follows it: each cadre's assessment, the step it waits at or the
grade it got, counts by step and grade, and the 优秀 quota used and allowed.

The round's assessments are found by their business keys (`assessment:annual:<year>:...`); the
grades by the results the round's graded assessments left.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from service.core.errors import NotFound
from service.core.labels import ASSESSMENT_GRADE_NAMES, POSTING_ROLE_NAMES, STATUS_NAMES
from service.persistence.db import db
from service.persistence.models import (
    AssessmentResult,
    AssessmentRound,
    Cadre,
    HumanTask,
    Posting,
    ProcessInstance,
    Village,
)
from service.queries.assessments.keys import PROCESS_KEY, annual_prefix
from service.queries.assessments.quota import excellent_quota
from service.queries.roster import org_names

GRADES = tuple(ASSESSMENT_GRADE_NAMES)


def get_round(round_id: str) -> AssessmentRound:
    found = db.session.get(AssessmentRound, round_id)
    if found is None:
        raise NotFound(f"考核批次 {round_id} 不存在。")
    return found


def rounds_statement() -> sa.Select:
    return sa.select(AssessmentRound).order_by(AssessmentRound.year.desc())


def round_view(found: AssessmentRound) -> dict[str, Any]:
    quota = excellent_quota(found)
    return {"id": found.id, "year": found.year, "name": found.name, "created_by": found.created_by,
            "created_at": found.created_at, "excellent_share": found.excellent_share,
            "excellent": {"share": found.excellent_share, "share_text": quota.share_text,
                          "assessed": quota.assessed, "allowed": quota.allowed, "used": quota.used,
                          "left": quota.left}}


def round_progress(found: AssessmentRound) -> dict[str, Any]:
    rows = db.session.execute(sa.select(ProcessInstance).options(sa.orm.defer(ProcessInstance.state)).where(
        ProcessInstance.process_key == PROCESS_KEY,
        ProcessInstance.business_key.like(f"{annual_prefix(found.year)}%"))).scalars().all()
    ids = [r.id for r in rows]
    steps: dict[str, list[str]] = {}
    for task in db.session.execute(sa.select(HumanTask).where(
            HumanTask.instance_id.in_(ids), HumanTask.status == "open")
            .order_by(HumanTask.created_at, HumanTask.id)).scalars() if ids else ():
        steps.setdefault(task.instance_id, []).append(task.name)
    results = {r.instance_id: r for r in db.session.execute(sa.select(AssessmentResult).where(
        AssessmentResult.instance_id.in_(ids))).scalars()} if ids else {}
    cadres = {c.id: c for c in db.session.execute(sa.select(Cadre).where(
        Cadre.id.in_({r.cadre_id for r in rows if r.cadre_id}))).scalars()} if rows else {}
    postings = _postings(rows)
    orgs = org_names({r.township_id or "" for r in rows} | {c.unit_id for c in cadres.values()}
                     | {r.unit_id or "" for r in rows})
    villages = dict(db.session.execute(sa.select(Village.id, Village.name).where(
        Village.id.in_({r.village_id for r in rows if r.village_id}))).all()) if rows else {}
    items = []
    for row in rows:
        cadre = cadres.get(row.cadre_id or "")
        posting = postings.get(row.id)
        result = results.get(row.id)
        supplier = row.unit_id or (cadre.unit_id if cadre else None)
        waiting = steps.get(row.id, [])
        if result is not None:
            state, state_name = "graded", f"已确定等次：{ASSESSMENT_GRADE_NAMES[result.grade]}"
        elif row.status == "running":
            state, state_name = "running", "办理中" + (f"：{'、'.join(waiting)}" if waiting else "")
        else:
            state, state_name = row.status, STATUS_NAMES.get(row.status, row.status)
        items.append({
            "instance_id": row.id, "cadre_id": row.cadre_id,
            "cadre_name": cadre.name if cadre else row.cadre_id,
            "role": posting.role if posting else None,
            "role_name": POSTING_ROLE_NAMES.get(posting.role, posting.role) if posting else None,
            "village_id": row.village_id, "village_name": villages.get(row.village_id or "", row.village_id),
            "township_id": row.township_id, "township_name": orgs.get(row.township_id or "", row.township_id),
            "supplier_id": supplier, "supplier_name": orgs.get(supplier or "", supplier),
            "state": state, "state_name": state_name, "steps": waiting,
            "grade": result.grade if result else None,
            "grade_name": ASSESSMENT_GRADE_NAMES.get(result.grade) if result else None,
            "recall_instance_id": result.recall_instance_id if result else None,
        })
    items.sort(key=lambda i: (i["township_id"] or "", i["village_id"] or "", i["role"] or "",
                              i["cadre_id"] or ""))
    by_grade = {g: sum(1 for i in items if i["grade"] == g) for g in GRADES}
    return {**round_view(found), "items": items, "summary": {
        "assessed": sum(1 for i in items if i["state"] != "terminated"),
        "graded": sum(by_grade.values()), "running": sum(1 for i in items if i["state"] == "running"),
        "by_grade": by_grade,
        "by_grade_names": {ASSESSMENT_GRADE_NAMES[g]: n for g, n in by_grade.items()}}}


def _postings(rows: Sequence[ProcessInstance]) -> dict[str, Posting]:
    """Each assessment's posting (its start data names it; the business columns do not): the cadre's
    posting in the instance's village, the latest."""
    keys = {(r.cadre_id, r.village_id) for r in rows if r.cadre_id}
    if not keys:
        return {}
    found: dict[tuple[str, str | None], Posting] = {}
    for p in db.session.execute(sa.select(Posting).where(Posting.cadre_id.in_({c for c, _ in keys}))
                                .order_by(Posting.term_start, Posting.id)).scalars():
        found[(p.cadre_id, p.village_id)] = p
    return {r.id: found[(r.cadre_id, r.village_id)] for r in rows
            if r.cadre_id and (r.cadre_id, r.village_id) in found}
