"""/users: user administration (admin; the Organization Department for the accounts of the
county's units, townships and cadres). Passwords and tokens leave only once, in the answer that
made them."""

from __future__ import annotations

from typing import Any

from service.commands.users_admin import (
    NewUser,
    create_user,
    deactivate_user,
    reactivate_user,
    set_user_password,
    update_user,
)
from service.core.errors import NotFound
from service.core.passwords import generate_password
from service.http.api.blueprint import Blueprint
from service.http.api.schemas.users import (
    DeactivatedSchema,
    PasswordInSchema,
    PasswordSetSchema,
    UserCreateSchema,
    UserQuerySchema,
    UserSchema,
    UserUpdateSchema,
    UserWithPasswordSchema,
)
from service.http.auth import authenticate
from service.http.pagination import page_schema, paginate
from service.persistence.models import User
from service.queries.users import UserFilter, user_items, users_statement, visible_user

blp = Blueprint("users", __name__, url_prefix="/api/v1", description="用户管理")
MANAGERS = ("admin", "org_dept")
SOURCE = "api"


def _item(user: User) -> dict[str, Any]:
    return user_items([user])[0]


@blp.get("/users")
@blp.roles(*MANAGERS)
@blp.arguments(UserQuerySchema, location="query")
@blp.response(200, page_schema(UserSchema))
def list_users(args: dict[str, Any]) -> dict[str, Any]:
    """用户列表（可按角色、管辖范围、是否在用筛选）"""
    wanted = UserFilter(role=args.get("role"), scope_id=args.get("scope_id"), active=args.get("active"),
                        text=(args.get("q") or "").strip() or None)
    page = paginate(users_statement(authenticate(), wanted), args["page"], args["per_page"])
    return {**page, "items": user_items(page["items"])}


@blp.post("/users")
@blp.roles(*MANAGERS)
@blp.arguments(UserCreateSchema)
@blp.response(201, UserWithPasswordSchema)
@blp.alt_response(409, description="登录名已被使用")
def post_user(args: dict[str, Any]) -> dict[str, Any]:
    """创建用户；不填密码时生成一次性密码，仅在本响应中返回"""
    generated = generate_password() if args.get("password") is None else None
    user = create_user(authenticate(), NewUser(args["login"], args["display_name"], args["roles"],
                                               args.get("password") or generated), SOURCE)
    return {**_item(user), "one_time_password": generated}


@blp.get("/users/<string:login>")
@blp.roles(*MANAGERS)
@blp.response(200, UserSchema)
def get_user(login: str) -> dict[str, Any]:
    """用户详情"""
    user = visible_user(authenticate(), login)
    if user is None:
        raise NotFound(f"用户 {login} 不存在。")
    return _item(user)


@blp.patch("/users/<string:login>")
@blp.roles(*MANAGERS)
@blp.arguments(UserUpdateSchema)
@blp.response(200, UserSchema)
@blp.alt_response(409, description="会使系统失去最后一个有效的系统管理员")
def patch_user(args: dict[str, Any], login: str) -> dict[str, Any]:
    """修改姓名或角色（roles 整体替换）"""
    user = update_user(authenticate(), login, display_name=args.get("display_name"),
                       roles=args.get("roles"), source=SOURCE)
    return _item(user)


@blp.post("/users/<string:login>/password")
@blp.roles(*MANAGERS)
@blp.arguments(PasswordInSchema)
@blp.response(200, PasswordSetSchema)
def post_password(args: dict[str, Any], login: str) -> dict[str, Any]:
    """重置密码：结束该用户的全部网页会话，吊销（或重新签发）访问令牌"""
    generated = generate_password() if args.get("password") is None else None
    result = set_user_password(authenticate(), login, args.get("password") or generated or "", source=SOURCE,
                               rotate_token=args["rotate_token"])
    return {**_item(result.user), "one_time_password": generated, "sessions_ended": result.sessions_ended,
            "token": result.token}


@blp.post("/users/<string:login>/deactivate")
@blp.roles(*MANAGERS)
@blp.response(200, DeactivatedSchema)
@blp.alt_response(409, description="最后一个有效的系统管理员，或停用自己")
def post_deactivate(login: str) -> dict[str, Any]:
    """停用用户：不能再登录或使用访问令牌，其已认领的待办任务退回待认领"""
    result = deactivate_user(authenticate(), login, source=SOURCE)
    return {**_item(result.user), "released_tasks": result.released_tasks,
            "sessions_ended": result.sessions_ended}


@blp.post("/users/<string:login>/reactivate")
@blp.roles(*MANAGERS)
@blp.response(200, UserSchema)
def post_reactivate(login: str) -> dict[str, Any]:
    """重新启用用户（可用原密码登录；访问令牌须重新签发）"""
    return _item(reactivate_user(authenticate(), login, source=SOURCE))
