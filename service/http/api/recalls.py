"""POST /recalls: open a recall case."""

from __future__ import annotations

from typing import Any

from service.commands import open_recall
from service.commands.recalls import RECALL_ROLES
from service.http.api.blueprint import Blueprint
from service.http.api.schemas.adjustments import StartedSchema
from service.http.api.schemas.recalls import RecallSchema
from service.http.auth import require_role
from service.queries.instances import started_view

blp = Blueprint("recalls", __name__, url_prefix="/api/v1", description="召回")


@blp.post("/recalls")
@blp.roles(*RECALL_ROLES)
@blp.arguments(RecallSchema)
@blp.response(201, StartedSchema)
def create_recall(args: dict[str, Any]) -> dict[str, Any]:
    """启动召回案件（县委组织部、县乡村振兴局、县驻村工作领导小组）"""
    actor = require_role(*RECALL_ROLES)
    return started_view(open_recall(actor, args))
