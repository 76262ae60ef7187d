"""Validation of adjustment requests: schema errors and domain rules, each named in problem+json."""

from __future__ import annotations

import pytest
from process_helpers import FS_REQUEST, Api, problem_fields, problem_rules


@pytest.fixture
def api(client, auth, clock):
    return Api(client, auth)


def refused(api, status=422, login="hr_edu", **changes):
    body = {**FS_REQUEST, **changes}
    for key in [k for k, v in changes.items() if v is None]:
        body.pop(key)
    response = api.post(login, "/adjustments", body, status=status)
    problem_fields(response)
    return problem_rules(response) if status == 422 else {}


def test_schema_errors_name_every_field(api):
    body = {**FS_REQUEST, "colour": "red", "role": "mayor", "effective_date": "tomorrow"}
    body.pop("cadre_id")
    errors = problem_fields(api.post("hr_edu", "/adjustments", body, status=422))
    assert {"colour", "role", "effective_date", "cadre_id"} <= set(errors)


@pytest.mark.parametrize("nominee, rule", [
    ("c-qianli", "nominee_not_formal_party_member"),
    ("c-fengxue", "nominee_party_standing_under_1_year"),
    ("c-heping", "nominee_work_experience_under_2_years"),
    ("c-luoyi", "nominee_temporary_staff"),
])
def test_ineligible_nominee_each_reason(api, nominee, rule):
    errors = refused(api, nominee_id=nominee)
    assert rule in errors["nominee_id"], errors


def test_other_reason_needs_justification(api):
    errors = refused(api, reason="other", justification="  ")
    assert "justification_required" in errors["justification"]


@pytest.mark.parametrize("changes", [{"village_id": "v-xiahe"}, {"role": "team_member"}])
def test_cadre_must_be_posted_there_in_that_role(api, changes):
    errors = refused(api, **changes)
    assert "cadre_not_posted" in errors["village_id"]


def test_nominee_is_not_the_cadre(api):
    errors = refused(api, nominee_id="c-zhangwei")
    assert "nominee_same_as_cadre" in errors["nominee_id"]


def test_nominee_from_another_unit(api):
    errors = refused(api, nominee_id="c-zhoujie")
    assert "nominee_other_unit" in errors["nominee_id"]


def test_other_units_cadre_is_forbidden(api):
    refused(api, status=403, login="hr_hospital")


def test_duplicate_open_request(api):
    api.post("hr_edu", "/adjustments", FS_REQUEST, status=201)
    errors = refused(api)
    assert "duplicate_open_request" in errors["cadre_id"]
    assert api.get("admin", "/instances?cadre_id=c-zhangwei")["total"] == 1


def test_complete_validates_decision_comment_and_form(api):
    iid = api.get("hr_edu", "/instances?cadre_id=c-zhangwei")["items"][0]["id"]
    task = api.task_of("tw_qingshan", iid)
    path = f"/tasks/{task['id']}/complete"
    assert "decision" in problem_fields(api.post("tw_qingshan", path, {"decision": "maybe"}, status=422))
    assert "decision" in problem_fields(api.post("tw_qingshan", path, {"comment": "x"}, status=422))
    assert "comment" in problem_fields(api.post("tw_qingshan", path, {"decision": "return"}, status=422))
    assert "data.note" in problem_fields(api.post("tw_qingshan", path, {"decision": "approve",
                                                                         "data": {"note": 1}}, status=422))
    assert "extra" in problem_fields(api.post("tw_qingshan", path, {"decision": "approve", "extra": 1},
                                              status=422))
    assert api.task_of("tw_qingshan", iid)["status"] == "open"
