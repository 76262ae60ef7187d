"""Changing the roster: POST/PATCH /orgs, /villages, /cadres, /postings; POST /postings/{id}/end.

Each call is one unit of work: the change and its change-log entry commit together or not at all.
Who may change what is the commands' decision (service/commands/roster/permissions.py); a record
the caller may not read is answered 404 as on GET."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from service.commands.roster import (
    end_posting,
    save_cadre,
    save_posting,
    save_township,
    save_unit,
    save_village,
)
from service.commands.roster.permissions import require_roster_role
from service.commands.uow import unit_of_work
from service.core.errors import Conflict, NotFound
from service.core.principal import Principal
from service.http.api.blueprint import Blueprint
from service.http.api.schemas.reference import CadreSchema, OrgSchema, VillageSchema
from service.http.api.schemas.roster import (
    CadreCreateSchema,
    CadrePatchSchema,
    OrgCreateSchema,
    OrgPatchSchema,
    PostingCreateSchema,
    PostingEndSchema,
    PostingPatchSchema,
    PostingQuerySchema,
    PostingRowSchema,
    VillageCreateSchema,
    VillagePatchSchema,
)
from service.http.auth import authenticate
from service.http.pagination import page_schema, paginate
from service.persistence.db import db
from service.persistence.models import Cadre, Org, Posting, RosterChange, Village
from service.queries.access import cadre_clause, can_see_cadre
from service.queries.roster import cadre_views, org_view, posting_rows, village_views

blp = Blueprint("roster", __name__, url_prefix="/api/v1",
                description="名册维护：乡镇、派出单位、村、干部、任职")

SOURCE = "api"
SAVE_ORG = {"township": save_township, "dispatch_unit": save_unit}


def _writer() -> Principal:
    actor = authenticate()
    require_roster_role(actor)  # 403 before anything is looked up
    return actor


def _created(change: RosterChange | None, key: str) -> RosterChange:
    """A POST creates: if the record appeared meanwhile (a concurrent POST committed it after our
    check), the save found it and updated it or changed nothing; refuse, and roll that back."""
    if change is None or change.action != "create":
        message = f"编号 {key} 已由他人同时创建，请刷新后查看。"
        raise Conflict(message, errors={"id": [message]}, slug="concurrent-write")
    return change


def _absent(what: str, key: str) -> NotFound:
    return NotFound(f"{what} {key} 不存在。")


@blp.post("/orgs")
@blp.arguments(OrgCreateSchema)
@blp.response(201, OrgSchema)
def create_org(args: dict[str, Any]) -> dict[str, Any]:
    """新增乡镇或派出单位（县委组织部、系统管理员）"""
    actor = _writer()
    kind = args.pop("kind")
    with unit_of_work():
        if db.session.get(Org, args["id"]) is not None:
            raise Conflict(f"编号 {args['id']} 已存在。", errors={"id": [f"编号 {args['id']} 已存在。"]})
        _created(SAVE_ORG[kind](actor, args, source=SOURCE), args["id"])
        body = org_view(db.session.get(Org, args["id"]))  # type: ignore[arg-type]
    return body


@blp.patch("/orgs/<string:org_id>")
@blp.arguments(OrgPatchSchema)
@blp.response(200, OrgSchema)
def patch_org(args: dict[str, Any], org_id: str) -> dict[str, Any]:
    """修改乡镇或派出单位"""
    actor = _writer()
    with unit_of_work():
        org = db.session.get(Org, org_id)
        if org is None or org.kind not in SAVE_ORG:
            raise _absent("乡镇或派出单位", org_id)
        SAVE_ORG[org.kind](actor, {"id": org_id, **args}, source=SOURCE)
        body = org_view(org)
    return body


@blp.post("/villages")
@blp.arguments(VillageCreateSchema)
@blp.response(201, VillageSchema)
def create_village(args: dict[str, Any]) -> dict[str, Any]:
    """新增村（县委组织部、系统管理员）"""
    actor = _writer()
    with unit_of_work():
        if db.session.get(Village, args["id"]) is not None:
            raise Conflict(f"村编号 {args['id']} 已存在。", errors={"id": [f"村编号 {args['id']} 已存在。"]})
        _created(save_village(actor, args, source=SOURCE), args["id"])
        body = village_views([db.session.get(Village, args["id"])])[0]  # type: ignore[list-item]
    return body


@blp.patch("/villages/<string:village_id>")
@blp.arguments(VillagePatchSchema)
@blp.response(200, VillageSchema)
def patch_village(args: dict[str, Any], village_id: str) -> dict[str, Any]:
    """修改村名、所属乡镇或类别"""
    actor = _writer()
    with unit_of_work():
        village = db.session.get(Village, village_id)
        if village is None:
            raise _absent("村", village_id)
        save_village(actor, {"id": village_id, **args}, source=SOURCE)
        body = village_views([village])[0]
    return body


@blp.post("/cadres")
@blp.arguments(CadreCreateSchema)
@blp.response(201, CadreSchema)
def create_cadre(args: dict[str, Any]) -> dict[str, Any]:
    """新增干部（县委组织部、系统管理员；派出单位（人事部门）和乡镇限本单位）"""
    actor = _writer()
    with unit_of_work():
        if db.session.get(Cadre, args["id"]) is not None:
            message = f"干部编号 {args['id']} 已存在。"
            raise Conflict(message, errors={"id": [message]})
        _created(save_cadre(actor, args, source=SOURCE), args["id"])
        body = cadre_views([db.session.get(Cadre, args["id"])])[0]  # type: ignore[list-item]
    return body


@blp.patch("/cadres/<string:cadre_id>")
@blp.arguments(CadrePatchSchema)
@blp.response(200, CadreSchema)
def patch_cadre(args: dict[str, Any], cadre_id: str) -> dict[str, Any]:
    """修改干部信息（派出单位（人事部门）限本单位干部，不能改所在单位；乡镇限本乡镇干部）"""
    actor = _writer()
    with unit_of_work():
        cadre = db.session.get(Cadre, cadre_id)
        if cadre is None or not can_see_cadre(actor, cadre):
            raise NotFound(f"干部 {cadre_id} 不存在或无权查看。")
        save_cadre(actor, {"id": cadre_id, **args}, source=SOURCE)
        body = cadre_views([cadre])[0]
    return body


@blp.get("/postings")
@blp.arguments(PostingQuerySchema, location="query")
@blp.response(200, page_schema(PostingRowSchema))
def list_postings(args: dict[str, Any]) -> dict[str, Any]:
    """任职列表（带编号，用于修改和结束任职；可见范围同干部列表）"""
    principal = authenticate()
    stmt = sa.select(Posting).join(Cadre, Cadre.id == Posting.cadre_id).order_by(Posting.id)
    visible = cadre_clause(principal)
    if visible is not None:
        stmt = stmt.where(visible)
    for name in ("cadre_id", "village_id", "role", "active"):
        if name in args:
            stmt = stmt.where(getattr(Posting, name) == args[name])
    page = paginate(stmt, args["page"], args["per_page"])
    page["items"] = posting_rows(page["items"])
    return page


def _posting(principal: Principal, posting_id: int) -> Posting:
    posting = db.session.get(Posting, posting_id)
    cadre = db.session.get(Cadre, posting.cadre_id) if posting is not None else None
    if posting is None or cadre is None or not can_see_cadre(principal, cadre):
        raise NotFound(f"任职 {posting_id} 不存在或无权查看。")
    return posting


@blp.post("/postings")
@blp.arguments(PostingCreateSchema)
@blp.response(201, PostingRowSchema)
def create_posting(args: dict[str, Any]) -> dict[str, Any]:
    """新增任职（县委组织部、系统管理员；乡镇限本乡镇各村由本乡镇补齐的工作队员）"""
    actor = _writer()
    with unit_of_work():
        key = {k: args[k] for k in ("cadre_id", "village_id", "role", "term_start")}
        exists = db.session.execute(sa.select(Posting.id).filter_by(**key).limit(1)).scalar_one_or_none()
        if exists is not None:
            raise Conflict(f"该任职已存在（任职编号 {exists}）。", errors={"term_start": ["该任职已存在。"]})
        change = _created(save_posting(actor, args, source=SOURCE), args["cadre_id"])
        body = posting_rows([db.session.get(Posting, int(change.entity_id))])[0]  # type: ignore[list-item]
    return body


@blp.patch("/postings/<int:posting_id>")
@blp.arguments(PostingPatchSchema)
@blp.response(200, PostingRowSchema)
def patch_posting(args: dict[str, Any], posting_id: int) -> dict[str, Any]:
    """修改任职的计划任期届满日期、选派单位或是否兼任队长"""
    actor = _writer()
    with unit_of_work():
        posting = _posting(actor, posting_id)
        save_posting(actor, {"id": posting_id, **args}, source=SOURCE)
        body = posting_rows([posting])[0]
    return body


@blp.post("/postings/<int:posting_id>/end")
@blp.arguments(PostingEndSchema)
@blp.response(200, PostingRowSchema)
def end_posting_view(args: dict[str, Any], posting_id: int) -> dict[str, Any]:
    """结束任职（填写结束日期和原因）"""
    actor = _writer()
    with unit_of_work():
        posting = _posting(actor, posting_id)
        end_posting(actor, posting_id, args["ended_on"], args["reason"], source=SOURCE)
        body = posting_rows([posting])[0]
    return body
