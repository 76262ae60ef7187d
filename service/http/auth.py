"""Bearer-token authentication of API requests and the role check of an endpoint."""

from __future__ import annotations

from flask import g, request

from service.config import get_settings
from service.core.clock import now
from service.core.errors import Forbidden, Unauthorized
from service.core.principal import Principal
from service.queries.principals import token_holder


def _bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def authenticate() -> Principal:
    """The caller of this request, or 401. Cached on flask.g for the request."""
    cached = g.get("principal")
    if cached is not None:
        return cached
    token = _bearer_token()
    if token is None:
        raise Unauthorized("缺少访问令牌：请在请求头中提供 Authorization: Bearer <token>。")
    holder = token_holder(token)
    if holder is None:
        raise Unauthorized("访问令牌无效或已停用。")
    if holder.expired(now()):
        # Only the token's holder can get here, so saying when it expired tells nobody else anything.
        when = (f"已于 {holder.expires_at.astimezone(get_settings().tz):%Y-%m-%d %H:%M} 过期"
                if holder.expires_at is not None else "已过期")
        raise Unauthorized(f"访问令牌{when}，请联系管理员签发新令牌（cadreflow users token rotate）。")
    g.principal = holder.principal
    return holder.principal


def require_role(*roles: str) -> Principal:
    """The caller if it holds one of `roles`, else 403 (401 without a valid token)."""
    principal = authenticate()
    if not principal.has_role(*roles):
        names = "、".join(roles)
        raise Forbidden(f"此操作需要以下角色之一：{names}。")
    return principal
