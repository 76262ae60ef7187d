"""Every error leaves as application/problem+json (RFC 9457): {type, title, status, detail, errors}."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import Any

from flask import Flask, Response, current_app, has_request_context, json, request
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from service.core.errors import DETAILS, TITLES, ApiError

log = logging.getLogger(__name__)

PROBLEM_MIMETYPE = "application/problem+json"


def problem(
    status: int,
    *,
    detail: str | None = None,
    title: str | None = None,
    errors: Mapping[str, list[str]] | None = None,
    slug: str | None = None,
    headers: Mapping[str, str] | None = None,
    extra: Mapping[str, Any] | None = None,
) -> Response:
    body: dict[str, Any] = {
        "type": f"urn:cadreflow:problem:{slug}" if slug else "about:blank",
        "title": title or TITLES.get(status, "错误"),
        "status": status,
        "detail": detail if detail is not None else DETAILS.get(status, ""),
        "errors": {k: list(v) for k, v in (errors or {}).items()},
    }
    body.update(extra or {})
    response = current_app.response_class(
        json.dumps(body, ensure_ascii=False), status=status, mimetype=PROBLEM_MIMETYPE
    )
    for name, value in (headers or {}).items():
        response.headers[name] = value
    if status == 401:
        response.headers.setdefault("WWW-Authenticate", 'Bearer realm="cadreflow"')
    return response


def flatten_messages(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """marshmallow/webargs messages ({location: {field: [...] | {nested}}}) -> {"a.b": [msg]}."""
    flat: dict[str, list[str]] = {}
    if isinstance(messages, Mapping):
        for key, value in messages.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            for field, msgs in flatten_messages(value, name).items():
                flat.setdefault(field, []).extend(msgs)
    elif isinstance(messages, list | tuple) and all(isinstance(m, str) for m in messages):
        flat[prefix or "_schema"] = [_translate(m) for m in messages]
    elif isinstance(messages, list | tuple):
        for item in messages:
            for field, msgs in flatten_messages(item, prefix).items():
                flat.setdefault(field, []).extend(msgs)
    else:
        flat[prefix or "_schema"] = [_translate(str(messages))]
    return flat


_LOCATIONS = {
    "json", "query", "querystring", "form", "files", "headers", "cookies", "json_or_form", "view_args",
}

# marshmallow's stock messages, in the language of the people reading them.
_MESSAGES_ZH = {
    "Unknown field.": "未知字段。",
    "Missing data for required field.": "缺少必填字段。",
    "Field may not be null.": "字段不能为空（null）。",
    "Not a valid integer.": "不是有效的整数。",
    "Not a valid string.": "不是有效的字符串。",
    "Not a valid boolean.": "不是有效的布尔值。",
    "Not a valid date.": "不是有效的日期（YYYY-MM-DD）。",
    "Not a valid datetime.": "不是有效的时间（ISO 8601）。",
    "Not a valid list.": "不是有效的列表。",
    "Invalid input type.": "输入类型无效。",
    "Invalid value.": "取值无效。",
    "Shorter than minimum length 1.": "不能为空。",
}


_RANGE = re.compile(
    r"^Must be (?:greater than or equal to (?P<min>\S+?))?(?: and )?"
    r"(?:less than or equal to (?P<max>\S+?))?\.$"
)


def _translate(message: str) -> str:
    if message in _MESSAGES_ZH:
        return _MESSAGES_ZH[message]
    if message.startswith("Must be one of: "):
        return "必须是以下之一：" + message[len("Must be one of: "):]
    match = _RANGE.match(message)
    if match and (match["min"] or match["max"]):
        parts = []
        if match["min"]:
            parts.append(f"不小于 {match['min']}")
        if match["max"]:
            parts.append(f"不大于 {match['max']}")
        return "必须" + "且".join(parts) + "。"
    return message


def _validation_errors(error: HTTPException) -> dict[str, list[str]] | None:
    data = getattr(error, "data", None)
    if not isinstance(data, Mapping) or "messages" not in data:
        return None
    messages = data["messages"]
    # webargs nests by location ({"json": {...}}); the location is not part of the field name.
    if isinstance(messages, Mapping) and set(messages) <= _LOCATIONS:
        merged: dict[str, list[str]] = {}
        for location_messages in messages.values():
            for field, msgs in flatten_messages(location_messages).items():
                merged.setdefault(field, []).extend(msgs)
        return merged
    return flatten_messages(messages)


def handle_http_exception(error: HTTPException) -> Response:
    status = error.code or 500
    errors = _validation_errors(error)
    headers = {
        name: value for name, value in error.get_headers() if name.lower() not in {"content-type"}
    }
    detail = None
    data = getattr(error, "data", None)
    if isinstance(data, Mapping) and isinstance(data.get("message"), str):
        detail = data["message"]
    elif error.description and error.description != type(error).description:
        detail = error.description  # abort(404, "某某不存在")
    if errors:
        fields = "、".join(sorted(errors))
        detail = detail if detail and not detail.isascii() else f"以下字段未通过校验：{fields}"
        return problem(status, detail=detail, errors=errors, slug="validation-error", headers=headers)
    if status == 413:
        # the request's own cap: larger for the views that take attachments (http/files.py)
        limit = request.max_content_length if has_request_context() else current_app.config.get(
            "MAX_CONTENT_LENGTH")
        detail = f"请求内容超过上限（{limit} 字节）。" if limit else None
    if detail is not None and detail.isascii():
        detail = None  # werkzeug's English defaults: use the Chinese ones
    return problem(status, detail=detail, headers=headers)


def handle_api_error(error: ApiError) -> Response:
    return problem(
        error.status,
        detail=error.detail,
        title=error.title,
        errors=error.errors,
        slug=error.slug,
        extra=error.extra,
    )


def handle_stale_data(error: StaleDataError) -> Response:
    return problem(409, detail="数据已被他人修改（版本号已变化），请刷新后重试。", slug="stale-revision")


def handle_unexpected(error: Exception) -> Response:
    log.exception("unhandled error", exc_info=error)
    return problem(500)


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(ApiError, handle_api_error)
    app.register_error_handler(StaleDataError, handle_stale_data)
    app.register_error_handler(Exception, handle_unexpected)
