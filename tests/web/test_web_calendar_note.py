"""While a year has no official holiday calendar (deadlines reaching it count weekends only), the
administrators see a banner on every page and the deadlines that reach that year say so."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from command_helpers import request, who
from page_client import Browser

from service import commands
from service.core.clock import ManualClock, install_clock
from service.persistence.db import db
from service.persistence.models import CalendarPin
from workflows.working_days import SHANGHAI


def test_an_uncovered_year_shows_a_banner_to_admins_and_a_note_on_its_deadlines(make_app: Any) -> None:
    app = make_app()
    at = datetime(2026, 12, 28, 9, 0, tzinfo=SHANGHAI)  # a Monday; 5 working days reach 2027
    install_clock(app, ManualClock(at))
    with app.app_context():
        # 2027 as nobody has published it yet: counted weekends only (a stored fallback year)
        pin = db.session.query(CalendarPin).filter_by(year=2027).one_or_none()
        if pin is None:
            db.session.add(CalendarPin(year=2027, source="fallback", holidays=[], workdays=[],
                                       library_version=None, pinned_at=at))
        else:
            pin.source, pin.holidays, pin.workdays = "fallback", [], []
        db.session.commit()
        commands.submit_adjustment(who("hr_edu"), request(effective_date=at.date()))
    admin = Browser(app, "admin").get("/roster/cadres")
    assert 'id="calendar-banner"' in admin and "2027 年节假日安排尚未导入" in admin
    township = Browser(app, "tw_qingshan").get("/inbox")
    assert 'id="calendar-banner"' not in township  # only administrators can enter the calendar
    assert '<small class="calendar-note">2027 年节假日安排尚未导入，按周末计算</small>' in township
    assert "剩余 5 个工作日（1月4日）" in township  # Dec 29, 30, 31, Jan 1 (no holiday known), Jan 4
