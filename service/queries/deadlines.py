"""A task's deadline as people read it: working days left or overdue, on the timers' calendar.

Deadlines are counted in working days (domain.md); "2026-12-14 22:26" alone does not say how much
time that is. This counts the working days between today and the due date with the calendar the
engine counts deadlines with: the stored calendar entries and pins, and chinese-calendar for the
years nothing is stored for yet (persistence.runtime.build_calendar, as the live engine builds it).
It is a private copy: looking years up for a page must not change the engine's calendar, whose
looked-up years the next command would pin.

A year without an official holiday calendar counts weekends only (workflows/working_days.py); a
deadline whose days reach into such a year carries a note saying so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from service.persistence.runtime import build_calendar
from workflows.working_days import SHANGHAI, WorkingCalendar

# How near a deadline must be to be marked (amber): at most this many working days left.
SOON_WORKING_DAYS = 1
# Counting stops here: no deadline of these processes lies years away.
MAX_DAYS_COUNTED = 3660


@dataclass(frozen=True)
class Deadline:
    text: str  # "剩余 3 个工作日（12月14日）", "已逾期 2 个工作日（12月14日到期）"
    level: str  # "normal" | "soon" | "overdue"
    exact: str  # "2026-12-14 17:00（北京时间）"
    note: str | None  # "2027 年节假日安排尚未导入，按周末计算" when a year counts weekends only
    working_days: int  # left (>= 0), or overdue (< 0 when overdue by whole working days)


def display_calendar() -> WorkingCalendar:
    return build_calendar(library=True)


def _working_days_between(first: date, last: date, calendar: WorkingCalendar) -> tuple[int, set[int]]:
    """Working days d with first < d <= last, and the years among them without an official calendar."""
    count, uncovered = 0, set()
    day = first + timedelta(days=1)
    end = min(last, first + timedelta(days=MAX_DAYS_COUNTED))
    while day <= end:
        year = calendar.year(day.year)
        if not year.official:
            uncovered.add(day.year)
        if year.is_workday(day):
            count += 1
        day += timedelta(days=1)
    return count, uncovered


def _md(day: date) -> str:
    return f"{day.month}月{day.day}日"


def deadline(due_at: datetime | None, at: datetime, calendar: WorkingCalendar) -> Deadline | None:
    if due_at is None:
        return None
    due_local, now_local = due_at.astimezone(SHANGHAI), at.astimezone(SHANGHAI)
    due_day, today = due_local.date(), now_local.date()
    exact = f"{due_local:%Y-%m-%d %H:%M}（北京时间）"
    if due_at <= at:
        late, uncovered = _working_days_between(due_day, today, calendar)
        text = (f"已逾期 {late} 个工作日（{_md(due_day)}到期）" if late
                else f"已逾期（{_md(due_day)} {due_local:%H:%M} 到期）")
        level, count = "overdue", -late
    elif due_day == today:
        text, level, count, uncovered = f"今日 {due_local:%H:%M} 到期", "soon", 0, set()
        if not calendar.year(today.year).official:
            uncovered = {today.year}
    else:
        count, uncovered = _working_days_between(today, due_day, calendar)
        text = f"剩余 {count} 个工作日（{_md(due_day)}）"
        level = "soon" if count <= SOON_WORKING_DAYS else "normal"
    note = "；".join(f"{year} 年节假日安排尚未导入，按周末计算" for year in sorted(uncovered)) or None
    return Deadline(text, level, exact, note, count)


def due_within_end(at: datetime, working_days: int, calendar: WorkingCalendar) -> datetime:
    """The first moment a deadline has more than `working_days` left at `at`, as `deadline` counts
    them: the midnight starting the (`working_days` + 1)-th working day after today (a deadline on
    a day off reads as the working day before it). The inbox's "due within N working days" is
    due_at before this."""
    day, left = at.astimezone(SHANGHAI).date(), working_days + 1
    while left > 0:
        day += timedelta(days=1)
        if calendar.year(day.year).is_workday(day):
            left -= 1
    return datetime.combine(day, time(), SHANGHAI)
