"""Which years, dates and numbers a request may name: the years the county's work can concern, how
far ahead an effective date may lie, and the numbers a task form counts.

Beyond these, dates stop meaning anything here, and near the ends of Python's calendar (years 1
and 9999) a time zone conversion overflows, late and as a 500. The API schemas and the commands
refuse them alike (422 naming the field), before anything is written.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from service.core.errors import ValidationFailed
from workflows.rules import TERM_YEARS

EARLIEST_YEAR = 2000
LATEST_YEAR = 2100
EARLIEST_DATE = date(EARLIEST_YEAR, 1, 1)
LATEST_DATE = date(LATEST_YEAR, 12, 31)
# A replacement takes effect within the term now running, and a term lasts 2 years (domain rule 3):
# an effective date further ahead than that is a typo, not a plan.
EFFECTIVE_DATE_YEARS_AHEAD = TERM_YEARS
# A task form's whole numbers count visits, reports or yuan: never negative, and far below what a
# 64-bit column holds.
FORM_NUMBER_MAX = 10**12

LABELS = {"year": "年份", "effective_date": "生效日期", "at": "时间", "holidays": "法定节假日",
          "workdays": "调休工作日", "start": "起始日期", "end": "截止日期", "from": "起始日期",
          "to": "截止日期"}


def _label(field: str) -> str:
    return LABELS.get(field.split(".")[-1].split("[")[0], field)


def _refuse(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, errors={field: [message]})


def year_problem(field: str, year: int, label: str | None = None) -> str | None:
    """Why `year` is refused, or None."""
    if EARLIEST_YEAR <= year <= LATEST_YEAR:
        return None
    return f"{label or _label(field)}须在 {EARLIEST_YEAR} 至 {LATEST_YEAR} 年之间，现为 {year}。"


def check_year(field: str, year: int, label: str | None = None) -> None:
    problem = year_problem(field, year, label)
    if problem:
        raise _refuse(field, problem)


def check_moment(field: str, value: date | datetime, label: str | None = None) -> None:
    """A date, or a time read in its own offset, lies in the years the service knows."""
    check_year(field, value.year, label)


def latest_effective_date(today: date) -> date:
    try:
        ahead = today.replace(year=today.year + EFFECTIVE_DATE_YEARS_AHEAD)
    except ValueError:  # 29 February
        ahead = today.replace(year=today.year + EFFECTIVE_DATE_YEARS_AHEAD, day=28)
    return min(ahead, LATEST_DATE)


def check_effective_date(field: str, value: date, today: date, label: str | None = None) -> None:
    """Today (the county's date) at the earliest: a change cannot take effect in the past, the
    cadre in post stays until the handover (domain rule 5); two years ahead at the latest."""
    check_moment(field, value, label)
    if value < today:
        raise _refuse(field, f"{label or _label(field)}不能早于今天（{today.isoformat()}），"
                             f"现为 {value.isoformat()}。")
    latest = latest_effective_date(today)
    if value > latest:
        raise _refuse(field, f"{label or _label(field)}不能晚于 {latest.isoformat()}（至多为今天起 "
                             f"{EFFECTIVE_DATE_YEARS_AHEAD} 年内），现为 {value.isoformat()}。")


def check_form_values(fields: Sequence[Mapping[str, Any]], data: Mapping[str, Any], today: date,
                      prefix: str = "data") -> None:
    """The dates and whole numbers of a task form's data, by the form's field types. Values of the
    wrong type are left to the engine's form check, which names them."""
    for spec in fields:
        fid, ftype, value = spec.get("id"), spec.get("type"), data.get(str(spec.get("id")))
        name, label = f"{prefix}.{fid}", str(spec.get("label") or fid)
        if ftype == "date" and isinstance(value, str):
            try:
                day = date.fromisoformat(value)
            except ValueError:
                continue
            if fid == "effective_date":
                check_effective_date(name, day, today, label)
            else:
                check_moment(name, day, label)
        elif ftype == "long" and isinstance(value, int) and not isinstance(value, bool):
            if not 0 <= value <= FORM_NUMBER_MAX:
                raise _refuse(name, f"“{label}”须为 0 至 {FORM_NUMBER_MAX} 之间的整数，现为 {value}。")
