"""加签 and 抄送 request and response bodies."""

from marshmallow import Schema, fields, validate

from service.http.api.schemas.base import StrictSchema


class AddSignerSchema(StrictSchema):
    login = fields.String(required=True, metadata={"description": "加签人登录名（须为有效用户）"})
    mode = fields.String(required=True, metadata={"description": "before：前加签；after：后加签"})
    reason = fields.String(allow_none=True, metadata={"description": "加签说明"})
    decision = fields.String(allow_none=True, metadata={"description": "后加签时本人的决定"})
    comment = fields.String(allow_none=True, metadata={"description": "后加签时本人的意见"})


class SignSchema(StrictSchema):
    decision = fields.String(required=True, metadata={"description": "approve：同意；reject：不同意"})
    comment = fields.String(allow_none=True)


class SignerSchema(Schema):
    id = fields.Integer()
    task_id = fields.String()
    instance_id = fields.String()
    login = fields.String()
    mode = fields.String()
    status = fields.String()
    added_by = fields.String()
    decision = fields.String(allow_none=True)
    comment = fields.String(allow_none=True)
    task_completed = fields.Boolean()


class CopySchema(StrictSchema):
    logins = fields.List(fields.String(), required=True, validate=validate.Length(min=1),
                         metadata={"description": "抄送人登录名"})
    note = fields.String(allow_none=True)


class CopiedSchema(Schema):
    instance_id = fields.String()
    added = fields.List(fields.String())
