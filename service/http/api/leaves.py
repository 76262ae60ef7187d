"""POST /leaves (请假, the cadre's own) and GET /leaves (the leaves of the cases the caller may see)."""

from __future__ import annotations

from typing import Any

from service.commands.leaves import request_leave
from service.http.api.blueprint import Blueprint
from service.http.api.schemas.adjustments import StartedSchema
from service.http.api.schemas.presence import LeaveItemSchema, LeaveQuerySchema, LeaveSchema
from service.http.auth import authenticate, require_role
from service.http.pagination import page_schema, paginate
from service.queries.instances import started_view
from service.queries.presence import leave_items, visible_leaves_statement

blp = Blueprint("leaves", __name__, url_prefix="/api/v1", description="驻村干部请假与销假")


@blp.post("/leaves")
@blp.roles("cadre")
@blp.arguments(LeaveSchema)
@blp.response(201, StartedSchema)
@blp.alt_response(422, description="日期、类别或事由有误，或与本人已有的请假（审批中或已准假）日期重叠："
                  "errors 指明字段（start_date、end_date 等）")
def create_leave(args: dict[str, Any]) -> dict[str, Any]:
    """驻村干部本人请假：乡镇审批，超过规定工作日数的再报县驻村工作领导小组；假期最后一天起本人销假"""
    actor = require_role("cadre")
    body: dict[str, Any] = {}
    request_leave(actor, args, respond=lambda row: body.update(started_view(row)))
    return body


@blp.get("/leaves")
@blp.arguments(LeaveQuerySchema, location="query")
@blp.response(200, page_schema(LeaveItemSchema))
def list_leaves(args: dict[str, Any]) -> dict[str, Any]:
    """请假记录（按开始日期，最新在前），只含可查看的流程实例的"""
    page = paginate(visible_leaves_statement(authenticate(), args), args["page"], args["per_page"])
    page["items"] = leave_items(page["items"])
    return page
