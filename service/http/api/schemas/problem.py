"""The error body every API answer other than a success carries (RFC 9457 problem+json)."""

from marshmallow import INCLUDE, Schema, fields


class ProblemSchema(Schema):
    class Meta:
        # Some problems add members of their own (`violations` of a rule check, `retry_after` of
        # a rate limit), as RFC 9457 allows.
        unknown = INCLUDE

    type = fields.String(required=True,
                         metadata={"description": "urn:cadreflow:problem:<slug> 或 about:blank"})
    title = fields.String(required=True, metadata={"description": "中文标题"})
    status = fields.Integer(required=True, metadata={"description": "HTTP 状态码"})
    detail = fields.String(required=True, metadata={"description": "中文说明"})
    errors = fields.Dict(keys=fields.String(), values=fields.List(fields.String()), required=True,
                         metadata={"description": "字段 -> 错误信息（指明每个有误的字段）"})
