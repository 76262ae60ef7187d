"""Turning form posts into command arguments, and command errors back into per-field messages."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from werkzeug.datastructures import MultiDict

# Rule violations read "rule_code: 中文说明"; people need only the Chinese part.
_RULE_PREFIX = re.compile(r"^[a-z0-9_]+: ")


def human(message: str) -> str:
    return _RULE_PREFIX.sub("", message, count=1)


def field_errors(errors: dict[str, list[str]], known: set[str],
                 aliases: dict[str, str] | None = None) -> dict[str, list[str]]:
    """Map the command's error fields onto the form's fields; the rest go under "_form"."""
    out: dict[str, list[str]] = {}
    for name, messages in errors.items():
        target = (aliases or {}).get(name, name)
        target = target if target in known else "_form"
        out.setdefault(target, []).extend(human(m) for m in messages)
    return out


def parse_date(raw: str) -> date | None:
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        return None


def task_form_data(form: MultiDict[str, str], fields: list[dict[str, Any]]
                   ) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The task's form fields from the post (`data.<id>`), typed; empty ones are left out so the
    engine's own required check names them."""
    data: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for f in fields:
        key = f"data.{f['id']}"
        if f["type"] == "boolean":
            data[f["id"]] = form.get(key) == "on"
            continue
        raw = (form.get(key) or "").strip()
        if not raw:
            continue
        if f["type"] == "long":
            if not re.fullmatch(r"-?\d+", raw):
                errors[key] = ["请填写整数。"]
                continue
            data[f["id"]] = int(raw)
        elif f["type"] == "date":
            if parse_date(raw) is None:
                errors[key] = ["请填写有效日期（年-月-日）。"]
                continue
            data[f["id"]] = raw
        elif f["type"] == "enum" and f.get("options") and raw not in f["options"]:
            errors[key] = ["请从列表中选择。"]
        else:
            data[f["id"]] = raw
    return data, errors
