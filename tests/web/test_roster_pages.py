"""The 名册 pages through the test client: who sees which forms, saving from a form (with the
change in the history), errors next to their fields, a township's postings, and 403/404 as in
the API."""

from __future__ import annotations

from typing import Any

import pytest
from page_client import Browser
from roster_helpers import changes_of

from service.persistence.db import db
from service.persistence.models import Cadre, Posting, Village

CADRE_FORM = {
    "id": "c-page",
    "name": "页面干部",
    "unit_id": "unit-edu",
    "post": "科员",
    "birth_date": "1990-02-02",
    "work_start_date": "2012-08-01",
    "employment_type": "permanent",
    "party_status": "formal",
    "party_member_since": "2014-07-01",
    "party_confirmed_on": "2015-07-01",
}


@pytest.fixture(autouse=True)
def _clock(clock: Any) -> None:
    """The module's ManualClock (today is 2026-12-01)."""


def fetch(app: Any, model: Any, key: Any) -> Any:
    """A row read in its own app context (a page request must not share the test's context)."""
    with app.app_context():
        row = db.session.get(model, key)
        if row is not None:
            db.session.expunge(row)
        return row


def log_of(app: Any, entity: str, entity_id: str) -> list[Any]:
    with app.app_context():
        rows = changes_of(entity, entity_id)
        db.session.expunge_all()
        return rows


def posting_of(app: Any, cadre_id: str) -> Any:
    with app.app_context():
        row = db.session.execute(db.select(Posting).where(Posting.cadre_id == cadre_id)).scalar_one()
        db.session.expunge(row)
        return row


@pytest.mark.parametrize(
    "path",
    [
        "/roster/cadres",
        "/roster/villages",
        "/roster/townships",
        "/roster/units",
        "/roster/village/v-shangzhuang",
        "/roster/unit/unit-edu",
        "/roster/township/tw-qingshan",
        "/roster/cadre/c-zhangwei",
    ],
)
def test_every_roster_page_opens_for_the_county_and_not_for_a_cadre(app: Any, path: str) -> None:
    html = Browser(app, "county").get(path)
    assert 'id="save-record"' not in html and 'id="new-record"' not in html  # reads only
    Browser(app, "cadre_zhangwei").get(path, status=403)


def test_the_organization_department_creates_and_edits_a_cadre(app: Any) -> None:
    org = Browser(app, "orgdept")
    assert 'id="new-record"' in org.get("/roster/cadres")
    response = org.post("/roster/cadre/new", CADRE_FORM)
    assert response.status_code == 302 and response.location.endswith("/roster/cadre/c-page")
    cadre = fetch(app, Cadre, "c-page")
    assert (cadre.post, cadre.rural_expertise, str(cadre.party_confirmed_on)) == ("科员", False, "2015-07-01")
    # The same form again changes nothing; a new post is logged alone.
    assert org.post("/roster/cadre/c-page", CADRE_FORM).status_code == 302
    assert (
        org.post(
            "/roster/cadre/c-page", {**CADRE_FORM, "post": "副科长", "rural_expertise": "on"}
        ).status_code
        == 302
    )
    changes = log_of(app, "cadre", "c-page")
    assert [c.action for c in changes] == ["create", "update"]
    assert changes[1].after == {"post": "副科长", "rural_expertise": True} and changes[1].source == "page"
    html = org.get("/roster/cadre/c-page")
    assert "县委组织部 郭静" in html and "副科长" in html and "有农村工作经历或农业专长" in html
    # A taken id is refused, not turned into an update of the other record.
    response = org.post("/roster/cadre/new", {**CADRE_FORM, "name": "重名"})
    assert response.status_code == 422 and "编号 c-page 已被使用" in response.get_data(as_text=True)
    assert fetch(app, Cadre, "c-page").name == "页面干部"


def test_errors_are_shown_next_to_their_fields_and_nothing_is_saved(app: Any) -> None:
    org = Browser(app, "orgdept")
    bad = {**CADRE_FORM, "id": "c-bad", "birth_date": "2030-01-01", "party_status": "none", "name": ""}
    response = org.post("/roster/cadre/new", bad, page="/roster/cadre/new")
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and 'id="form-errors"' in html
    assert 'data-error-for="birth_date">出生日期不能晚于今天' in html
    assert 'data-error-for="name">姓名不能为空' in html
    assert 'data-error-for="party_status">政治面貌为群众时不应填写入党时间' in html
    assert fetch(app, Cadre, "c-bad") is None


def test_village_categories_are_chosen_main_first(app: Any) -> None:
    org = Browser(app, "orgdept")
    form = {
        "id": "v-page",
        "name": "页面村",
        "township_id": "tw-baishui",
        "category_main": "key_assistance",
        "categories_other": ["red_village", "key_assistance"],
    }
    assert org.post("/roster/village/new", form).status_code == 302
    assert fetch(app, Village, "v-page").categories == ["key_assistance", "red_village"]
    response = org.post("/roster/village/v-page", {"name": "页面村", "township_id": "tw-baishui"})
    assert response.status_code == 422 and "村类别至少选一项" in response.get_data(as_text=True)
    html = org.get("/roster/villages?category=red_village&township_id=tw-baishui")
    assert "页面村" in html and "红岩村" in html and "水口村" not in html


def test_unit_hr_edits_only_its_own_cadres_and_not_their_unit(app: Any) -> None:
    hr = Browser(app, "hr_edu")
    html = hr.get("/roster/cadre/c-sunhao")
    assert 'id="save-record"' in html and '<select name="unit_id" disabled>' in html
    assert (
        hr.post(
            "/roster/cadre/c-sunhao", {**CADRE_FORM, "id": "c-sunhao", "name": "孙浩", "post": "教研员"}
        ).status_code
        == 302
    )
    assert fetch(app, Cadre, "c-sunhao").unit_id == "unit-edu"
    assert fetch(app, Cadre, "c-sunhao").post == "教研员"
    hr.get("/roster/cadre/c-lina", status=404)  # another unit's cadre: as if it did not exist
    assert 'id="save-record"' not in hr.get("/roster/village/v-shangzhuang")
    assert hr.post("/roster/village/v-shangzhuang", {"name": "改名村"}).status_code == 403
    assert fetch(app, Village, "v-shangzhuang").name == "上庄村"


def test_a_township_posts_ends_its_own_team_member(app: Any) -> None:
    org = Browser(app, "orgdept")
    staff = {**CADRE_FORM, "id": "c-qs-page", "name": "镇补队员", "unit_id": "tw-qingshan"}
    assert org.post("/roster/cadre/new", staff).status_code == 302
    town = Browser(app, "tw_qingshan")
    html = town.get("/roster/cadre/c-qs-page")
    assert 'id="posting-form"' in html and 'value="first_secretary"' not in html
    response = town.post(
        "/roster/cadre/c-qs-page/postings",
        {
            "village_id": "v-xiahe",
            "role": "team_member",
            "term_start": "2026-11-01",
            "supplier_id": "tw-qingshan",
        },
        page="/roster/cadre/c-qs-page",
    )
    assert response.status_code == 302
    posting = posting_of(app, "c-qs-page")
    assert (posting.supplier_id, str(posting.planned_end)) == ("tw-qingshan", "2028-10-31")
    response = town.post(
        f"/roster/postings/{posting.id}/end",
        {"ended_on": "2026-11-30", "reason": ""},
        page="/roster/cadre/c-qs-page",
    )
    assert response.status_code == 422 and "结束原因不能为空" in response.get_data(as_text=True)
    response = town.post(
        f"/roster/postings/{posting.id}/end",
        {"ended_on": "2026-11-30", "reason": "调回乡镇"},
        page="/roster/cadre/c-qs-page",
    )
    assert response.status_code == 302
    assert not fetch(app, Posting, posting.id).active
    assert "结束任职" in town.get("/roster/cadre/c-qs-page")  # in the history
    # Another township's page of the same cadre is not its to change.
    other = Browser(app, "tw_baishui")
    other.get("/roster/cadre/c-qs-page", status=404)


def test_a_post_without_the_csrf_token_is_refused(app: Any) -> None:
    org = Browser(app, "orgdept")
    response = org.client.post("/roster/cadre/new", data=CADRE_FORM)
    assert response.status_code in (400, 403)
    assert fetch(app, Cadre, "c-page-csrf") is None
