"""驻村覆盖: every village with the roles its categories require, who holds them, what is wrong.

Shared by GET /api/v1/coverage, its Excel export and the 驻村覆盖 page. A page is read in a few
statements whatever its size: the villages with their flags (one row each), their categories, the
active postings of those villages with their cadres and suppliers, and the open cases per village.

The flags are SQL expressions on Village (FLAGS below): the same expression is a column of the
village statement and, with ?flag=, its filter, so what a row shows and what the filter selects
cannot disagree.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement

from service.config import get_settings
from service.core.clock import now
from service.core.labels import (
    CATEGORIES_WITH_WORK_TEAM,
    COVERAGE_FLAG_NAMES,
    EMPLOYMENT_NAMES,
    POSTING_ROLE_NAMES,
    VILLAGE_CATEGORY_NAMES,
)
from service.core.principal import Principal
from service.persistence.db import db
from service.persistence.models import (
    OPEN_STATUSES,
    Cadre,
    Org,
    Posting,
    ProcessInstance,
    Village,
    VillageCategory,
)
from service.queries.access import instance_clause, village_clause

FIRST_SECRETARY = "first_secretary"
TEAM_MEMBER = "team_member"
TEMPORARY = "temporary"
TEAM_CATEGORIES = tuple(sorted(CATEGORIES_WITH_WORK_TEAM))


@dataclass(frozen=True)
class CoverageFilter:
    township_id: str | None = None
    unit_id: str | None = None  # the supplier of a posting (its cadre's unit when none is recorded)
    category: str | None = None  # any of the village's categories, not only the main one
    flag: str | None = None


@dataclass(frozen=True)
class TermWindow:
    """`today` on the county's calendar and how many days ahead a term counts as ending soon."""

    today: date
    notice_days: int

    @property
    def notice_until(self) -> date:
        return self.today + timedelta(days=self.notice_days)


def term_window() -> TermWindow:
    """Today in the county (Beijing) by the app's clock, and the configured notice."""
    settings = get_settings()
    return TermWindow(now().astimezone(settings.tz).date(), settings.term_end_notice_days)


def _active_posting(*conditions: ColumnElement[bool]) -> ColumnElement[bool]:
    """EXISTS an active posting in the village (of the outer statement) meeting `conditions`."""
    return (sa.select(Posting.id)
            .where(Posting.village_id == Village.id, Posting.active.is_(True), *conditions).exists())


def needs_work_team() -> ColumnElement[bool]:
    """The village carries a category that gets a work team (domain.md: 十三五/十四五 villages)."""
    carried = (sa.select(VillageCategory.village_id)
               .where(VillageCategory.village_id == Village.id, VillageCategory.category.in_(TEAM_CATEGORIES))
               .exists())
    return sa.or_(Village.category.in_(TEAM_CATEGORIES), carried)


def _leader_not_first_secretary() -> ColumnElement[bool]:
    # 工作队队长由第一书记兼任: in a village that has a team, its first secretary leads it, and
    # no team member does. A team where none belongs is flagged as such (team_not_required), not
    # again for its leader.
    fs_not_leading = _active_posting(Posting.role == FIRST_SECRETARY, Posting.leads_team.is_(False))
    member_leading = _active_posting(Posting.role == TEAM_MEMBER, Posting.leads_team.is_(True))
    return sa.or_(sa.and_(needs_work_team(), fs_not_leading), member_leading)


def _temporary_staff() -> ColumnElement[bool]:
    return (sa.select(Posting.id).join(Cadre, Cadre.id == Posting.cadre_id)
            .where(Posting.village_id == Village.id, Posting.active.is_(True),
                   Cadre.employment_type == TEMPORARY).exists())


FLAGS: dict[str, Callable[[TermWindow], ColumnElement[bool]]] = {
    "missing_first_secretary": lambda w: ~_active_posting(Posting.role == FIRST_SECRETARY),
    "missing_work_team": lambda w: sa.and_(needs_work_team(), ~_active_posting(Posting.role == TEAM_MEMBER)),
    "team_not_required": lambda w: sa.and_(~needs_work_team(), _active_posting(Posting.role == TEAM_MEMBER)),
    "leader_not_first_secretary": lambda w: _leader_not_first_secretary(),
    "temporary_staff": lambda w: _temporary_staff(),
    "term_ending_soon": lambda w: _active_posting(Posting.planned_end >= w.today,
                                                  Posting.planned_end <= w.notice_until),
    "term_overdue": lambda w: _active_posting(Posting.planned_end < w.today),
}


def _conditions(principal: Principal, filters: CoverageFilter,
                window: TermWindow) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    visible = village_clause(principal)
    if visible is not None:
        conditions.append(visible)
    if filters.township_id:
        conditions.append(Village.township_id == filters.township_id)
    if filters.category:
        carried = (sa.select(VillageCategory.village_id).where(
            VillageCategory.village_id == Village.id, VillageCategory.category == filters.category).exists())
        conditions.append(sa.or_(Village.category == filters.category, carried))
    if filters.unit_id:
        supplied = (sa.select(Posting.id).join(Cadre, Cadre.id == Posting.cadre_id)
                    .where(Posting.village_id == Village.id, Posting.active.is_(True),
                           sa.func.coalesce(Posting.supplier_id, Cadre.unit_id) == filters.unit_id).exists())
        conditions.append(supplied)
    if filters.flag:
        conditions.append(FLAGS[filters.flag](window))
    return conditions


ORDER = (Village.township_id, Village.id)


def _village_statement(chosen: sa.Select, window: TermWindow) -> sa.Select:
    """The villages `chosen` selects (their ids, a page of them) with their flags.

    The page is chosen first, in a subquery: the flags are then worked out for its rows only,
    each an index probe of postings, instead of for every village the filters let through (on
    PostgreSQL, hashing all postings once per flag: 170 ms at 20,000 villages, bench/province.py).
    """
    township = aliased(Org)
    page = chosen.subquery()
    flags = [expression(window).label(f"flag_{code}") for code, expression in FLAGS.items()]
    return (sa.select(Village.id, Village.name, Village.category, Village.township_id,
                      township.name.label("township_name"), *flags)
            .join(page, page.c.id == Village.id)
            .join(township, township.id == Village.township_id)
            .order_by(*ORDER))


def _chosen(conditions: list[ColumnElement[bool]]) -> sa.Select:
    return sa.select(Village.id).where(*conditions).order_by(*ORDER)


def coverage_page(principal: Principal, filters: CoverageFilter, window: TermWindow, page: int,
                  per_page: int) -> dict[str, Any]:
    """One page of the villages the caller may see, in the pagination envelope."""
    conditions = _conditions(principal, filters, window)
    count = sa.select(sa.func.count()).select_from(Village).where(*conditions)
    total = db.session.execute(count).scalar_one()
    chosen = _chosen(conditions).limit(per_page).offset((page - 1) * per_page)
    rows = db.session.execute(_village_statement(chosen, window)).all()
    return {"items": _items(principal, rows, window), "total": total, "page": page, "per_page": per_page}


def coverage_all(principal: Principal, filters: CoverageFilter, window: TermWindow,
                 chunk: int = 500) -> Iterator[dict[str, Any]]:
    """Every matching village (for the export), read `chunk` villages at a time (keyset, not OFFSET)."""
    conditions = _conditions(principal, filters, window)
    after: tuple[str, str] | None = None
    while True:
        chosen = _chosen(conditions)
        if after is not None:
            chosen = chosen.where(sa.tuple_(Village.township_id, Village.id) > sa.tuple_(*after))
        rows = db.session.execute(_village_statement(chosen.limit(chunk), window)).all()
        yield from _items(principal, rows, window)
        if len(rows) < chunk:
            return
        after = (rows[-1].township_id, rows[-1].id)


def required_roles(categories: list[str]) -> list[str]:
    """Every category needs a first secretary; 十三五/十四五 villages a work team too."""
    roles = [FIRST_SECRETARY] if categories else []
    if CATEGORIES_WITH_WORK_TEAM.intersection(categories):
        roles.append(TEAM_MEMBER)
    return roles


def _items(principal: Principal, rows: Sequence[sa.Row], window: TermWindow) -> list[dict[str, Any]]:
    ids = [row.id for row in rows]
    if not ids:
        return []
    categories = _categories(ids)
    holders = _holders(ids, window)
    cases = _open_cases(principal, ids)
    items = []
    for row in rows:
        carried = [row.category, *sorted(c for c in categories.get(row.id, ()) if c != row.category)]
        roles = required_roles(carried)
        flags = [code for code in FLAGS if getattr(row, f"flag_{code}")]
        items.append({
            "village_id": row.id,
            "village_name": row.name,
            "township_id": row.township_id,
            "township_name": row.township_name,
            "categories": carried,
            "category_names": [VILLAGE_CATEGORY_NAMES.get(c, c) for c in carried],
            "required_roles": roles,
            "required_role_names": [POSTING_ROLE_NAMES[r] for r in roles],
            "holders": holders.get(row.id, []),
            "flags": [{"code": code, "name": COVERAGE_FLAG_NAMES[code]} for code in flags],
            "open_cases": cases.get(row.id, 0),
        })
    return items


def _categories(ids: list[str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for village_id, category in db.session.execute(
            sa.select(VillageCategory.village_id, VillageCategory.category)
            .where(VillageCategory.village_id.in_(ids))).all():
        out.setdefault(village_id, []).append(category)
    return out


def _holders(ids: list[str], window: TermWindow) -> dict[str, list[dict[str, Any]]]:
    """The active postings of the villages with their cadres, first secretaries first."""
    supplier = aliased(Org)
    stmt = (sa.select(Posting.id, Posting.village_id, Posting.role, Posting.term_start, Posting.planned_end,
                      Posting.leads_team, Cadre.id.label("cadre_id"), Cadre.name.label("cadre_name"),
                      Cadre.employment_type, Cadre.unit_id,
                      sa.func.coalesce(Posting.supplier_id, Cadre.unit_id).label("supplier_id"),
                      supplier.name.label("supplier_name"))
            .join(Cadre, Cadre.id == Posting.cadre_id)
            .outerjoin(supplier, supplier.id == sa.func.coalesce(Posting.supplier_id, Cadre.unit_id))
            .where(Posting.village_id.in_(ids), Posting.active.is_(True))
            .order_by(Posting.village_id, Posting.role, Posting.term_start, Posting.id))
    out: dict[str, list[dict[str, Any]]] = {}
    for r in db.session.execute(stmt).all():
        days_left = (r.planned_end - window.today).days if r.planned_end else None
        out.setdefault(r.village_id, []).append({
            "posting_id": r.id,
            "role": r.role,
            "role_name": POSTING_ROLE_NAMES.get(r.role, r.role),
            "cadre_id": r.cadre_id,
            "cadre_name": r.cadre_name,
            "unit_id": r.unit_id,
            "supplier_id": r.supplier_id,
            "supplier_name": r.supplier_name or "",
            "employment_type": r.employment_type,
            "employment_name": EMPLOYMENT_NAMES.get(r.employment_type, r.employment_type),
            "leads_team": bool(r.leads_team),
            "term_start": r.term_start,
            "planned_end": r.planned_end,
            "days_left": days_left,
        })
    return out


def _open_cases(principal: Principal, ids: list[str]) -> dict[str, int]:
    """Open cases (running or suspended) per village, counting only those the caller may open (reads
    never leak)."""
    stmt = (sa.select(ProcessInstance.village_id, sa.func.count())
            .where(ProcessInstance.village_id.in_(ids), ProcessInstance.status.in_(OPEN_STATUSES))
            .group_by(ProcessInstance.village_id))
    visible = instance_clause(principal)
    if visible is not None:
        stmt = stmt.where(visible)
    return {village_id: count for village_id, count in db.session.execute(stmt).all() if village_id}
