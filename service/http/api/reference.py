"""GET /api/v1/orgs, /villages, /cadres, /cadres/{id}: reference data for every signed-in user."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from service.config import get_settings
from service.core.errors import NotFound
from service.core.labels import CATEGORIES_WITH_WORK_TEAM, ORG_KIND_NAMES, VILLAGE_CATEGORY_NAMES
from service.http.api.blueprint import Blueprint
from service.http.api.schemas.reference import (
    CadreQuerySchema,
    CadreSchema,
    OrgQuerySchema,
    OrgSchema,
    VillageQuerySchema,
    VillageSchema,
)
from service.http.auth import authenticate
from service.http.pagination import page_schema, paginate
from service.persistence.db import db
from service.persistence.models import Cadre, Org, Posting, Village
from service.queries.access import cadre_clause, can_see_cadre
from service.queries.eligibility import first_secretary_eligibility

blp = Blueprint("reference", __name__, url_prefix="/api/v1", description="基础数据：机构、村、驻村干部")


def _today() -> date:
    # Eligibility is judged on the county's calendar date, not the server's UTC date.
    return datetime.now(get_settings().tz).date()


@blp.get("/orgs")
@blp.arguments(OrgQuerySchema, location="query")
@blp.response(200, page_schema(OrgSchema))
def list_orgs(args: dict[str, Any]) -> dict[str, Any]:
    """机构列表：派出单位、乡镇、县级机构"""
    authenticate()
    stmt = sa.select(Org).order_by(Org.kind, Org.id)
    if "kind" in args:
        stmt = stmt.where(Org.kind == args["kind"])
    if "parent_id" in args:
        stmt = stmt.where(Org.parent_id == args["parent_id"])
    page = paginate(stmt, args["page"], args["per_page"])
    page["items"] = [_org(o) for o in page["items"]]
    return page


@blp.get("/villages")
@blp.arguments(VillageQuerySchema, location="query")
@blp.response(200, page_schema(VillageSchema))
def list_villages(args: dict[str, Any]) -> dict[str, Any]:
    """村列表（含类别、所属乡镇）"""
    authenticate()
    stmt = sa.select(Village).order_by(Village.township_id, Village.id)
    if "township_id" in args:
        stmt = stmt.where(Village.township_id == args["township_id"])
    if "category" in args:
        stmt = stmt.where(Village.category == args["category"])
    page = paginate(stmt, args["page"], args["per_page"])
    townships = _org_names({v.township_id for v in page["items"]})
    page["items"] = [_village(v, townships) for v in page["items"]]
    return page


@blp.get("/cadres")
@blp.arguments(CadreQuerySchema, location="query")
@blp.response(200, page_schema(CadreSchema))
def list_cadres(args: dict[str, Any]) -> dict[str, Any]:
    """驻村干部及人选（派出单位人事只见本单位；乡镇只见本乡镇各村在岗干部及本乡镇案件涉及的干部；干部只见本人）"""
    principal = authenticate()
    stmt = sa.select(Cadre).order_by(Cadre.id)
    visible = cadre_clause(principal)
    if visible is not None:
        stmt = stmt.where(visible)
    if "unit_id" in args:
        stmt = stmt.where(Cadre.unit_id == args["unit_id"])
    active = sa.select(Posting.id).where(Posting.cadre_id == Cadre.id, Posting.active.is_(True))
    if "posted" in args:
        stmt = stmt.where(active.exists() if args["posted"] else ~active.exists())
    if "village_id" in args:
        stmt = stmt.where(active.where(Posting.village_id == args["village_id"]).exists())
    if "role" in args:
        stmt = stmt.where(active.where(Posting.role == args["role"]).exists())
    page = paginate(stmt, args["page"], args["per_page"])
    page["items"] = _cadres(page["items"])
    return page


@blp.get("/cadres/<string:cadre_id>")
@blp.response(200, CadreSchema)
def get_cadre(cadre_id: str) -> dict[str, Any]:
    """单个驻村干部或人选"""
    principal = authenticate()
    cadre = db.session.get(Cadre, cadre_id)
    if cadre is None or not can_see_cadre(principal, cadre):
        # One answer for both: a 403 would tell that the cadre exists.
        raise NotFound(f"干部 {cadre_id} 不存在或无权查看。")
    return _cadres([cadre])[0]


def _org_names(ids: set[str]) -> dict[str, str]:
    if not ids:
        return {}
    return dict(db.session.execute(sa.select(Org.id, Org.name).where(Org.id.in_(ids))).all())


def _org(org: Org) -> dict[str, Any]:
    return {
        "id": org.id,
        "name": org.name,
        "kind": org.kind,
        "kind_name": ORG_KIND_NAMES.get(org.kind, org.kind),
        "parent_id": org.parent_id,
    }


def _village(village: Village, townships: dict[str, str]) -> dict[str, Any]:
    return {
        "id": village.id,
        "name": village.name,
        "category": village.category,
        "category_name": VILLAGE_CATEGORY_NAMES.get(village.category, village.category),
        "township_id": village.township_id,
        "township_name": townships.get(village.township_id, ""),
        "has_work_team": any(c in CATEGORIES_WITH_WORK_TEAM for c in village.categories),
    }


def _cadres(cadres: Sequence[Cadre]) -> list[dict[str, Any]]:
    village_ids = {p.village_id for c in cadres for p in c.postings}
    villages = {
        v.id: v for v in db.session.execute(sa.select(Village).where(Village.id.in_(village_ids))).scalars()
    } if village_ids else {}
    units = _org_names({c.unit_id for c in cadres})
    today = _today()
    out = []
    for cadre in cadres:
        verdict = first_secretary_eligibility(cadre, today)
        out.append(
            {
                "id": cadre.id,
                "name": cadre.name,
                "unit_id": cadre.unit_id,
                "unit_name": units.get(cadre.unit_id, ""),
                "postings": [
                    {
                        "village_id": p.village_id,
                        "village_name": villages[p.village_id].name,
                        "township_id": villages[p.village_id].township_id,
                        "role": p.role,
                        "term_start": p.term_start,
                        # The contract's term_end: the actual end once ended, else the planned one.
                        "term_end": p.term_end or p.planned_end,
                        "planned_end": p.planned_end,
                        "ended_on": p.term_end,
                        "leads_team": p.leads_team,
                        "active": p.active,
                    }
                    for p in cadre.postings
                ],
                "posted": bool(cadre.active_postings),
                "party_status": cadre.party_status,
                "party_member_since": cadre.party_member_since,
                "work_start_date": cadre.work_start_date,
                "employment_type": cadre.employment_type,
                "birth_date": cadre.birth_date,
                "eligible_first_secretary": verdict.eligible,
                "eligibility_reasons": verdict.violations,
                "eligibility_warnings": verdict.warnings,
            }
        )
    return out
