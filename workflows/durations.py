"""ISO 8601 durations with working-day or calendar-day arithmetic.

Day count `working` (the default): day/week/month/year parts count working days (a week = 5 working
days, a month = 22, a year = 250: administrative deadlines are set in working days, and a calendar
month has no fixed length in working days, so we pick the usual conversion and document it). The
result keeps the start's local clock time on the Nth working day strictly after the start's local
date.

Day count `calendar` (a timer whose process says so, e.g. "every half-year"): years and months are
calendar years and months on the Asia/Shanghai date (Aug 31 + P1M = Sep 30: clamped to the month's
end), weeks are 7 days, days are calendar days; again at the start's local clock time.

Either way hour/minute/second parts are exact and added last.
"""

from __future__ import annotations

import calendar as _gregorian
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from .clock import require_aware
from .working_days import SHANGHAI, WorkingCalendar

_DURATION = re.compile(
    r"^P(?:(?P<years>\d+)Y)?(?:(?P<months>\d+)M)?(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?"
    r"(?:T(?:(?P<hours>\d+(?:\.\d+)?)H)?(?:(?P<minutes>\d+(?:\.\d+)?)M)?(?:(?P<seconds>\d+(?:\.\d+)?)S)?)?$"
)
WORKING_DAYS_PER = {"years": 250, "months": 22, "weeks": 5, "days": 1}
# Safety valve: a deadline further than this is a configuration error, not a real deadline.
MAX_WORKING_DAYS = 2500
MAX_CALENDAR_DAYS = 3660  # about ten years, the same horizon as MAX_WORKING_DAYS
DAY_COUNTS = ("working", "calendar")


class DurationError(ValueError):
    pass


@dataclass(frozen=True)
class Duration:
    working_days: int
    exact: timedelta
    iso: str
    # The same parts read as calendar units (day_count="calendar").
    months: int = 0  # years * 12 + months
    days: int = 0  # weeks * 7 + days


@dataclass(frozen=True)
class DeadlineResult:
    at: datetime
    uncovered: bool  # True when a year without an official calendar was used (weekends-only rule)


def parse_duration(iso: str, day_count: str = "working") -> Duration:
    if day_count not in DAY_COUNTS:
        raise DurationError(f"未知的计日方式 {day_count!r} (须为 working 或 calendar)")
    if not isinstance(iso, str):
        raise DurationError(f"期限必须是 ISO 8601 字符串: {iso!r}")
    text = iso.strip().upper()
    m = _DURATION.match(text)
    if not m or text in ("P", "PT") or text.endswith("T"):
        raise DurationError(f"无效的 ISO 8601 期限: {iso!r}")
    parts = {k: v for k, v in m.groupdict().items() if v is not None}
    days = sum(int(parts.get(k, 0)) * n for k, n in WORKING_DAYS_PER.items())
    months = int(parts.get("years", 0)) * 12 + int(parts.get("months", 0))
    calendar_days = int(parts.get("weeks", 0)) * 7 + int(parts.get("days", 0))
    too_long = days > MAX_WORKING_DAYS if day_count == "working" else \
        months * 31 + calendar_days > MAX_CALENDAR_DAYS
    if too_long:
        raise DurationError(f"期限过长: {iso!r}")
    exact = timedelta(
        hours=float(parts.get("hours", 0)),
        minutes=float(parts.get("minutes", 0)),
        seconds=float(parts.get("seconds", 0)),
    )
    return Duration(days, exact, text, months, calendar_days)


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


def add_months(day: date, months: int) -> date:
    """Calendar months; a day the target month lacks is clamped to its last day (Jan 31 + 1 = Feb 28)."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    last = _gregorian.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def add_calendar_days(start: datetime, months: int, days: int) -> DeadlineResult:
    """Same local clock time, `months` calendar months and then `days` calendar days later."""
    local = require_aware(start).astimezone(SHANGHAI)
    day = add_months(local.date(), months) + timedelta(days=days)
    at = datetime.combine(day, local.timetz().replace(tzinfo=None), SHANGHAI)
    return DeadlineResult(at, False)  # no working calendar involved: never uncovered


def add_duration(start: datetime, iso: str, calendar: WorkingCalendar,
                 day_count: str = "working") -> DeadlineResult:
    d = parse_duration(iso, day_count)
    if day_count == "calendar":
        base = add_calendar_days(start, d.months, d.days)
    else:
        base = add_working_days(start, d.working_days, calendar)
    # Exact arithmetic happens in UTC so DST-free offsets stay exact either way.
    return DeadlineResult(base.at.astimezone(start.tzinfo) + d.exact, base.uncovered)
