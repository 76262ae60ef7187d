"""A replay never asks chinese-calendar: the calendar each deadline was computed with is stored.

The scenario of the issue: an instance computes a deadline in 2027 while the installed
chinese-calendar does not cover 2027 (weekends-only fallback, flagged). A later release adds 2027
with its holidays. The audit replay must still reproduce the recorded state hashes, and the live
service must go on counting 2027 as before until an administrator enters the official year.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import chinese_calendar
import pytest
from timer_helpers import adjustment, at_clock, bj, complete, events, firer, timers, who

from service import commands
from service.audit import verify_instance
from service.commands.calendar_pins import pin_looked_up_years
from service.core.errors import Conflict
from service.persistence.db import db
from service.persistence.models import CalendarPin
from service.persistence.runtime import invalidate_engine
from workflows import working_days
from workflows.working_days import WorkingCalendar

NEW_YEAR_2027 = date(2027, 1, 1)  # a Friday


def release_adding_2027(real: Callable[[date], bool]) -> Callable[[date], bool]:
    """chinese-calendar as a release covering 2027 would answer: Jan 1-3 off, the rest as before."""
    def is_workday(day: date) -> bool:
        if day.year == 2027:
            return day.weekday() < 5 and day != NEW_YEAR_2027
        return real(day)
    return is_workday


def refuse(*_args: object) -> bool:
    raise AssertionError("chinese-calendar was asked")


def verify_api(client, auth, iid: str) -> dict:  # type: ignore[no-untyped-def]
    response = client.get(f"/api/v1/audit/instances/{iid}/verify", headers=auth("admin"))
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_a_release_adding_a_year_does_not_change_what_a_replay_computes(make_app, auth, monkeypatch):
    app = make_app()
    client = app.test_client()
    fire = firer()
    with at_clock(app, bj(2026, 12, 25, 10)) as clock:
        # Fri Dec 25 2026 + P5D: Dec 28-31, then Fri Jan 1 2027 by the weekends-only rule (flagged).
        iid = commands.submit_adjustment(who("hr_edu"), adjustment(effective_date=date(2027, 2, 1))).id
        escalation = timers(iid)["township_consent_escalation"]
        assert escalation.fire_at == bj(2027, 1, 1, 10) and escalation.calendar_uncovered
        assert verify_instance(iid).ok

        # The upgrade: the library now knows 2027, and Jan 1 is a holiday there. The service restarts.
        monkeypatch.setattr(working_days, "_library_workday",
                            release_adding_2027(working_days._library_workday))
        assert not working_days._library_workday(NEW_YEAR_2027)
        invalidate_engine()

        verification = verify_instance(iid)
        assert verification.ok, verification.detail

        # The upgraded service keeps counting 2027 as it did (the stored weekends-only year), and
        # still reports the year as not covered by an official calendar.
        fire.fire_due(bj(2026, 12, 30, 10, 1))  # the reminder (Dec 30)
        clock.set(bj(2026, 12, 31, 9))
        complete("tw_qingshan", iid, "township_consent", "approve", "同意")
        # County consent from Thu Dec 31 09:00: P3D reminder -> Dec 31 is day 0; Fri Jan 1 (1),
        # Mon Jan 4 (2), Tue Jan 5 (3) under the weekends-only year; Jan 1 off would give Jan 6.
        reminder = timers(iid)["county_consent_reminder"]
        assert reminder.fire_at == bj(2027, 1, 5, 9) and reminder.calendar_uncovered
        assert 2027 in client.get("/api/v1/health").get_json()["scheduler"]["calendar_uncovered_years"]
        assert verify_instance(iid).ok
    body = verify_api(client, auth, iid)
    assert (body["chain"], body["replay"]) == ("ok", "ok"), body

    # An administrator enters the official 2027: it supersedes the stored year, the deadlines are
    # recomputed (a recorded event), and the history still verifies.
    with at_clock(app, bj(2026, 12, 31, 12)):
        entered = client.put("/api/v1/calendar/years/2027", headers=auth("admin"), json={
            "holidays": ["2027-01-01"], "workdays": []})
        assert entered.status_code == 200, entered.get_json()
        assert list(entered.get_json()["recomputed"]) == [iid]
        reminder = timers(iid)["county_consent_reminder"]
        assert reminder.fire_at == bj(2027, 1, 6, 9) and not reminder.calendar_uncovered
        assert len(events(iid, "recompute_deadlines")) == 1
        assert verify_instance(iid).ok
    assert verify_api(client, auth, iid)["replay"] == "ok"
    assert 2027 not in client.get("/api/v1/health").get_json()["scheduler"]["calendar_uncovered_years"]


def test_a_replay_never_asks_the_calendar_library(make_app, monkeypatch):
    app = make_app()
    with at_clock(app, bj(2026, 12, 25, 10)) as clock:
        iid = commands.submit_adjustment(who("hr_edu"), adjustment(effective_date=date(2027, 2, 1))).id
        clock.set(bj(2026, 12, 28, 9))
        complete("tw_qingshan", iid, "township_consent", "approve", "同意")  # deadlines in 2026 and 2027
        firer().fire_due(bj(2026, 12, 31, 9, 1))

        monkeypatch.setattr(working_days, "_library_workday", refuse)
        monkeypatch.setattr(chinese_calendar, "is_workday", refuse)
        monkeypatch.setattr(chinese_calendar, "is_holiday", refuse)
        invalidate_engine()
        verification = verify_instance(iid)
        assert verification.ok, verification.detail
        assert verification.events >= 3


def test_the_first_command_that_counts_in_a_year_stores_that_year(make_app):
    """2026 comes with the database (the library's year, stored by migration 0006); 2027 is stored
    by the first command that counts in it, as the weekends-only year it was counted with."""
    app = make_app()
    with at_clock(app, bj(2026, 12, 25, 10)):
        pins = {p.year: p for p in db.session.query(CalendarPin)}
        assert pins[2026].source == "library" and "2026-10-01" in pins[2026].holidays
        assert "2026-10-10" in pins[2026].workdays  # an adjusted working Saturday
        assert 2027 not in pins
        commands.submit_adjustment(who("hr_edu"), adjustment(effective_date=date(2027, 2, 1)))
        pin = db.session.query(CalendarPin).filter_by(year=2027).one()
        assert (pin.source, pin.holidays, pin.workdays) == ("fallback", [], [])
        assert pin.pinned_at == bj(2026, 12, 25, 10)


def test_a_year_pinned_by_another_command_meanwhile_is_a_conflict_unless_it_matches(make_app):
    """Between a command's load and its save another one may pin the year it looked up: the same
    year from earlier is fine; another calendar (a replica on another release), or one in force
    only after this command's time (a replay of this event would not see it), is a 409."""
    app = make_app()
    with at_clock(app, bj(2026, 12, 25, 10)):
        def looked_up_2027() -> WorkingCalendar:
            calendar = WorkingCalendar()
            assert calendar.is_workday_ex(NEW_YEAR_2027) == (True, True)  # weekends only
            return calendar

        pin_looked_up_years(looked_up_2027(), bj(2026, 12, 25, 10))
        pin_looked_up_years(looked_up_2027(), bj(2026, 12, 25, 11))  # the same, pinned earlier: fine
        with pytest.raises(Conflict):
            pin_looked_up_years(looked_up_2027(), bj(2026, 12, 25, 9))  # pinned after this time
        db.session.rollback()

        db.session.add(CalendarPin(year=2027, source="library", holidays=["2027-01-01"], workdays=[],
                                   library_version="9.9", pinned_at=bj(2026, 12, 25, 9)))
        db.session.flush()
        with pytest.raises(Conflict):
            pin_looked_up_years(looked_up_2027(), bj(2026, 12, 25, 10))
        db.session.rollback()
