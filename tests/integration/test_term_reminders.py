"""期满提醒: a posting's supplier HR, township and the county leading group are told once, on the
Beijing day its planned end comes within the notice (CADREFLOW_TERM_END_NOTICE_DAYS), never before,
never twice (timer service job, `cadreflow terms remind`); an extended term is reminded of again.

Every demo term ends 2027-02-28: with the default 60 days the notice opens on 2026-12-30.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from coverage_helpers import active_posting

from service.cli import cli
from service.commands.term_reminders import remind_term_ends
from service.config import Settings, SettingsError
from service.persistence.db import db
from service.persistence.models import Notification, Posting, TermReminder, UserRole
from service.timers.scheduler import TimerService

BJ_EVE = datetime.fromisoformat("2026-12-29T23:59:59+08:00")
BJ_NOTICE_DAY = datetime.fromisoformat("2026-12-30T00:00:01+08:00")  # still 2026-12-29 in UTC
DEMO_POSTINGS = 7


def term_notices() -> list[Notification]:
    return list(db.session.execute(sa.select(Notification).where(Notification.kind == "term_ending")
                                   .order_by(Notification.id)).scalars())


def county_logins() -> set[str]:
    return set(db.session.execute(sa.select(UserRole.login).where(UserRole.role == "county")).scalars())


def test_reminded_once_on_the_notice_day_and_not_before(make_app: Any) -> None:
    app = make_app()
    with app.app_context():
        assert remind_term_ends(BJ_EVE) == []
        assert term_notices() == []
        sent = remind_term_ends(BJ_NOTICE_DAY)
        assert len(sent) == DEMO_POSTINGS
        zhangwei = active_posting("c-zhangwei").id
        first = next(s for s in sent if s.posting_id == zhangwei)
        assert first.planned_end == date(2027, 2, 28)
        assert set(first.notified) == {"hr_edu", "tw_qingshan"} | county_logins()
        notices = [n for n in term_notices() if n.login == "hr_edu" and "张伟" in n.message]
        assert len(notices) == 1
        assert notices[0].message == ("【期满提醒】青山镇上庄村驻村第一书记张伟（XX县教育局选派）任期将于 "
                                      "2027年02月28日 届满（还有 60 天），请及时安排期满考核和轮换交接。")
        assert notices[0].read_at is None and notices[0].instance_id is None
        # Another unit's HR and another township hear nothing of 张伟.
        others = ("hr_hospital", "tw_baishui")
        assert not [n for n in term_notices() if n.login in others and "张伟" in n.message]
        count = len(term_notices())
        # The same day again, the next day, the day of the end: nothing more.
        for later in (BJ_NOTICE_DAY + timedelta(hours=5), BJ_NOTICE_DAY + timedelta(days=1),
                      datetime.fromisoformat("2027-02-28T12:00:00+08:00")):
            assert remind_term_ends(later) == []
        assert len(term_notices()) == count
        recorded = sa.select(sa.func.count()).select_from(TermReminder)
        assert db.session.execute(recorded).scalar_one() == DEMO_POSTINGS


def test_an_extended_term_is_reminded_of_again_and_an_ended_one_not(make_app: Any) -> None:
    app = make_app()
    with app.app_context():
        remind_term_ends(BJ_NOTICE_DAY)
        extended = active_posting("c-zhangwei")
        extended.planned_end = date(2027, 6, 30)
        ended = active_posting("c-lina")
        ended.planned_end = date(2027, 6, 30)
        ended.active = False
        db.session.commit()
        assert remind_term_ends(datetime.fromisoformat("2027-04-30T09:00:00+08:00")) == []  # 61 days
        sent = remind_term_ends(datetime.fromisoformat("2027-05-01T09:00:00+08:00"))
        assert [s.posting_id for s in sent] == [extended.id]
        assert "2027年06月30日" in term_notices()[-1].message


def test_a_term_already_past_its_end_is_reminded_of_once_as_overdue(make_app: Any) -> None:
    app = make_app()
    with app.app_context():
        posting = active_posting("c-zhaomin")
        posting.planned_end = date(2026, 11, 30)
        db.session.commit()
        sent = remind_term_ends(datetime.fromisoformat("2026-12-01T09:00:00+08:00"))
        assert [s.posting_id for s in sent] == [posting.id]
        message = term_notices()[-1].message
        assert "任期已于 2026年11月30日 届满（已过 1 天），仍在岗" in message
        assert {n.login for n in term_notices()} == {"hr_edu", "tw_baishui"} | county_logins()
        assert remind_term_ends(datetime.fromisoformat("2026-12-02T09:00:00+08:00")) == []


def test_the_notice_follows_the_setting(make_app: Any) -> None:
    app = make_app(term_end_notice_days=90)
    with app.app_context():
        assert len(remind_term_ends(datetime.fromisoformat("2026-11-30T09:00:00+08:00"))) == DEMO_POSTINGS
    with pytest.raises(SettingsError, match="CADREFLOW_TERM_END_NOTICE_DAYS"):
        Settings.from_env({"CADREFLOW_TERM_END_NOTICE_DAYS": "0"})
    assert Settings.from_env({"CADREFLOW_TERM_END_NOTICE_DAYS": "45"}).term_end_notice_days == 45
    assert Settings().term_end_notice_days == 60


def test_the_timer_service_runs_the_reminders(make_app: Any) -> None:
    app = make_app()
    service = TimerService(app)
    try:
        service.start()
        assert service._scheduler.get_job("term_reminders") is not None
    finally:
        service.shutdown(wait=False)
    assert len(service.remind_term_ends(BJ_NOTICE_DAY)) == DEMO_POSTINGS
    assert service.remind_term_ends(BJ_NOTICE_DAY + timedelta(days=3)) == []


def test_command_line_reminds_once(db_url: str) -> None:
    """The command runs on today's date: a notice longer than any demo term's remaining days
    reminds of all of them."""
    def run() -> str:
        result = CliRunner().invoke(cli, ["terms", "remind"], env={
            "CADREFLOW_DATABASE_URL": db_url, "CADREFLOW_TERM_END_NOTICE_DAYS": "3650"})
        assert result.exit_code == 0, result.output
        return result.output

    assert f"新提醒 {DEMO_POSTINGS} 个任期" in run()
    assert "新提醒 0 个任期" in run()


def test_postings_without_a_planned_end_are_not_reminded(make_app: Any) -> None:
    app = make_app()
    with app.app_context():
        db.session.execute(sa.update(Posting).values(planned_end=None))
        db.session.commit()
        assert remind_term_ends(BJ_NOTICE_DAY) == []
