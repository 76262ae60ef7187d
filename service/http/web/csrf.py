"""CSRF protection for every POST of the pages: a per-session token in a hidden form field.

Written here rather than with Flask-WTF: the pages need only this check, not WTForms, and one
dependency less is one thing less to pin. The cookie is also SameSite=Lax (see __init__).
"""

from __future__ import annotations

import hmac
import secrets

from flask import request, session

TOKEN_KEY = "csrf_token"
FIELD = "csrf_token"


class CsrfRefused(Exception):
    """The form carried no token or a wrong one (expired session, forged request)."""


def csrf_token() -> str:
    """The session's token, created on first use (templates call it for the hidden field)."""
    token = session.get(TOKEN_KEY)
    if not token:
        token = secrets.token_urlsafe(32)
        session[TOKEN_KEY] = token
    return token


def check_csrf() -> None:
    """Before every unsafe request of the web blueprint."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    expected = session.get(TOKEN_KEY)
    sent = request.form.get(FIELD, "")
    if not expected or not sent or not hmac.compare_digest(expected, sent):
        raise CsrfRefused()
