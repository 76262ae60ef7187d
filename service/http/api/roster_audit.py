"""/audit/roster-changes: the roster change log for auditors, and the check of its hash chain."""

from __future__ import annotations

from typing import Any

from service.audit.roster_verify import verify_roster_log
from service.http.api.blueprint import Blueprint
from service.http.api.schemas.roster import RosterChangeQuerySchema, RosterChangeSchema, RosterVerifySchema
from service.http.auth import require_role
from service.http.pagination import page_schema, paginate
from service.queries.roster import change_views, changes_statement

blp = Blueprint("roster_audit", __name__, url_prefix="/api/v1/audit", description="审计：名册变更记录")

AUDITORS = ("auditor",)
VERIFIERS = ("auditor", "admin")


@blp.get("/roster-changes")
@blp.roles(*AUDITORS)
@blp.arguments(RosterChangeQuerySchema, location="query")
@blp.response(200, page_schema(RosterChangeSchema))
def roster_changes(args: dict[str, Any]) -> dict[str, Any]:
    """名册变更记录（谁、何时、改了哪条记录的哪些字段），新的在前"""
    require_role(*AUDITORS)
    stmt = changes_statement(entity=args.get("entity"), entity_id=args.get("entity_id"),
                             actor=args.get("actor"), day_from=args.get("date_from"),
                             day_to=args.get("date_to"))
    page = paginate(stmt, args["page"], args["per_page"])
    page["items"] = change_views(page["items"])
    return page


@blp.get("/roster-changes/verify")
@blp.response(200, RosterVerifySchema)
def verify_roster_changes() -> dict[str, Any]:
    """校验名册变更记录的哈希链，报告第一条有问题的记录"""
    require_role(*VERIFIERS)
    return verify_roster_log().as_dict()
