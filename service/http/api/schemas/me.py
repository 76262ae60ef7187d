from marshmallow import fields

from service.http.api.schemas.base import StrictSchema


class RoleGrantSchema(StrictSchema):
    role = fields.String(required=True)
    role_name = fields.String(required=True, metadata={"description": "角色中文名"})
    scope_kind = fields.String(required=True, metadata={"description": "unit | township | cadre | county"})
    scope_id = fields.String(
        required=True, metadata={"description": "/orgs、/cadres 中的 id（county 范围为县级机构 id）"}
    )
    scope_name = fields.String(allow_none=True)


class MeSchema(StrictSchema):
    login = fields.String(required=True)
    display_name = fields.String(required=True)
    roles = fields.List(fields.Nested(RoleGrantSchema), required=True)
