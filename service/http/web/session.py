"""Session login for the pages: who is signed in, sign in / out, and the login_required guard.

The session cookie only holds the login; roles and scopes are read from the database on every
request, so a revoked role or a deactivated user takes effect at once.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar, cast

from flask import g, redirect, request, session, url_for

from service.core.errors import Forbidden
from service.core.principal import Principal
from service.persistence.db import db
from service.persistence.models import User

F = TypeVar("F", bound=Callable[..., Any])
LOGIN_KEY = "login"


def sign_in(user: User) -> None:
    # A fresh session on login: a session id or CSRF token planted before login is not kept.
    session.clear()
    session[LOGIN_KEY] = user.login


def sign_out() -> None:
    session.clear()


def current_principal() -> Principal | None:
    if "web_principal" in g:
        return g.web_principal
    login = session.get(LOGIN_KEY)
    user = db.session.get(User, login) if login else None
    principal = Principal.from_user(user) if user is not None and user.active else None
    g.web_principal = principal
    return principal


def require_principal() -> Principal:
    principal = current_principal()
    if principal is None:
        raise Forbidden("请先登录。")
    return principal


def login_required(fn: F) -> F:
    """Send anonymous visitors to the login page, coming back here afterwards."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if current_principal() is None:
            return redirect(url_for("web.login", next=request.full_path.rstrip("?")))
        return fn(*args, **kwargs)

    return cast(F, wrapper)  # functools.wraps keeps fn's signature


def roles_required(*roles: str) -> Callable[[F], F]:
    """login_required plus: the user holds one of `roles`, else the 403 page."""

    def decorator(fn: F) -> F:
        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            principal = current_principal()
            if principal is None:
                return redirect(url_for("web.login", next=request.full_path.rstrip("?")))
            if not principal.has_role(*roles):
                raise Forbidden("当前用户没有访问此页面的角色。")
            return fn(*args, **kwargs)

        return login_required(cast(F, wrapper))

    return decorator
