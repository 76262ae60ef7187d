"""Server-rendered pages (zh-CN) for approvers, unit HR and auditors: the `web` blueprint.

Pages only read (through the shared query helpers) and translate forms into the command layer's
calls; they never touch the engine or write rows themselves.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, Flask

from service.config import Settings
from service.core.file_types import ACCEPT_ATTRIBUTE, size_text
from service.http.web import csrf, filters
from service.http.web.errors import register_page_errors
from service.queries.access import COVERAGE_ROLES, SUPPORT_ROLES

bp = Blueprint("web", __name__)
bp.before_request(csrf.check_csrf)
register_page_errors(bp)

# The view modules attach their routes to `bp` on import.
from service.http.web import (  # noqa: E402, F401
    assessments,
    attachments,
    audit,
    auth_views,
    calendar,
    coverage,
    dispatches,
    inbox,
    instance,
    leaves,
    migrations,
    modeller,
    party_relations,
    presence,
    printing,
    processes,
    recalls,
    requests,
    roster,
    roster_import,
    signers,
    support,
    task,
    users,
    vendor,
)


def register_web(app: Flask, settings: Settings) -> None:
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.secure_cookies,
        # Flask refuses a cookie signed longer ago than this (31 days by default), on top of the
        # server-side lifetimes of the session row.
        PERMANENT_SESSION_LIFETIME=timedelta(hours=settings.session_max_hours),
    )
    app.register_blueprint(bp)
    app.jinja_env.globals["csrf_token"] = csrf.csrf_token
    app.jinja_env.globals["coverage_roles"] = COVERAGE_ROLES
    app.jinja_env.globals["support_roles"] = SUPPORT_ROLES
    # the file fields' hint and picker filter (the check itself is core/file_types.py's)
    app.jinja_env.globals["attachment_limit"] = size_text(settings.attachment_max_bytes)
    app.jinja_env.globals["attachment_accept"] = ACCEPT_ATTRIBUTE
    filters.install(app)
