"""/audit: raw hash-chained events, verification (chain + replay), the instance at a past moment.

Auditors see everything here. Admins may run /verify (a yes/no on integrity, no personal data)
but not read raw events or past states: operators do not audit themselves.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from service.audit import InstanceNotStarted, state_at, verify_instance
from service.core.errors import NotFound, ValidationFailed
from service.http.api.blueprint import Blueprint
from service.http.api.schemas.audit import (
    AuditEventSchema,
    AuditEventsQuerySchema,
    StateAtSchema,
    StateQuerySchema,
    VerifySchema,
)
from service.http.auth import require_role
from service.http.pagination import page_schema, paginate
from service.persistence.db import db
from service.persistence.models import HistoryEvent, ProcessInstance

blp = Blueprint("audit", __name__, url_prefix="/api/v1/audit", description="审计：历史事件、校验、时点状态")

AUDITORS = ("auditor",)
VERIFIERS = ("auditor", "admin")


def _existing(instance_id: str) -> ProcessInstance:
    row = db.session.get(ProcessInstance, instance_id)
    if row is None:
        raise NotFound(f"流程实例 {instance_id} 不存在。")
    return row


@blp.get("/instances/<string:instance_id>/events")
@blp.roles(*AUDITORS)
@blp.arguments(AuditEventsQuerySchema, location="query")
@blp.response(200, page_schema(AuditEventSchema))
def events(args: dict[str, Any], instance_id: str) -> dict[str, Any]:
    """实例的原始历史事件（哈希链，按序号）"""
    require_role(*AUDITORS)
    row = _existing(instance_id)
    stmt = sa.select(HistoryEvent).where(HistoryEvent.instance_id == row.id).order_by(HistoryEvent.seq)
    return paginate(stmt, args["page"], args["per_page"])


@blp.get("/instances/<string:instance_id>/verify")
@blp.response(200, VerifySchema)
def verify(instance_id: str) -> dict[str, Any]:
    """校验哈希链并重放，报告第一条有问题的事件序号"""
    require_role(*VERIFIERS)
    _existing(instance_id)
    return verify_instance(instance_id).as_dict()


@blp.get("/instances/<string:instance_id>/state")
@blp.roles(*AUDITORS)
@blp.arguments(StateQuerySchema, location="query")
@blp.response(200, StateAtSchema)
def state(args: dict[str, Any], instance_id: str) -> dict[str, Any]:
    """实例在某一时刻的状态：状态、待办任务及可办理者、定时器、数据（由重放得出）"""
    require_role(*AUDITORS)
    _existing(instance_id)
    try:
        return state_at(instance_id, args["at"])
    except InstanceNotStarted as err:
        raise ValidationFailed(f"{err}。", errors={"at": [f"{err}（早于第一条历史事件）"]}) from err
