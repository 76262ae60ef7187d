"""POST /dispatches (选派 and 期满轮换) and the dispatch rounds (选派批次)."""

from __future__ import annotations

from typing import Any

from service.commands.dispatch_rounds import create_round
from service.commands.dispatches import start_dispatch
from service.http.api.blueprint import Blueprint
from service.http.api.schemas.adjustments import StartedSchema
from service.http.api.schemas.dispatches import DispatchSchema, RoundSchema, RoundViewSchema
from service.http.auth import authenticate, require_role
from service.queries.dispatch_rounds import get_round, round_progress
from service.queries.instances import started_view

blp = Blueprint("dispatches", __name__, url_prefix="/api/v1", description="驻村干部选派")


@blp.post("/dispatches")
@blp.roles("unit_hr", "township")
@blp.arguments(DispatchSchema)
@blp.response(201, StartedSchema)
def create_dispatch(args: dict[str, Any]) -> dict[str, Any]:
    """派出单位（人事部门）（第一书记、本单位工作队员）或乡镇（自行补齐的工作队员）提名选派；
    给出 predecessor_cadre_id 即为期满轮换"""
    actor = require_role("unit_hr", "township")
    body: dict[str, Any] = {}
    start_dispatch(actor, args, respond=lambda row: body.update(started_view(row)))
    return body


@blp.post("/dispatch-rounds")
@blp.roles("county", "org_dept")
@blp.arguments(RoundSchema)
@blp.response(201, RoundViewSchema)
def create_dispatch_round(args: dict[str, Any]) -> dict[str, Any]:
    """县驻村工作领导小组或县委组织部发起选派批次（任期、村、岗位）"""
    actor = require_role("county", "org_dept")
    row = create_round(actor, args)
    return round_progress(actor, get_round(row.id))


@blp.get("/dispatch-rounds/<string:round_id>")
@blp.response(200, RoundViewSchema)
def get_dispatch_round(round_id: str) -> dict[str, Any]:
    """选派批次各村各岗位的进度（未提名 / 办理中及所在环节 / 已任职 / 未通过）"""
    return round_progress(authenticate(), get_round(round_id))
