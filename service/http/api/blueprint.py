"""The Blueprint every API module uses: query strings are validated strictly (unknown -> 422),
and the caller is authenticated (401) and, where a view names its roles, authorised (403) before
its arguments are parsed, so a request without a valid token is 401 whatever its body holds."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, NoReturn, TypeVar

import flask_smorest
from flask import Request, current_app, request
from webargs.core import missing
from webargs.flaskparser import FlaskParser, is_json_request

from service.core.errors import ValidationFailed
from service.http.api.schemas.problem import ProblemSchema
from service.http.auth import authenticate, require_role
from service.http.input_guard import check_json, parse_bounded_int, refuse
from service.http.problems import PROBLEM_MIMETYPE

F = TypeVar("F", bound=Callable[..., Any])

ROLES_ATTR = "_cadreflow_roles"


class _NotAJsonNumber(ValueError):
    def __init__(self, token: str) -> None:
        super().__init__(f"{token} 不是 JSON 数值")
        self.token = token


def _refuse_constant(token: str) -> Any:
    raise _NotAJsonNumber(token)


class StrictParser(FlaskParser):
    # webargs ignores unknown query parameters by default; the contract rejects unknown fields,
    # so every location defers to the schema's Meta.unknown (RAISE in our schemas).
    DEFAULT_UNKNOWN_BY_LOCATION = {
        **FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION,
        "query": None,
        "querystring": None,
        "form": None,
        "files": None,
    }

    def _raw_load_json(self, req: Request) -> Any:
        """The body as JSON, refusing NaN and Infinity: Python's parser accepts them, but they are
        not JSON, no database column keeps them, and no history event can be hashed over them."""
        if not is_json_request(req):
            return missing
        try:
            text = req.get_data(cache=True).decode("utf-8")
        except UnicodeDecodeError as err:
            raise refuse("json", "请求体不是 UTF-8 编码") from err
        try:
            body = json.loads(text, parse_constant=_refuse_constant, parse_int=parse_bounded_int)
        except _NotAJsonNumber as err:
            raise json.JSONDecodeError(str(err), text, max(text.find(err.token), 0)) from err
        except RecursionError as err:
            raise refuse("json", "嵌套层数过多") from err
        except ValueError as err:
            if isinstance(err, json.JSONDecodeError):
                raise
            raise refuse("json", str(err)) from err
        check_json(body)
        return body

    def _handle_invalid_json_error(self, error: Exception, req: Request, *args: Any,
                                   **kwargs: Any) -> NoReturn:
        raise ValidationFailed("请求体不是合法的 JSON。", status=400,
                               errors={"json": [f"请求体不是合法的 JSON：{error}"]})


def _apidoc(view: Callable[..., Any]) -> dict[str, Any]:
    return getattr(view, "_apidoc", {}) or {}


def _is_public(view: Callable[..., Any]) -> bool:
    """Views documented with `@blp.doc(security=[])` need no token (e.g. /health)."""
    return _apidoc(view).get("manual_doc", {}).get("security") == []


def _takes_query(view: Callable[..., Any]) -> bool:
    parameters = _apidoc(view).get("arguments", {}).get("parameters", [])
    return any(p.get("in") in ("query", "querystring") for p in parameters)


def _before_view() -> None:
    view = current_app.view_functions.get(request.endpoint or "")
    if view is None:
        return
    if not _is_public(view):
        roles = getattr(view, ROLES_ATTR, None)
        if roles:
            require_role(*roles)
        else:
            authenticate()
    if request.args and not _takes_query(view):
        unknown = sorted(request.args)
        raise ValidationFailed("以下查询参数未知：" + "、".join(unknown),
                               errors={name: ["未知字段。"] for name in unknown})


class Blueprint(flask_smorest.Blueprint):
    ARGUMENTS_PARSER = StrictParser()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.before_request(_before_view)

    def arguments(self, schema: Any, *args: Any, **kwargs: Any) -> Callable[[F], F]:
        """As flask-smorest's, with the schema instantiated once here: webargs would build a new
        instance of a schema class on every request, a cost each request would pay for nothing."""
        return super().arguments(schema() if isinstance(schema, type) else schema, *args, **kwargs)

    def alt_response(self, status_code: int, response: Any = None, **kwargs: Any) -> Callable[[F], F]:
        """As flask-smorest's, with an error status documented as the problem+json it answers
        unless the view names another body (e.g. /health's 503)."""
        if int(status_code) >= 400 and response is None and kwargs.get("schema") is None:
            kwargs.update(schema=ProblemSchema, content_type=PROBLEM_MIMETYPE)
        return super().alt_response(status_code, response, **kwargs)

    @staticmethod
    def roles(*roles: str) -> Callable[[F], F]:
        """Only callers holding one of `roles` get past the auth check (403 before validation).
        Place it between the route decorator and `@blp.arguments`."""

        def mark(func: F) -> F:
            setattr(func, ROLES_ATTR, tuple(roles))
            return func

        return mark
