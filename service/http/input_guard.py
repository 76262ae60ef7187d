"""What no request may carry, refused at the boundary with a 400 before anything reads it.

- NUL characters: PostgreSQL text cannot hold them (the statement would fail late, as a 500);
- lone surrogates: not text in any encoding, so no column or history event can keep them;
- JSON nested deeper than a person's data ever is, or integers longer than any id or count:
  Python's parser would raise RecursionError or refuse the digits itself, late and as a 500;
- the same integers in a path (`/notifications/<id>`, `/calendar/years/<year>`): the database
  driver cannot bind them;
- a multipart part whose name cannot be read (`name="a\"`: the backslash escapes the closing
  quote), which the form parser hands on as a field without a name.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import Flask, request

from service.core.errors import NotFound, ValidationFailed

MAX_JSON_DEPTH = 32
MAX_INTEGER_DIGITS = 18  # fits a 64-bit integer column
ROW_ID_MAX = 2**31 - 1  # every table's key is an INTEGER column: a larger path id names no row


def refuse(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(f"{field}：{message}", status=400, errors={field: [message]})


def bad_text(value: str) -> str | None:
    """Why `value` may not be stored, or None."""
    if "\x00" in value:
        return "含有不允许的空字符（NUL）"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "含有无效的 Unicode 字符（孤立代理项）"
    return None


def parse_bounded_int(token: str) -> int:
    if len(token.lstrip("-")) > MAX_INTEGER_DIGITS:
        raise ValueError(f"整数位数过多（至多 {MAX_INTEGER_DIGITS} 位）")
    return int(token)


def check_json(value: Any) -> None:
    """Walk a parsed JSON body (iteratively: its depth is what is being checked)."""
    stack: list[tuple[str, Any, int]] = [("json", value, 1)]
    while stack:
        path, item, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise refuse("json", f"嵌套层数过多（至多 {MAX_JSON_DEPTH} 层）")
        if isinstance(item, str):
            problem = bad_text(item)
            if problem:
                raise refuse(path, problem)
        elif isinstance(item, dict):
            for key, child in item.items():
                problem = bad_text(key)
                if problem:
                    raise refuse(path, f"字段名{problem}")
                stack.append((f"{path}.{key}" if path != "json" else key, child, depth + 1))
        elif isinstance(item, list):
            stack.extend((f"{path}[{i}]", child, depth + 1) for i, child in enumerate(item))


def _check_pairs(pairs: Iterable[tuple[str | None, str]], multipart: bool = False) -> None:
    for key, value in pairs:
        # No field of ours has a quote in its name: one there is the remains of a broken header.
        if key is None or (multipart and '"' in key):
            raise refuse("multipart", "表单分段的字段名无法解析（Content-Disposition 的 name）")
        problem = bad_text(key) or bad_text(value)
        if problem:
            raise refuse(key if not bad_text(key) else "参数名", problem)


def _check_path() -> None:
    for name, value in (request.view_args or {}).items():
        if isinstance(value, int) and len(str(abs(value))) > MAX_INTEGER_DIGITS:
            raise refuse(name, f"整数位数过多（至多 {MAX_INTEGER_DIGITS} 位）")
        if isinstance(value, int) and abs(value) > ROW_ID_MAX:
            raise NotFound(f"{value} 不存在。")  # as any unknown id (the database would overflow)


def _check_request() -> None:
    _check_path()
    _check_pairs(request.args.items(multi=True))
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        multipart = request.mimetype == "multipart/form-data"
        _check_pairs(request.form.items(multi=True), multipart)
        _check_pairs(((name, upload.filename or "") for name, upload in request.files.items(multi=True)),
                     multipart)


def install_input_guard(app: Flask) -> None:
    app.before_request(_check_request)
