"""Lists of days as an administrator types them from the State Council's notice (国务院办公厅关于
节假日安排的通知): one date or a range a line, or several separated by commas or 、, e.g.

    2027-10-01 至 2027-10-07
    2027-09-26、2027-10-09

and back to that text for the form (consecutive days become a range)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, timedelta

_ITEMS = re.compile(r"[\n,，、;；]+")
_RANGE = re.compile(r"\s*(?:至|到|~|～)\s*")
LONGEST_RANGE = 31  # days: no official break is longer; a typo in a year should not list months


def parse_days(text: str, label: str) -> tuple[list[date], list[str]]:
    """The days `text` lists, and what could not be read (messages naming `label`)."""
    days: set[date] = set()
    problems: list[str] = []
    for item in (i.strip() for i in _ITEMS.split(text)):
        if not item:
            continue
        parts = _RANGE.split(item)
        if len(parts) == 2:
            first, last = _day(parts[0]), _day(parts[1])
            if first is None or last is None:
                problems.append(f"{label}：“{item}”不是有效的日期范围，请写成“2027-10-01 至 2027-10-07”。")
            elif last < first:
                problems.append(f"{label}：“{item}”的结束日期早于开始日期。")
            elif (last - first).days >= LONGEST_RANGE:
                problems.append(f"{label}：“{item}”超过 {LONGEST_RANGE} 天，请检查日期。")
            else:
                days.update(first + timedelta(days=n) for n in range((last - first).days + 1))
            continue
        for token in item.split():
            day = _day(token)
            if day is None:
                problems.append(f"{label}：“{token}”不是有效日期，请写成“2027-10-01”。")
            else:
                days.add(day)
    return sorted(days), problems


_DATE = re.compile(r"([0-9]{4})[-/.年]([0-9]{1,2})[-/.月]([0-9]{1,2})日?")


def _day(text: str) -> date | None:
    """2027-10-01, 2027-10-1, 2027/10/01 or 2027年10月1日."""
    found = _DATE.fullmatch(text.strip())
    if found is None:
        return None
    try:
        return date(*(int(part) for part in found.groups()))
    except ValueError:
        return None


def days_text(days: Iterable[date]) -> str:
    """One line per run of consecutive days: "2027-10-01 至 2027-10-07"."""
    lines: list[str] = []
    run: list[date] = []
    for day in sorted(set(days)):
        if run and day != run[-1] + timedelta(days=1):
            lines.append(_run_text(run))
            run = []
        run.append(day)
    if run:
        lines.append(_run_text(run))
    return "\n".join(lines)


def _run_text(run: list[date]) -> str:
    return run[0].isoformat() if len(run) == 1 else f"{run[0].isoformat()} 至 {run[-1].isoformat()}"
