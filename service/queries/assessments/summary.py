"""A year's summary per dispatch unit (and per township that supplied team members), for the
assessment of the unit's leadership (驻村帮扶工作纳入派出单位领导班子年度考核): its cadres' grades,
the recall cases of its cadres opened that year, and its duties of that year (unit_duties).

The county bodies, auditors and admins read every unit; a unit's HR its own, a township its own
(queries/access.py summary_orgs). The results of the year are listed beside it: each is the unit's
record of its cadre's grade.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from service.config import get_settings
from service.core.labels import ASSESSMENT_GRADE_NAMES, ORG_KIND_NAMES, STATUS_NAMES
from service.core.principal import Principal
from service.persistence.db import db
from service.persistence.loading import load
from service.persistence.models import OPEN_STATUSES, HumanTask, Org, ProcessInstance
from service.queries.access import summary_orgs
from service.queries.assessments.keys import PROCESS_KEY, annual_prefix
from service.queries.assessments.results import ResultFilter, result_items, results_statement

GRADES = tuple(ASSESSMENT_GRADE_NAMES)
DUTIES_KEY = "unit_duties"


def _year_bounds(year: int) -> tuple[datetime, datetime]:
    """The year in the county's time zone, as aware instants (instances are stored in UTC)."""
    tz = get_settings().tz
    return datetime(year, 1, 1, tzinfo=tz), datetime(year + 1, 1, 1, tzinfo=tz)


def _orgs(principal: Principal, suppliers: set[str]) -> list[Org]:
    """Every dispatch unit, and the townships that supplied an assessed cadre, that the caller reads."""
    readable = summary_orgs(principal)
    stmt = sa.select(Org).where(sa.or_(Org.kind == "dispatch_unit", Org.id.in_(suppliers)))
    if readable is not None:
        stmt = stmt.where(Org.id.in_(readable))
    return list(db.session.execute(stmt.order_by(Org.kind, Org.id)).scalars())


def _assessed(year: int) -> Counter[str]:
    """The year's round's assessments per supplier (a township for the members it supplied)."""
    rows = db.session.execute(sa.select(ProcessInstance.unit_id, ProcessInstance.township_id).where(
        ProcessInstance.process_key == PROCESS_KEY, ProcessInstance.status != "terminated",
        ProcessInstance.business_key.like(f"{annual_prefix(year)}%"))).all()
    return Counter(str(unit_id or township_id) for unit_id, township_id in rows)


def _recalls(year: int) -> dict[str, Counter[str]]:
    """Recall cases opened in `year`, per the unit of the cadre, by outcome."""
    start, end = _year_bounds(year)
    p = ProcessInstance
    rows = db.session.execute(sa.select(p.id, p.unit_id, p.status).where(
        p.process_key == "recall", p.created_at >= start, p.created_at < end)).all()
    handed = set(db.session.execute(sa.select(ProcessInstance.business_key).where(
        ProcessInstance.business_key.in_([f"handover:{r.id}" for r in rows]))).scalars()) if rows else set()
    out: dict[str, Counter[str]] = {}
    for recall_id, unit_id, status in rows:
        counts = out.setdefault(unit_id or "", Counter())
        counts["opened"] += 1
        if status == "completed":
            counts["recalled" if f"handover:{recall_id}" in handed else "rectified"] += 1
        elif status == "rejected":
            counts["unfounded"] += 1
        elif status in OPEN_STATUSES:  # running, or suspended by an administrator
            counts["running"] += 1
    return out


def _duties(unit_id: str, year: int) -> dict[str, Any]:
    """The unit's duty year (unit_duties): where it stands, and what its checks found."""
    row = db.session.execute(sa.select(ProcessInstance).options(sa.orm.defer(ProcessInstance.state)).where(
        ProcessInstance.process_key == DUTIES_KEY,
        ProcessInstance.business_key == f"{DUTIES_KEY}:{unit_id}:{year}")).scalar_one_or_none()
    if row is None:
        return {"state": "none", "state_name": "未发起", "problems": [], "instance_id": None}
    instance = load(row.id, read_only=True).instance
    data = instance.data
    problems = [str(v.get("message")) for key in ("first_half_violations", "second_half_violations")
                for v in data.get(key) or [] if isinstance(v, dict) and v.get("message")]
    if row.status == "running":
        steps = list(db.session.execute(sa.select(HumanTask.name).where(
            HumanTask.instance_id == row.id, HumanTask.status == "open")).scalars())
        state, name = "running", "办理中" + (f"：{'、'.join(steps)}" if steps else "（等待半年期满）")
    elif row.status == "completed":
        rectified = "end_rectified" in instance.completed_element_ids()
        state, name = ("rectified", "经整改完成") if rectified else ("fulfilled", "全年达标")
    else:
        state, name = row.status, STATUS_NAMES.get(row.status, row.status)
    return {"state": state, "state_name": name, "problems": problems, "instance_id": row.id}


def unit_summary(principal: Principal, year: int) -> dict[str, Any]:
    results = db.session.execute(results_statement(principal, ResultFilter(year=year))).scalars().all()
    assessed = _assessed(year)
    suppliers = set(assessed) | {r.supplier_id for r in results}
    recalls = _recalls(year)
    units = []
    for org in _orgs(principal, suppliers):
        own = [r for r in results if r.supplier_id == org.id]
        annual = Counter(r.grade for r in own if r.kind == "annual")
        graded = sum(annual.values())
        counts = recalls.get(org.id, Counter())
        units.append({
            "unit_id": org.id, "unit_name": org.name, "kind": org.kind,
            "kind_name": ORG_KIND_NAMES.get(org.kind, org.kind),
            "assessed": assessed.get(org.id, 0), "graded": graded,
            "ungraded": max(assessed.get(org.id, 0) - graded, 0),
            "grades": {g: annual.get(g, 0) for g in GRADES},
            "term_end": sum(1 for r in own if r.kind == "term_end"),
            "recalls": {k: counts.get(k, 0) for k in ("opened", "recalled", "rectified", "running",
                                                      "unfounded")},
            "duties": _duties(org.id, year) if org.kind == "dispatch_unit" else None,
        })
    return {"year": year, "grade_names": dict(ASSESSMENT_GRADE_NAMES), "units": units,
            "results": result_items(results)}
