"""GET /api/v1/health: liveness of the service, its database and the timer scheduler."""

from __future__ import annotations

import logging
from typing import Any

import sqlalchemy as sa

from service.http.api.blueprint import Blueprint
from service.http.api.schemas.health import HealthSchema
from service.persistence.db import db
from service.timers.scheduler_status import scheduler_status

log = logging.getLogger(__name__)

blp = Blueprint("health", __name__, url_prefix="/api/v1", description="健康检查")


@blp.get("/health")
@blp.response(200, HealthSchema)
@blp.alt_response(503, schema=HealthSchema, description="数据库不可用")
@blp.doc(security=[])
def health() -> tuple[dict[str, Any], int]:
    """服务健康状态（无需令牌）"""
    try:
        db.session.execute(sa.text("SELECT 1"))
        database = "ok"
    except sa.exc.SQLAlchemyError:
        log.exception("health check: database unreachable")
        db.session.rollback()
        database = "error"
    body = {
        "status": "ok" if database == "ok" else "degraded",
        "database": database,
        "scheduler": scheduler_status(),
    }
    return body, (200 if database == "ok" else 503)
