"""Years, dates and numbers outside what the county's work can mean are a 422 naming the field,
refused before anything is written (service/core/bounds.py). The module clock: 2026-12-01."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from process_helpers import FS_REQUEST, Api, problem_fields

from service.commands.calendar import enter_year
from service.core.bounds import FORM_NUMBER_MAX, check_form_values
from service.core.errors import ValidationFailed
from service.core.principal import Principal
from service.persistence.db import db
from service.persistence.models import (
    CalendarEntry,
    CalendarYear,
    HistoryEvent,
    Posting,
    ProcessInstance,
    User,
)
from workflows.working_days import SHANGHAI


@pytest.fixture
def api(client, auth, clock):
    return Api(client, auth)


def _count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))


@pytest.mark.parametrize("year", [0, 1, 1999, 2101, 10000])
def test_a_calendar_year_out_of_range_is_422_and_nothing_is_written(api, app, year):
    """Year 0 used to answer 500 after committing an append-only entry."""
    before = (_count(app, CalendarEntry), _count(app, CalendarYear), _count(app, HistoryEvent))
    response = api.client.put(f"/api/v1/calendar/years/{year}", json={"holidays": []},
                              headers=api.auth("admin"))
    assert response.status_code == 422, response.get_data(as_text=True)
    assert "2000" in problem_fields(response.get_json())["year"][0]
    assert (_count(app, CalendarEntry), _count(app, CalendarYear), _count(app, HistoryEvent)) == before
    assert api.client.get(f"/api/v1/calendar/years/{year}", headers=api.auth("admin")).status_code == 404


def test_the_calendar_command_checks_the_year_before_writing(app, clock):
    with app.app_context():
        admin = Principal.from_user(db.session.get_one(User, "admin"))
        before = db.session.scalar(sa.select(sa.func.count()).select_from(CalendarEntry))
        with pytest.raises(ValidationFailed) as refused:
            enter_year(admin, 0, [], [])
        assert "year" in refused.value.errors
        db.session.rollback()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(CalendarEntry)) == before


def test_a_calendar_year_at_the_ends_of_the_range_is_taken(api):
    response = api.client.put("/api/v1/calendar/years/2100", json={"holidays": ["2100-01-01"]},
                              headers=api.auth("admin"))
    assert response.status_code == 200, response.get_json()


def test_a_calendar_list_longer_than_a_year_is_422(api):
    days = ["2099-01-01"] * 367
    response = api.client.put("/api/v1/calendar/years/2099", json={"holidays": days},
                              headers=api.auth("admin"))
    assert response.status_code == 422
    assert "holidays" in problem_fields(response.get_json())


@pytest.mark.parametrize("value, message", [
    ("9999-12-31", "2000"),  # accepted before, and a replacement started
    ("0001-01-01", "2000"),
    ("2028-12-02", "2028-12-01"),  # 2 years and a day from the clock's today
])
def test_an_effective_date_out_of_the_window_is_422(api, app, value, message):
    before = _count(app, ProcessInstance)
    request = {**FS_REQUEST, "cadre_id": "c-lina", "village_id": "v-shuikou", "nominee_id": "c-zhoujie",
               "effective_date": value}
    body = api.post("hr_hospital", "/adjustments", request, status=422)
    assert message in problem_fields(body)["effective_date"][0]
    assert _count(app, ProcessInstance) == before


def test_an_effective_date_two_years_ahead_is_still_taken(app, api):
    # Within the term: a change on or after the planned end would be a rotation, not an adjustment.
    with app.app_context():
        posting = db.session.execute(sa.select(Posting).where(
            Posting.cadre_id == "c-wangqiang", Posting.active.is_(True))).scalar_one()
        posting.planned_end = date(2029, 2, 28)
        db.session.commit()
    request = {**FS_REQUEST, "cadre_id": "c-wangqiang", "village_id": "v-xinglong", "nominee_id": "c-wuting",
               "effective_date": "2028-12-01"}
    api.post("hr_power", "/adjustments", request, status=201)


@pytest.fixture(scope="module")
def request_id(app, tokens, clock):
    response = app.test_client().post("/api/v1/adjustments",
                                      headers={"Authorization": f"Bearer {tokens['hr_edu']}"},
                                      json={**FS_REQUEST, "cadre_id": "c-liuyang", "role": "team_member"})
    assert response.status_code == 201, response.get_json()
    return response.get_json()["instance_id"]


@pytest.mark.parametrize("at", ["0001-01-01T00:00:00+08:00", "9999-12-31T23:59:59-12:00",
                                "9999-12-31T23:59:59+00:00", "1999-12-31T23:59:59+08:00"])
def test_an_audit_time_out_of_range_is_422_naming_at(api, request_id, at):
    """The first two used to overflow in the time zone conversion (500)."""
    response = api.client.get(f"/api/v1/audit/instances/{request_id}/state", query_string={"at": at},
                              headers=api.auth("auditor"))
    assert response.status_code == 422, response.get_data(as_text=True)
    assert "at" in problem_fields(response.get_json())


def test_a_form_date_out_of_range_is_422_naming_the_field(api, app, clock):
    today = clock.now().astimezone(SHANGHAI).date().isoformat()  # effective today: arrival may be today
    request = {**FS_REQUEST, "cadre_id": "c-zhaomin", "village_id": "v-hongyan", "nominee_id": "c-zhengkai",
               "effective_date": today}
    replacement = api.post("hr_edu", "/adjustments", request, status=201)["instance_id"]
    for login in ("tw_baishui", "county", "orgdept"):
        done = api.act(login, replacement, comment="同意")
    (iid,) = done["started_instances"]  # the handover; its first task: 白水乡 confirms the arrival
    with app.app_context():
        events = db.session.scalar(sa.select(sa.func.count()).select_from(HistoryEvent)
                                   .where(HistoryEvent.instance_id == iid))
    body = api.act("tw_baishui", iid, data={"arrival_date": "9999-12-31"}, status=422)
    assert "到岗日期" in problem_fields(body)["data.arrival_date"][0]
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(HistoryEvent)
                                 .where(HistoryEvent.instance_id == iid)) == events
    api.act("tw_baishui", iid, data={"arrival_date": today})


def test_form_numbers_and_effective_dates_by_field_type():
    fields = [{"id": "funds_yuan", "label": "拨付驻村工作经费（元）", "type": "long"},
              {"id": "effective_date", "label": "到任日期", "type": "date"},
              {"id": "note", "type": "string"}]
    today = date(2026, 12, 1)
    check_form_values(fields, {"funds_yuan": 10_000, "effective_date": "2028-12-01", "note": "9999-12-31"},
                      today)
    check_form_values(fields, {"funds_yuan": "abc", "effective_date": "not a date"}, today)  # the engine's
    for data, field in [({"funds_yuan": -1}, "data.funds_yuan"),
                        ({"funds_yuan": FORM_NUMBER_MAX + 1}, "data.funds_yuan"),
                        ({"effective_date": "2028-12-02"}, "data.effective_date")]:
        with pytest.raises(ValidationFailed) as refused:
            check_form_values(fields, data, today)
        assert list(refused.value.errors) == [field]
