"""Dates a task form records, checked against the case they belong to (422 naming the field).

bounds.py knows which dates exist at all; this module knows the order the work happens in:
- a replacement takes effect today or later, also when a returned request is resubmitted with
  the effective date it had (the date may have passed while it waited);
- the new cadre's arrival (到岗日期) has happened: not after today, and not before the change
  took effect (the case's effective date, 生效日期 / 到任日期);
- the Party relation moves after the arrival (党组织关系转接日期): not after today, not before
  the arrival date;
- a cadre back from leave (返岗日期) is back by today, and not before the leave began.
Each rule runs only when the form has the field, so a step never answers for another's dates.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from service.core.errors import ValidationFailed

# field -> (label, the case field it may not precede and that field's label)
NOT_BEFORE = {
    "arrival_date": ("到岗日期", "effective_date", "生效日期"),
    "party_transfer_date": ("党组织关系转接日期", "arrival_date", "到岗日期"),
    "return_date": ("返岗日期", "leave_start", "请假开始日期"),
}


def _day(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def _refuse(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, errors={field: [message]})


def check_case_dates(fields: Sequence[Mapping[str, Any]], data: Mapping[str, Any],
                     case: Mapping[str, Any], today: date, prefix: str = "data") -> None:
    """`data`: what the form sends now; `case`: the instance's data so far; `today`: the
    county's (Beijing) date."""
    for spec in fields:
        fid = str(spec.get("id"))
        label = str(spec.get("label") or fid)
        name = f"{prefix}.{fid}"
        if fid == "effective_date" and fid not in data:
            kept = _day(case.get(fid))  # submitted values are checked by bounds.check_form_values
            if kept is not None and kept < today:
                raise _refuse(name, f"{label}（{kept.isoformat()}）已过，请改为今天（{today.isoformat()}）"
                                    "或以后的日期。")
        if fid not in NOT_BEFORE:
            continue
        value = _day(data.get(fid))
        if value is None:
            continue  # missing or malformed: the form check names it
        if value > today:
            raise _refuse(name, f"{label}不能晚于今天（{today.isoformat()}），现为 {value.isoformat()}。")
        _, earlier_field, earlier_label = NOT_BEFORE[fid]
        earlier = _day(data.get(earlier_field)) or _day(case.get(earlier_field))
        if earlier is not None and value < earlier:
            raise _refuse(name, f"{label}不能早于{earlier_label}（{earlier.isoformat()}），"
                                f"现为 {value.isoformat()}。")
