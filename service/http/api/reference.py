"""GET /api/v1/orgs, /villages, /cadres, /cadres/{id}: reference data for every signed-in user."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from service.core.errors import NotFound
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
from service.persistence.models import Cadre, Org, Posting, Village, VillageCategory
from service.queries.access import cadre_clause, can_see_cadre
from service.queries.people import search_clause
from service.queries.roster import cadre_views, org_view, village_views

blp = Blueprint("reference", __name__, url_prefix="/api/v1", description="基础数据：机构、村、驻村干部")


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
    page["items"] = [org_view(o) for o in page["items"]]
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
        # Any category the village carries, not only its main one.
        stmt = stmt.where(sa.select(VillageCategory.village_id).where(
            VillageCategory.village_id == Village.id, VillageCategory.category == args["category"]).exists())
    page = paginate(stmt, args["page"], args["per_page"])
    page["items"] = village_views(page["items"])
    return page


@blp.get("/cadres")
@blp.arguments(CadreQuerySchema, location="query")
@blp.response(200, page_schema(CadreSchema))
def list_cadres(args: dict[str, Any]) -> dict[str, Any]:
    """驻村干部及人选（派出单位（人事部门）只见本单位；乡镇只见本乡镇各村在岗干部及本乡镇案件涉及的干部；干部只见本人）"""
    principal = authenticate()
    stmt = sa.select(Cadre).order_by(Cadre.id)
    visible = cadre_clause(principal)
    if visible is not None:
        stmt = stmt.where(visible)
    if "unit_id" in args:
        stmt = stmt.where(Cadre.unit_id == args["unit_id"])
    if args.get("q", "").strip():
        stmt = stmt.where(search_clause(args["q"]))
    active = sa.select(Posting.id).where(Posting.cadre_id == Cadre.id, Posting.active.is_(True))
    if "posted" in args:
        stmt = stmt.where(active.exists() if args["posted"] else ~active.exists())
    if "village_id" in args:
        stmt = stmt.where(active.where(Posting.village_id == args["village_id"]).exists())
    if "role" in args:
        stmt = stmt.where(active.where(Posting.role == args["role"]).exists())
    page = paginate(stmt, args["page"], args["per_page"])
    page["items"] = cadre_views(page["items"])
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
    return cadre_views([cadre])[0]
