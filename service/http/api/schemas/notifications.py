"""Notifications (in-app list, mark read) and urging a task (催办)."""

from marshmallow import Schema, fields, validate

from service.core.text_limits import MESSAGE
from service.http.api.schemas.base import StrictSchema
from service.http.pagination import PaginationQuerySchema


class NotificationQuerySchema(PaginationQuerySchema):
    unread = fields.Boolean(load_default=False, metadata={"description": "true：只看未读"})


class NotificationSchema(Schema):
    id = fields.Integer(required=True)
    kind = fields.String(required=True, metadata={"description": "reminder | escalation | urge | deadline"})
    kind_name = fields.String()
    message = fields.String(required=True)
    instance_id = fields.String(allow_none=True)
    task_id = fields.String(allow_none=True)
    created_at = fields.DateTime(required=True)
    read_at = fields.DateTime(allow_none=True)


class UrgeSchema(StrictSchema):
    message = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=MESSAGE),
                            metadata={"description": "附言（可选）"})


class UrgedSchema(Schema):
    task_id = fields.String(required=True)
    instance_id = fields.String(required=True)
    notified = fields.List(fields.String(), required=True, metadata={"description": "被提醒的用户"})
    urged_at = fields.DateTime(required=True)
