"""ISO 8601 durations with working-day arithmetic.

Day/week/month/year parts count working days (a week = 5 working days, a month = 22, a year = 250:
administrative deadlines are set in working days, and a calendar month has no fixed length in
working days, so we pick the usual conversion and document it). Hour/minute/second parts are exact.
The result keeps the start's local clock time on the Nth working day strictly after the start's
local date, then adds the exact part.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from .clock import require_aware
from .working_days import SHANGHAI, WorkingCalendar

_DURATION = re.compile(
    r"^P(?:(?P<years>\d+)Y)?(?:(?P<months>\d+)M)?(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?"
    r"(?:T(?:(?P<hours>\d+(?:\.\d+)?)H)?(?:(?P<minutes>\d+(?:\.\d+)?)M)?(?:(?P<seconds>\d+(?:\.\d+)?)S)?)?$"
)
WORKING_DAYS_PER = {"years": 250, "months": 22, "weeks": 5, "days": 1}
# Safety valve: a deadline further than this is a configuration error, not a real deadline.
MAX_WORKING_DAYS = 2500


class DurationError(ValueError):
    pass


@dataclass(frozen=True)
class Duration:
    working_days: int
    exact: timedelta
    iso: str


@dataclass(frozen=True)
class DeadlineResult:
    at: datetime
    uncovered: bool  # True when a year without an official calendar was used (weekends-only rule)


def parse_duration(iso: str) -> Duration:
    if not isinstance(iso, str):
        raise DurationError(f"期限必须是 ISO 8601 字符串: {iso!r}")
    text = iso.strip().upper()
    m = _DURATION.match(text)
    if not m or text in ("P", "PT") or text.endswith("T"):
        raise DurationError(f"无效的 ISO 8601 期限: {iso!r}")
    parts = {k: v for k, v in m.groupdict().items() if v is not None}
    days = sum(int(parts.get(k, 0)) * n for k, n in WORKING_DAYS_PER.items())
    if days > MAX_WORKING_DAYS:
        raise DurationError(f"期限过长: {iso!r}")
    exact = timedelta(
        hours=float(parts.get("hours", 0)),
        minutes=float(parts.get("minutes", 0)),
        seconds=float(parts.get("seconds", 0)),
    )
    return Duration(days, exact, text)


def add_working_days(start: datetime, n: int, calendar: WorkingCalendar) -> DeadlineResult:
    """Same local clock time on the n-th working day strictly after start's local date."""
    local = require_aware(start).astimezone(SHANGHAI)
    day = local.date()
    uncovered = False
    counted = 0
    while counted < n:
        day = day + timedelta(days=1)
        works, unc = calendar.is_workday_ex(day)
        uncovered = uncovered or unc
        if works:
            counted += 1
    at = datetime.combine(day, local.timetz().replace(tzinfo=None), SHANGHAI)
    return DeadlineResult(at, uncovered)


def add_duration(start: datetime, iso: str, calendar: WorkingCalendar) -> DeadlineResult:
    d = parse_duration(iso)
    base = add_working_days(start, d.working_days, calendar)
    # Exact arithmetic happens in UTC so DST-free offsets stay exact either way.
    return DeadlineResult(base.at.astimezone(start.tzinfo) + d.exact, base.uncovered)
