"""Per-request hooks: request id, one JSON access line and the request/command metrics."""

from __future__ import annotations

import logging
import re
import time
import uuid

from flask import Flask, Response, g, request, session

from service.observability.logs import access_logger
from service.observability.metrics import COMMAND_METHODS, COMMAND_SECONDS, REQUEST_SECONDS, REQUESTS

REQUEST_ID_HEADER = "X-Request-Id"
# A caller's id is kept only when it is short and plain: it ends up in log lines and headers.
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
UNMATCHED_ROUTE = "<unmatched>"


def incoming_request_id(raw: str | None) -> str:
    if raw and _VALID_REQUEST_ID.match(raw):
        return raw
    return uuid.uuid4().hex


def _route() -> str:
    # The rule template (/api/v1/tasks/<string:task_id>), never the raw path: ids would explode
    # the number of metric series.
    rule = request.url_rule
    return rule.rule if rule is not None else UNMATCHED_ROUTE


def _user_login() -> str | None:
    principal = g.get("principal") or g.get("web_principal")
    if principal is not None:
        return principal.login
    # Pages: the session names the login even when the page did not load the principal.
    login = session.get("login") if request.cookies else None
    return login if isinstance(login, str) else None


def _before() -> None:
    g.request_id = incoming_request_id(request.headers.get(REQUEST_ID_HEADER))
    g.request_started = time.perf_counter()


def _after(response: Response) -> Response:
    started = g.get("request_started")
    if started is None:  # a hook before ours failed; nothing to measure
        return response
    elapsed = time.perf_counter() - started
    route = _route()
    method = request.method
    status = response.status_code
    response.headers[REQUEST_ID_HEADER] = g.request_id
    REQUESTS.labels(method, route, str(status)).inc()
    REQUEST_SECONDS.labels(method, route).observe(elapsed)
    if method in COMMAND_METHODS:
        COMMAND_SECONDS.labels(route, "ok" if status < 400 else "error").observe(elapsed)
    access_logger().log(
        logging.WARNING if status >= 500 else logging.INFO,
        "request",
        extra={
            "request_id": g.request_id,
            "method": method,
            "path": request.path,
            "route": route,
            "status": status,
            "duration_ms": round(elapsed * 1000, 2),
            "user": _user_login(),
        },
    )
    return response


def install_request_hooks(app: Flask) -> None:
    app.before_request(_before)
    app.after_request(_after)
