"""节假日 pages: which years are covered (and which is missing), entering a year's holidays and
adjusted working days as an administrator, read-only for the county bodies, nothing for others."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

import pytest
import sqlalchemy as sa
from command_helpers import request, who
from page_client import Browser

from service import commands
from service.core.clock import ManualClock, install_clock
from service.persistence.db import db
from service.persistence.models import CalendarEntry, PendingTimer
from workflows.working_days import SHANGHAI

SPRING = {"holidays": "2027-01-01\n2027-02-15 至 2027-02-21、2027-10-01～2027-10-07",
          "workdays": "2027-02-07，2027-02-28", "note": "国办发明电〔2026〕X号"}


def _row(page: str, year: int) -> str:
    found = re.search(rf'<tr id="year-{year}".*?</tr>', page, re.S)
    assert found, year
    return found.group(0)


def test_admin_sees_next_year_missing_and_this_year_covered(app: Any, clock: Any) -> None:
    page = Browser(app, "admin").get("/calendar")
    assert ">节假日</a>" in page  # the menu
    # The module clock is 2026-12-01: chinese-calendar knows 2026, nobody has published 2027 yet.
    assert "缺失" in _row(page, 2027) and "明年" in _row(page, 2027) and ">录入<" in _row(page, 2027)
    assert "已覆盖" in _row(page, 2026) and "内置日历" in _row(page, 2026)
    # Older years the migration pinned are listed in one line, not a row each.
    assert 'id="year-2010"' not in page and '<a href="/calendar/2010">2010</a>' in page
    assert re.search(r'id="calendar-missing">\s*<a href="/calendar/2027">2027 年</a>', page)
    banner = Browser(app, "admin").get("/inbox")
    assert '<a href="/calendar">节假日</a>页录入' in banner


@pytest.mark.parametrize("login", ["county", "orgdept", "rrb"])
def test_county_bodies_read_without_a_form(app: Any, clock: Any, login: str) -> None:
    reader = Browser(app, login)
    assert "缺失" in _row(reader.get("/calendar"), 2027)
    year = reader.get("/calendar/2026")
    assert "国庆" not in year and "2026-10-01（周四）" in year  # the days, with their weekday
    assert 'id="calendar-form"' not in year
    assert reader.post("/calendar/2027", SPRING, page="/calendar/2027").status_code == 403


@pytest.mark.parametrize("login", ["hr_edu", "tw_qingshan", "auditor"])
def test_others_have_no_calendar_pages(app: Any, clock: Any, login: str) -> None:
    user = Browser(app, login)
    assert user.get("/calendar", status=403) and user.get("/calendar/2027", status=403)
    assert ">节假日</a>" not in user.get("/inbox")


def test_input_problems_are_named_by_field_and_nothing_is_saved(app: Any, clock: Any) -> None:
    admin = Browser(app, "admin")
    cases = [
        ({"holidays": "2027-13-01\n2027-10-01 至 2027-09-30"},
         ['data-error-for="holidays">放假日期：“2027-13-01”不是有效日期',
          'data-error-for="holidays">放假日期：“2027-10-01 至 2027-09-30”的结束日期早于开始日期']),
        ({"holidays": ""}, ['data-error-for="holidays">放假日期：请填写该年放假的日期']),
        ({"holidays": "2026-10-01"}, ['data-error-for="holidays">放假日期：日期不属于 2027 年：2026-10-01']),
        ({"holidays": "2027-02-15 至 2027-02-21", "workdays": "2027-02-20"},
         ['data-error-for="workdays">调休上班日期：日期既是假日又是调休工作日：2027-02-20']),
        ({"holidays": "2027-01-01", "note": "号" * 501}, ['data-error-for="note">依据过长：最多 500 字']),
    ]
    for form, messages in cases:
        response = admin.post("/calendar/2027", form)
        assert response.status_code == 422, form
        html = response.get_data(as_text=True)
        assert "未保存：请按各栏提示修改。" in html
        for message in messages:
            assert message in html, (form, message)
    with app.app_context():
        assert db.session.execute(sa.select(sa.func.count()).select_from(CalendarEntry)).scalar_one() == 0


def test_admin_enters_and_corrects_a_year(app: Any, clock: Any, auth: Any) -> None:
    admin = Browser(app, "admin")
    response = admin.post("/calendar/2027", SPRING)
    assert response.status_code == 302 and response.headers["Location"].endswith("/calendar/2027")
    page = admin.get("/calendar/2027")
    assert "已录入 2027 年节假日安排（第 1 版）" in page
    assert "2027-02-07（周日）" in page and "放假日期（15 天）" in page
    assert "2027-02-15 至 2027-02-21\n2027-10-01 至 2027-10-07" in page  # the form, as ranges again
    assert "已覆盖" in _row(admin.get("/calendar"), 2027) and "第 1 版" in _row(admin.get("/calendar"), 2027)
    # The same command as the API: the API reads the entered version.
    entered = app.test_client().get("/api/v1/calendar/years/2027", headers=auth("hr_edu")).get_json()
    assert entered["holidays"][:2] == ["2027-01-01", "2027-02-15"] and entered["workdays"] == [
        "2027-02-07", "2027-02-28"] and entered["entered_by"] == "admin"
    admin.post("/calendar/2027", {**SPRING, "workdays": "2027-02-07"})
    again = admin.get("/calendar/2027")
    assert "第 2 版" in again and "更正（保存为第 3 版）" in again
    assert "'calendar-missing'" not in admin.get("/calendar") and 'id="calendar-missing"' not in admin.get(
        "/calendar")
    assert Browser(app, "admin").get("/calendar/1999", status=404)


def test_entering_a_year_recomputes_the_deadlines_that_reach_it(make_app: Any) -> None:
    app = make_app()
    at = datetime(2026, 12, 28, 9, 0, tzinfo=SHANGHAI)  # a Monday: 5 working days reach into 2027
    install_clock(app, ManualClock(at))
    with app.app_context():
        instance = commands.submit_adjustment(who("hr_edu"), request(effective_date=at.date())).id
    admin = Browser(app, "admin")
    response = admin.post("/calendar/2027", {"holidays": "2027-01-01 至 2027-01-03"})
    assert response.status_code == 302
    page = admin.get("/calendar/2027")
    assert "已录入 2027 年节假日安排（第 1 版），已重算 1 个在办流程的期限。" in page
    with app.app_context():
        fire = db.session.execute(sa.select(PendingTimer.fire_at).where(
            PendingTimer.instance_id == instance).order_by(PendingTimer.fire_at.desc())).scalars().first()
        assert fire is not None and fire.astimezone(SHANGHAI).date() >= date(2027, 1, 4)
