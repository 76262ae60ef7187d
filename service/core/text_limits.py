"""How much free text a person may write in one field: enough for what a person writes, not a file.

The API schemas document these bounds (maxLength) and the commands enforce them, so a page's form
and a JSON body are held to the same numbers and told in the same words.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from service.core.errors import ValidationFailed

LONG_TEXT = 2000  # a justification, a finding, a statement, a text field of a task form
COMMENT = 1000  # an approver's opinion
SHORT_TEXT = 200  # one line: an evidence item, a reason
MESSAGE = 500  # a reminder's message (催办留言)
EVIDENCE_ITEMS = 20

LABELS = {"justification": "具体理由", "finding": "发现的问题", "comment": "办理意见", "evidence": "证明材料",
          "reason": "原因", "message": "催办留言"}


def _too_long(field: str, limit: int, length: int) -> ValidationFailed:
    label = LABELS.get(field.split(".")[-1].split("[")[0], field)
    message = f"{label}过长：最多 {limit} 字，现为 {length} 字。"
    return ValidationFailed(message, errors={field: [message]})


def check_text(field: str, value: str | None, limit: int) -> None:
    if value is not None and len(value) > limit:
        raise _too_long(field, limit, len(value))


def check_evidence(field: str, items: list[str] | None) -> None:
    items = items or []
    if len(items) > EVIDENCE_ITEMS:
        message = f"证明材料最多 {EVIDENCE_ITEMS} 项，现为 {len(items)} 项。"
        raise ValidationFailed(message, errors={field: [message]})
    for index, item in enumerate(items):
        check_text(f"{field}[{index}]", item, SHORT_TEXT)


def check_form_data(data: Mapping[str, Any], prefix: str = "data") -> None:
    """Every string in a task form's data (nested lists and mappings too) is at most LONG_TEXT."""
    for key, value in data.items():
        _check_value(f"{prefix}.{key}", value)


def _check_value(field: str, value: Any) -> None:
    if isinstance(value, str):
        check_text(field, value, LONG_TEXT)
    elif isinstance(value, Mapping):
        check_form_data(value, field)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check_value(f"{field}[{index}]", item)
