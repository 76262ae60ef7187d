"""User administration: accounts, roles with their jurisdictions, passwords, (de)activation."""

from marshmallow import Schema, fields, validate

from service.commands.users_admin.validation import DISPLAY_NAME_MAX, LOGIN_MAX, MAX_ROLES
from service.core.passwords import PASSWORD_MAX
from service.core.principal import ROLES
from service.http.api.schemas.base import StrictSchema
from service.http.pagination import PaginationQuerySchema

ROLE_DESCRIPTION = ("unit_hr 的范围为派出单位 id，township 为乡镇 id，cadre 为干部 id；"
                    "county、org_dept、rrb、auditor、admin 为全县（可省略）")


class RoleInSchema(StrictSchema):
    role = fields.String(required=True, validate=validate.OneOf(ROLES), metadata={"description": "角色"})
    scope_id = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=64),
                             metadata={"description": ROLE_DESCRIPTION})


ROLES_FIELD = {"validate": validate.Length(max=MAX_ROLES),
               "metadata": {"description": "角色及管辖范围（整体替换）"}}


class UserCreateSchema(StrictSchema):
    login = fields.String(required=True, validate=validate.Length(max=LOGIN_MAX),
                          metadata={"description": "登录名：3-64 个小写字母、数字或 _ . -，以字母开头"})
    display_name = fields.String(required=True, validate=validate.Length(max=DISPLAY_NAME_MAX),
                                 metadata={"description": "姓名（显示名称）"})
    roles = fields.List(fields.Nested(RoleInSchema), required=True, **ROLES_FIELD)
    password = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=PASSWORD_MAX),
                             metadata={"description": "初始密码；不填则生成一次性密码，仅在本次响应中返回"})


class UserUpdateSchema(StrictSchema):
    display_name = fields.String(validate=validate.Length(max=DISPLAY_NAME_MAX),
                                 metadata={"description": "姓名（显示名称）"})
    roles = fields.List(fields.Nested(RoleInSchema), **ROLES_FIELD)


class PasswordInSchema(StrictSchema):
    password = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=PASSWORD_MAX),
                             metadata={"description": "新密码；不填则生成一次性密码，仅在本次响应中返回"})
    rotate_token = fields.Boolean(load_default=False, metadata={
        "description": "true：签发新的访问令牌并在响应中返回；false（默认）：吊销访问令牌"})


class UserQuerySchema(PaginationQuerySchema):
    role = fields.String(validate=validate.OneOf(ROLES), metadata={"description": "持有该角色"})
    scope_id = fields.String(validate=validate.Length(max=64),
                             metadata={"description": "在该管辖范围内持有角色"})
    active = fields.Boolean(metadata={"description": "true：在用；false：已停用"})
    q = fields.String(validate=validate.Length(max=100), metadata={"description": "登录名或姓名包含"})


class UserRoleSchema(Schema):
    role = fields.String(required=True)
    role_name = fields.String(required=True)
    scope_kind = fields.String(required=True, metadata={"description": "unit | township | cadre | county"})
    scope_kind_name = fields.String(allow_none=True)
    scope_id = fields.String(required=True)
    scope_name = fields.String(allow_none=True, metadata={"description": "管辖范围的中文名称"})


class UserSchema(Schema):
    login = fields.String(required=True)
    display_name = fields.String(required=True)
    active = fields.Boolean(required=True)
    roles = fields.List(fields.Nested(UserRoleSchema), required=True)
    has_password = fields.Boolean(required=True, metadata={"description": "是否已设置网页登录密码"})
    has_token = fields.Boolean(required=True, metadata={"description": "是否持有访问令牌"})
    token_expires_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime(required=True)


class UserWithPasswordSchema(UserSchema):
    one_time_password = fields.String(allow_none=True, metadata={
        "description": "生成的一次性密码（仅此一次返回，请当面或经安全渠道转交）；自行填写密码时为 null"})


class PasswordSetSchema(UserWithPasswordSchema):
    sessions_ended = fields.Integer(required=True, metadata={"description": "被结束的网页会话数"})
    token = fields.String(allow_none=True,
                          metadata={"description": "新的访问令牌（rotate_token 时，仅此一次返回）"})


class DeactivatedSchema(UserSchema):
    released_tasks = fields.List(fields.String(), required=True,
                                 metadata={"description": "被释放认领、退回待认领的任务 id"})
    sessions_ended = fields.Integer(required=True)
