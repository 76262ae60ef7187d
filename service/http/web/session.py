"""Session login for the pages: who is signed in, sign in / out, and the login_required guard.

The session cookie holds a random session id; the session itself is a row on the server
(service/commands/web_sessions.py), checked on every request for its idle and absolute lifetimes
and deleted at sign-out, so a copied cookie stops working then. Roles and scopes are read from the
database on every request too, so a revoked role or a deactivated user takes effect at once.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar, cast

from flask import g, redirect, request, session, url_for

from service.commands.web_sessions import close_session, open_session, resume_session
from service.core.errors import Forbidden
from service.core.principal import Principal
from service.persistence.db import db
from service.persistence.models import User

F = TypeVar("F", bound=Callable[..., Any])
SESSION_ID_KEY = "sid"
# The login, for the access log only (observability/requests.py): who is signed in comes from the
# session row, never from this.
LOGIN_KEY = "login"


def sign_in(user: User) -> None:
    # A fresh session on login: a session id or CSRF token planted before login is not kept.
    session.clear()
    session[SESSION_ID_KEY] = open_session(user.login)
    session[LOGIN_KEY] = user.login


def sign_out() -> None:
    session_id = session.get(SESSION_ID_KEY)
    if isinstance(session_id, str):
        close_session(session_id)
    session.clear()


def current_principal() -> Principal | None:
    if "web_principal" in g:
        return g.web_principal
    session_id = session.get(SESSION_ID_KEY)
    login = resume_session(session_id) if isinstance(session_id, str) and session_id else None
    if login is None:
        # Signed out, expired, or a cookie from before sessions were kept on the server: forget it.
        session.pop(SESSION_ID_KEY, None)
        session.pop(LOGIN_KEY, None)
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
