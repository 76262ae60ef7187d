"""POST /adjustments: unit HR submits a mid-term replacement request."""

from __future__ import annotations

from typing import Any

from service.commands import submit_adjustment
from service.http.api.blueprint import Blueprint
from service.http.api.schemas.adjustments import AdjustmentSchema, StartedSchema
from service.http.auth import require_role
from service.queries.instances import started_view

blp = Blueprint("adjustments", __name__, url_prefix="/api/v1", description="中途调整申请")


@blp.post("/adjustments")
@blp.roles("unit_hr")
@blp.arguments(AdjustmentSchema)
@blp.response(201, StartedSchema)
def create_adjustment(args: dict[str, Any]) -> dict[str, Any]:
    """派出单位（人事部门）提出驻村干部中途调整申请"""
    actor = require_role("unit_hr")
    body: dict[str, Any] = {}
    # built in the command's transaction: after the commit its rows would be read again in another
    submit_adjustment(actor, args, respond=lambda row: body.update(started_view(row)))
    return body
