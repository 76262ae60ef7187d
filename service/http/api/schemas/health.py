from marshmallow import fields

from service.http.api.schemas.base import StrictSchema


class HealthSchema(StrictSchema):
    status = fields.String(required=True, metadata={"description": "ok | degraded"})
    database = fields.String(required=True, metadata={"description": "ok | error"})
    scheduler = fields.Dict(required=True, metadata={"description": "定时器服务状态，至少含 running"})
