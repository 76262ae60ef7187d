"""Process definitions: list, upload, start."""

from marshmallow import Schema, fields

from service.http.api.schemas.base import StrictSchema
from service.http.pagination import PaginationQuerySchema


class DefinitionSchema(Schema):
    id = fields.Integer(required=True)
    key = fields.String(required=True)
    version = fields.Integer(required=True)
    name = fields.String(required=True)
    content_hash = fields.String(required=True)
    files = fields.List(fields.String(), required=True, metadata={"description": "文件名"})
    deployed_at = fields.DateTime(required=True)
    deployed_by = fields.String(allow_none=True)
    latest = fields.Boolean(required=True, metadata={"description": "是否为该流程的最新版本"})
    created = fields.Boolean(metadata={"description": "上传时：是否产生了新版本（内容相同则沿用）"})
    warnings = fields.List(fields.String(), required=True, metadata={
        "description": "部署时按默认补全的内容，每条一句，指明元素（如按泳道确定的办理角色、"
                       "默认的决定与办理范围、直接通过的普通任务）"})


class DefinitionQuerySchema(PaginationQuerySchema):
    key = fields.String()


class UploadSchema(Schema):
    files = fields.Raw(metadata={"type": "string", "format": "binary"}, required=True)


class StartSchema(StrictSchema):
    data = fields.Dict(keys=fields.String(), required=True, metadata={"description": "流程启动数据"})
    business_key = fields.String(allow_none=True, load_default=None)
