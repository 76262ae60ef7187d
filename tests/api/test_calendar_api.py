"""Admin-entered calendar years: append-only versions, recomputed deadlines, uncovered-year flags,
and build_calendar(as_of) for the audit replay (the calendar as it stood at a moment)."""

from __future__ import annotations

from datetime import date, timedelta

from timer_helpers import adjustment, at_clock, bj, events, timers, who

from service import commands
from service.persistence.db import db
from service.persistence.models import CalendarEntry
from service.persistence.runtime import build_calendar


def test_entering_2027_recomputes_flagged_deadlines_and_keeps_versions(make_app, auth):
    app = make_app()
    client = app.test_client()
    # Fri Dec 25 2026 + P5D: Dec 28-31 (4), then 2027, which chinese-calendar 1.11 does not cover:
    # weekends only -> Fri Jan 1 2027 counts as the 5th working day, and the deadline is flagged.
    with at_clock(app, bj(2026, 12, 25, 10)) as clock:
        iid = commands.submit_adjustment(who("hr_edu"), adjustment(effective_date=date(2027, 2, 1))).id
        escalation = timers(iid)["township_consent_escalation"]
        assert escalation.fire_at == bj(2027, 1, 1, 10) and escalation.calendar_uncovered
        assert not timers(iid)["township_consent_reminder"].calendar_uncovered  # Dec 30: covered

    health = client.get("/api/v1/health").get_json()["scheduler"]
    assert 2027 in health["calendar_uncovered_years"]
    assert health["pending"] == 2 and health["next_fire_at"] == "2026-12-30T02:00:00+00:00"
    body = {"holidays": ["2027-01-01", "2027-02-16", "2027-02-17"], "workdays": ["2027-02-07"],
            "note": "国办发明电〔2026〕X号"}
    assert client.put("/api/v1/calendar/years/2027", json=body, headers=auth("hr_edu")).status_code == 403
    bad = client.put("/api/v1/calendar/years/2027", json={"holidays": ["2026-10-01"], "workdays": []},
                     headers=auth("admin"))
    assert bad.status_code == 422 and "holidays" in bad.get_json()["errors"]

    clock.set(bj(2026, 12, 26, 9))
    entered = client.put("/api/v1/calendar/years/2027", json=body, headers=auth("admin"))
    assert entered.status_code == 200, entered.get_json()
    result = entered.get_json()
    assert result["version"] == 1 and list(result["recomputed"]) == [iid]
    with app.app_context():
        escalation = timers(iid)["township_consent_escalation"]
        # Jan 1 is now a holiday: Mon Jan 4 is the 5th working day; no longer flagged.
        assert escalation.fire_at == bj(2027, 1, 4, 10) and not escalation.calendar_uncovered
        (recompute,) = events(iid, "recompute_deadlines")
        assert recompute.actor_login == "admin"

    # A correction is a new version; the old one stays, and as_of sees each as it stood.
    clock.set(bj(2026, 12, 27, 9))
    fixed = {**body, "holidays": ["2027-01-01", "2027-01-04"]}
    second = client.put("/api/v1/calendar/years/2027", json=fixed, headers=auth("admin")).get_json()
    assert second["version"] == 2 and second["versions"] == 2
    detail = client.get("/api/v1/calendar/years/2027", headers=auth("hr_edu")).get_json()
    assert [v["version"] for v in detail["history"]] == [1, 2]
    listed = client.get("/api/v1/calendar/years", headers=auth("hr_edu")).get_json()
    assert [(y["year"], y["version"]) for y in listed["items"]] == [(2027, 2)]
    with app.app_context():
        assert db.session.query(CalendarEntry).count() == 2
        assert timers(iid)["township_consent_escalation"].fire_at == bj(2027, 1, 5, 10)
        jan4 = date(2027, 1, 4)
        assert build_calendar(as_of=bj(2026, 12, 25, 12)).is_workday_ex(jan4) == (True, True)
        assert build_calendar(as_of=bj(2026, 12, 26, 9)).is_workday(jan4) is True
        assert build_calendar(as_of=bj(2026, 12, 27, 9) - timedelta(microseconds=1)).is_workday(jan4)
        assert build_calendar(as_of=bj(2026, 12, 27, 9)).is_workday(jan4) is False
        assert build_calendar().is_workday(jan4) is False
    health = client.get("/api/v1/health").get_json()["scheduler"]
    assert 2027 not in health["calendar_uncovered_years"]
