"""Bearer-token authentication of API requests and the role check of an endpoint."""

from __future__ import annotations

from flask import g, request

from service.core.errors import Forbidden, Unauthorized
from service.core.principal import Principal
from service.queries.principals import principal_for_token


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
    principal = principal_for_token(token)
    if principal is None:
        raise Unauthorized("访问令牌无效或已停用。")
    g.principal = principal
    return principal


def require_role(*roles: str) -> Principal:
    """The caller if it holds one of `roles`, else 403 (401 without a valid token)."""
    principal = authenticate()
    if not principal.has_role(*roles):
        names = "、".join(roles)
        raise Forbidden(f"此操作需要以下角色之一：{names}。")
    return principal
