"""Deadlines as people read them (service/queries/deadlines.py): working days left or overdue on
the working calendar, amber at one working day or less, red when overdue, and a note when a year
counts weekends only."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from service.queries.deadlines import deadline, due_within_end
from workflows.working_days import ADMIN, SHANGHAI, WorkingCalendar

# 2026: the National Day week off (Oct 1-7 holidays on weekdays 1, 2, 5, 6, 7), Oct 10 (Sat) worked.
HOLIDAYS = {date(2026, 10, d) for d in (1, 2, 5, 6, 7)}
WORKDAYS = {date(2026, 10, 10)}


def calendar() -> WorkingCalendar:
    cal = WorkingCalendar(library=False)  # years not given count weekends only
    cal.add_year(2026, HOLIDAYS, WORKDAYS, source=ADMIN)
    return cal


def bj(*args: int) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


def test_working_days_left_skip_weekends_and_holidays():
    # Tuesday Sep 29 -> due Monday Oct 12: Sep 30, Oct 8, 9, 10 (worked Saturday), 12 = 5 working days
    view = deadline(bj(2026, 10, 12, 9, 0), bj(2026, 9, 29, 10, 0), calendar())
    assert view is not None
    assert (view.text, view.level, view.working_days) == ("剩余 5 个工作日（10月12日）", "normal", 5)
    assert view.exact == "2026-10-12 09:00（北京时间）" and view.note is None


def test_one_working_day_left_is_amber_and_today_says_the_hour():
    view = deadline(bj(2026, 12, 14, 17, 0), bj(2026, 12, 11, 9, 0), calendar())  # Fri -> Mon
    assert view is not None and (view.text, view.level) == ("剩余 1 个工作日（12月14日）", "soon")
    view = deadline(bj(2026, 12, 14, 17, 0), bj(2026, 12, 14, 9, 0), calendar())
    assert view is not None and (view.text, view.level) == ("今日 17:00 到期", "soon")


def test_overdue_counts_working_days_since_the_due_date():
    view = deadline(bj(2026, 12, 10, 9, 0), bj(2026, 12, 14, 10, 0), calendar())  # Thu -> Mon
    assert view is not None
    assert (view.text, view.level, view.working_days) == ("已逾期 2 个工作日（12月10日到期）", "overdue", -2)
    view = deadline(bj(2026, 12, 14, 9, 0), bj(2026, 12, 14, 10, 0), calendar())
    assert view is not None and (view.text, view.level) == ("已逾期（12月14日 09:00 到期）", "overdue")


def test_a_deadline_reaching_an_uncovered_year_says_it_counts_weekends_only():
    view = deadline(bj(2027, 1, 6, 9, 0), bj(2026, 12, 30, 9, 0), calendar())
    assert view is not None and view.note == "2027 年节假日安排尚未导入，按周末计算"
    assert view.text == "剩余 5 个工作日（1月6日）"  # Dec 31, Jan 1, 4, 5, 6: no New Year holiday known
    assert deadline(None, bj(2026, 12, 30, 9, 0), calendar()) is None


def test_due_within_n_working_days_ends_where_the_deadline_words_say_more():
    at = bj(2026, 9, 29, 10, 0)  # Tuesday, before the National Day week
    assert due_within_end(at, 0, calendar()) == bj(2026, 9, 30, 0, 0)  # due today
    assert due_within_end(at, 1, calendar()) == bj(2026, 10, 8, 0, 0)  # by Sep 30, or in the week off
    assert due_within_end(at, 2, calendar()) == bj(2026, 10, 9, 0, 0)  # Oct 8
    assert due_within_end(at, 3, calendar()) == bj(2026, 10, 10, 0, 0)  # Oct 9
    assert due_within_end(at, 4, calendar()) == bj(2026, 10, 12, 0, 0)  # Oct 10, a worked Saturday
    for n in range(8):  # the last moment inside reads at most n working days left, the end more
        end = due_within_end(at, n, calendar())
        inside = deadline(end - timedelta(minutes=1), at, calendar())
        assert inside is not None and inside.working_days <= n, (n, inside)
        after = deadline(end, at, calendar())
        assert after is not None and after.working_days == n + 1, (n, after)
