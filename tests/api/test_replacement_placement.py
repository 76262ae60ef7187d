"""Mid-term replacement rules read from the registry: who may supply the nominee (the township
for a team member), the dispatch unit's level, and the planned end of the term."""

from __future__ import annotations

import pytest
from process_helpers import FS_REQUEST, Api, problem_fields, problem_rules

from service.persistence.db import db
from service.persistence.models import Org

TEAM_REQUEST = {**FS_REQUEST, "cadre_id": "c-liuyang", "role": "team_member", "nominee_id": "c-xuming"}


@pytest.fixture
def api(client, auth, clock):
    return Api(client, auth)


def rules(body: dict, field: str) -> list[str]:
    return problem_rules(body).get(field, [])


def test_the_township_may_supply_a_team_members_successor(api):
    # 徐明 is 青山镇's own cadre; 刘洋 is a team member in 上庄村 (青山镇).
    iid = api.post("hr_edu", "/adjustments", TEAM_REQUEST, status=201)["instance_id"]
    for login in ("tw_qingshan", "county", "rrb"):
        api.act(login, iid)
    assert api.instance("admin", iid)["status"] == "completed"


def test_the_township_does_not_supply_a_first_secretary(api):
    body = api.post("hr_edu", "/adjustments", {**FS_REQUEST, "nominee_id": "c-xuming"}, status=422)
    assert "nominee_other_unit" in rules(body, "nominee_id")


def test_a_revision_may_name_a_township_cadre_for_a_team_member(api):
    request = {**TEAM_REQUEST, "nominee_id": "c-zhengkai"}
    iid = api.post("hr_edu", "/adjustments", request, status=201)["instance_id"]
    api.act("tw_qingshan", iid, "return", comment="请改由乡镇补齐")
    api.act("hr_edu", iid, "resubmit", data={"nominee_id": "c-xuming"})
    assert api.task_of("tw_qingshan", iid)["spec_id"] == "township_consent"
    assert api.instance("admin", iid)["data"]["nominee_id"] == "c-xuming"


def test_first_secretary_of_a_red_village_must_come_from_a_county_level_unit(app, api):
    # 赵敏 (教育局) is first secretary of 红岩村, a 红色名村; make 教育局 a city-level unit.
    set_level(app, "unit-edu", "city")
    try:
        request = {**FS_REQUEST, "cadre_id": "c-zhaomin", "village_id": "v-hongyan"}
        body = api.post("hr_edu", "/adjustments", request, status=422)
        assert "first_secretary_not_county_level" in rules(body, "nominee_id")
        # 上庄村 is a 脱贫村: a city-level unit's first secretary is fine there.
        api.post("hr_edu", "/adjustments", FS_REQUEST, status=201)
    finally:
        set_level(app, "unit-edu", "county")


def set_level(app, unit_id: str, level: str) -> None:
    with app.app_context():
        db.session.get(Org, unit_id).level = level
        db.session.commit()


def test_a_change_at_the_planned_end_is_refused_as_a_rotation(api):
    # The demo terms end 2027-02-28 (planned_end).
    lina = {**FS_REQUEST, "cadre_id": "c-lina", "village_id": "v-shuikou", "nominee_id": "c-zhoujie"}
    body = api.post("hr_hospital", "/adjustments", {**lina, "effective_date": "2027-02-28"}, status=422)
    messages = problem_fields(body)["effective_date"]
    assert rules(body, "effective_date") == ["term_ended_use_rotation"]
    assert "期满轮换" in messages[0]
    api.post("hr_hospital", "/adjustments", {**lina, "effective_date": "2027-02-27"}, status=201)
