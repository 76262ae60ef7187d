"""Every reminder, escalation and deadline of the three processes fires at its working-day moment
through the service (TimerFirer.fire_due(now) with a ManualClock), across weekends, the 2026
National Day holiday (Oct 1-7 off) and its adjusted working Saturday (Oct 10).

Expected instants are worked out by hand from the official 2026 calendar, not by the engine.
"""

from __future__ import annotations

import pytest
from timer_helpers import (
    adjustment,
    at_clock,
    bj,
    complete,
    events,
    fire_exactly_at,
    firer,
    notifications,
    open_task,
    timers,
    who,
)

from service import commands
from service.persistence.db import db
from service.persistence.models import ProcessInstance


@pytest.fixture
def fresh_app(make_app):
    return make_app()


def test_mid_term_replacement_reminders_escalations_and_revision_deadline(fresh_app):
    fire = firer()
    with at_clock(fresh_app, bj(2026, 9, 25, 10)) as clock:  # Friday before National Day
        row = commands.submit_adjustment(who("hr_edu"), adjustment(effective_date=bj(2026, 11, 2).date()))
        iid = row.id
        # P3D: Mon 28, Tue 29, Wed 30 -> Sep 30 10:00 (the weekend does not count).
        fire_exactly_at(iid, "township_consent_reminder", bj(2026, 9, 30, 10), fire)
        assert [n.login for n in notifications(iid, "reminder")] == ["tw_qingshan"]
        # P5D: Oct 1-7 are holidays -> Thu Oct 8 (4), Fri Oct 9 (5).
        fire_exactly_at(iid, "township_consent_escalation", bj(2026, 10, 9, 10), fire)
        assert [n.login for n in notifications(iid, "escalation")] == ["county"]
        assert "township_consent" == open_task(iid).spec_id  # non-interrupting: still open

        clock.set(bj(2026, 10, 9, 11))
        complete("tw_qingshan", iid, "township_consent", "approve", "同意")
        # From Fri Oct 9 11:00: Sat Oct 10 is an adjusted working day (1), Mon 12 (2), Tue 13 (3).
        fire_exactly_at(iid, "county_consent_reminder", bj(2026, 10, 13, 11), fire)
        fire_exactly_at(iid, "county_consent_escalation", bj(2026, 10, 15, 11), fire)

        clock.set(bj(2026, 10, 16, 9))  # Friday
        complete("county", iid, "county_consent", "return", "请补充体检报告原件")
        assert open_task(iid).spec_id == "revise_request"
        # P5D from Fri Oct 16: Mon 19 .. Fri 23 -> Oct 23 09:00; interrupting: silence withdraws.
        fire_exactly_at(iid, "revise_request_deadline", bj(2026, 10, 23, 9), fire)
        db.session.expire_all()
        assert db.session.get(ProcessInstance, iid).status == "withdrawn"
        assert not timers(iid)
        kinds = [e.kind for e in events(iid)]
        assert kinds.count("timer") == 5


def test_filing_reminder_and_escalation_of_mid_term_replacement(fresh_app):
    fire = firer()
    with at_clock(fresh_app, bj(2026, 9, 18, 16)) as clock:  # Friday; Sun Sep 20 is a working day
        iid = commands.submit_adjustment(who("hr_edu"), adjustment()).id
        complete("tw_qingshan", iid, "township_consent", "approve", "同意")
        complete("county", iid, "county_consent", "approve", "同意")
        assert open_task(iid).spec_id == "org_dept_filing"
        # P3D from Fri Sep 18 16:00: Sun Sep 20 (working, 1), Mon 21 (2), Tue 22 (3).
        fire_exactly_at(iid, "org_dept_filing_reminder", bj(2026, 9, 22, 16), fire)
        assert [n.login for n in notifications(iid, "reminder")] == ["orgdept"]
        # P5D: Wed 23 (4), Thu 24 (5).
        fire_exactly_at(iid, "org_dept_filing_escalation", bj(2026, 9, 24, 16), fire)
        clock.set(bj(2026, 9, 24, 17))
        complete("orgdept", iid, "org_dept_filing", "approve", "同意备案")
        db.session.expire_all()
        assert db.session.get(ProcessInstance, iid).status == "completed"


def test_handover_arrival_reminder_and_escalation(fresh_app):
    fire = firer()
    with at_clock(fresh_app, bj(2026, 9, 11, 9)) as clock:  # Friday
        iid = commands.submit_adjustment(who("hr_edu"), adjustment(effective_date=bj(2026, 9, 28).date())).id
        complete("tw_qingshan", iid, "township_consent", "approve", "同意")
        complete("county", iid, "county_consent", "approve", "同意")
        result = complete("orgdept", iid, "org_dept_filing", "approve", "同意备案")
        (handover,) = result.started
        hid = handover.id
        assert open_task(hid).spec_id == "confirm_arrival"
        # Reminder and escalation both wait deadline_arrival (P10D) from Fri Sep 11 09:00:
        # Sep 14-18 (5), Sun Sep 20 adjusted working day (6), Sep 21-24 (10) -> Thu Sep 24 09:00.
        assert timers(hid)["confirm_arrival_escalation"].fire_at == bj(2026, 9, 24, 9)
        fire_exactly_at(hid, "confirm_arrival_reminder", bj(2026, 9, 24, 9), fire)
        assert "confirm_arrival_escalation" not in timers(hid)  # fired by the same command
        assert {n.login for n in notifications(hid, "reminder")} == {"tw_qingshan"}
        assert {n.login for n in notifications(hid, "escalation")} == {"county"}

        clock.set(bj(2026, 9, 30, 15))  # Wednesday before the holiday
        complete("tw_qingshan", hid, "confirm_arrival", "approve", "已到岗",
                 {"arrival_date": "2026-09-30"})
        assert open_task(hid).spec_id == "prepare_handover_list"
        # deadline_handover P10D from Sep 30 15:00: Oct 8, 9, Sat 10 (3), 12-16 (8), 19, 20 (10).
        fire_exactly_at(hid, "prepare_handover_list_reminder", bj(2026, 10, 20, 15), fire)
        assert {n.login for n in notifications(hid, "reminder")} == {"tw_qingshan", "cadre_zhangwei"}


def test_recall_statement_and_rectification_deadlines(fresh_app):
    fire = firer()
    with at_clock(fresh_app, bj(2026, 9, 25, 10)) as clock:
        iid = commands.open_recall(who("orgdept"), {
            "cadre_id": "c-zhangwei", "source": "supervision", "finding": "长期不在岗",
            "evidence": ["考勤记录"]}).id
        task = open_task(iid)
        # Verification reminder P3D -> Sep 30 10:00, escalation P5D -> Oct 9 10:00.
        fire_exactly_at(iid, f"{task.spec_id}_reminder", bj(2026, 9, 30, 10), fire)
        fire_exactly_at(iid, f"{task.spec_id}_escalation", bj(2026, 10, 9, 10), fire)
        clock.set(bj(2026, 10, 9, 15))
        complete("orgdept", iid, task.spec_id, "approve", "情况属实")
        assert open_task(iid).spec_id == "cadre_statement"
        # Statement P5D from Fri Oct 9 15:00: Sat Oct 10 (1), Oct 12-15 (5) -> Thu Oct 15 15:00.
        fire_exactly_at(iid, "cadre_statement_deadline", bj(2026, 10, 15, 15), fire)
        assert open_task(iid).spec_id == "county_decision"  # silence proceeds
        clock.set(bj(2026, 10, 16, 9))
        complete("county", iid, "county_decision", "rectify", "限期整改")
        assert open_task(iid).spec_id == "rectification"
        # Rectification P20D from Fri Oct 16: Oct 19-23 (5), 26-30 (10), Nov 2-6 (15), 9-13 (20).
        fire_exactly_at(iid, "rectification_deadline", bj(2026, 11, 13, 9), fire)
        assert open_task(iid).spec_id.startswith("recheck_rectification")
