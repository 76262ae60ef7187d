"""/notifications: the caller's notifications (paginated, ?unread=true) and marking one read."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from service.commands.notifications import mark_read
from service.core.labels import NOTIFICATION_KIND_NAMES
from service.http.api.blueprint import Blueprint
from service.http.api.schemas.notifications import NotificationQuerySchema, NotificationSchema
from service.http.auth import authenticate
from service.http.pagination import page_schema, paginate
from service.persistence.models import Notification

blp = Blueprint("notifications", __name__, url_prefix="/api/v1", description="通知（催办、督办、逾期提醒）")

def item(row: Notification) -> dict[str, Any]:
    return {"id": row.id, "kind": row.kind, "kind_name": NOTIFICATION_KIND_NAMES.get(row.kind, row.kind),
            "message": row.message, "instance_id": row.instance_id, "task_id": row.task_id,
            "created_at": row.created_at, "read_at": row.read_at}


@blp.get("/notifications")
@blp.arguments(NotificationQuerySchema, location="query")
@blp.response(200, page_schema(NotificationSchema))
def list_notifications(args: dict[str, Any]) -> dict[str, Any]:
    """本人的通知，最新在前；unread=true 只看未读"""
    principal = authenticate()
    stmt = sa.select(Notification).where(Notification.login == principal.login)
    if args["unread"]:
        stmt = stmt.where(Notification.read_at.is_(None))
    page = paginate(stmt.order_by(Notification.created_at.desc(), Notification.id.desc()),
                    args["page"], args["per_page"])
    page["items"] = [item(row) for row in page["items"]]
    return page


@blp.post("/notifications/<int:notification_id>/read")
@blp.response(200, NotificationSchema)
def read_notification(notification_id: int) -> dict[str, Any]:
    """标记为已读（只能标记本人的通知）"""
    return item(mark_read(authenticate(), notification_id))
