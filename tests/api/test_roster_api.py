"""POST/PATCH /orgs, /villages, /cadres, /postings and /postings/{id}/end: 201/200 with the row,
422 problem+json naming the field, 403, 404, 409; and /audit/roster-changes for auditors."""

from __future__ import annotations

import pytest
from races import race
from roster_helpers import changes_of

from service.audit.roster_verify import verify_roster_log

CADRE = {
    "id": "c-api",
    "name": "接口干部",
    "unit_id": "unit-edu",
    "party_status": "formal",
    "party_member_since": "2012-07-01",
    "party_confirmed_on": "2013-07-01",
    "work_start_date": "2010-08-01",
    "employment_type": "formal_staff",
    "birth_date": "1988-05-05",
    "post": "科员",
    "rural_expertise": True,
}


def call(client, auth, method, path, login, body=None, status=200):
    response = client.open(path, method=method, headers=auth(login), json=body)
    assert response.status_code == status, response.get_json()
    if status >= 400:
        assert response.content_type == "application/problem+json"
    return response.get_json()


def test_a_township_and_a_unit_are_created_and_changed(client, auth, clock):
    body = call(
        client,
        auth,
        "POST",
        "/api/v1/orgs",
        "orgdept",
        {"id": "tw-api", "name": "接口镇", "kind": "township"},
        201,
    )
    assert body == {
        "id": "tw-api",
        "name": "接口镇",
        "kind": "township",
        "kind_name": "乡镇",
        "parent_id": "county",
        "level": None,
        "level_name": None,
        "unit_kind": None,
        "unit_kind_name": None,
    }
    unit = {
        "id": "unit-api",
        "name": "接口局",
        "kind": "dispatch_unit",
        "level": "city",
        "unit_kind": "enterprise",
    }
    body = call(client, auth, "POST", "/api/v1/orgs", "admin", unit, 201)
    assert (body["level_name"], body["unit_kind_name"]) == ("市级", "企业")
    body = call(client, auth, "PATCH", "/api/v1/orgs/unit-api", "orgdept", {"level": "province"})
    assert body["level_name"] == "省级"
    listed = call(client, auth, "GET", "/api/v1/orgs?kind=dispatch_unit&per_page=100", "county")["items"]
    assert {"unit-api", "unit-edu"} <= {o["id"] for o in listed}
    edu = next(o for o in listed if o["id"] == "unit-edu")  # the demo's units carry level and kind
    assert (edu["level_name"], edu["unit_kind_name"]) == ("县级", "党政机关")
    # 409 for an id taken, 404 for what is no township or unit, 403 for who may not, 422 naming the field.
    assert call(
        client,
        auth,
        "POST",
        "/api/v1/orgs",
        "orgdept",
        {"id": "tw-api", "name": "又一镇", "kind": "township"},
        409,
    )["errors"]["id"]
    call(client, auth, "PATCH", "/api/v1/orgs/county", "orgdept", {"name": "县"}, 404)
    call(client, auth, "PATCH", "/api/v1/orgs/tw-nowhere", "orgdept", {"name": "无"}, 404)
    call(client, auth, "PATCH", "/api/v1/orgs/tw-api", "hr_edu", {"name": "改名镇"}, 403)
    call(
        client,
        auth,
        "POST",
        "/api/v1/orgs",
        "auditor",
        {"id": "tw-x", "name": "审计镇", "kind": "township"},
        403,
    )
    problem = call(
        client,
        auth,
        "POST",
        "/api/v1/orgs",
        "orgdept",
        {"id": "unit-bad", "name": "缺性质局", "kind": "dispatch_unit", "level": "county"},
        422,
    )
    assert problem["errors"] == {"unit_kind": ["单位性质不能为空。"]}
    problem = call(
        client,
        auth,
        "POST",
        "/api/v1/orgs",
        "orgdept",
        {"id": "tw-bad", "name": "青山镇", "kind": "township"},
        422,
    )
    assert "已被乡镇（编号 tw-qingshan）使用" in problem["errors"]["name"][0]


def test_a_village_carries_several_categories(client, auth, clock):
    body = call(
        client,
        auth,
        "POST",
        "/api/v1/villages",
        "orgdept",
        {
            "id": "v-api",
            "name": "接口村",
            "township_id": "tw-hongqi",
            "categories": ["red_village", "poverty_alleviated"],
        },
        201,
    )
    assert body["category"] == "red_village" and body["categories"] == ["red_village", "poverty_alleviated"]
    assert body["category_names"] == ["省市红色名村", "“十三五”脱贫村"] and body["has_work_team"] is True
    body = call(
        client, auth, "PATCH", "/api/v1/villages/v-api", "orgdept", {"categories": ["weak_party_org"]}
    )
    assert (body["categories"], body["has_work_team"]) == (["weak_party_org"], False)
    problem = call(client, auth, "PATCH", "/api/v1/villages/v-api", "orgdept", {"categories": []}, 422)
    assert list(problem["errors"]) == ["categories"]
    problem = call(
        client, auth, "PATCH", "/api/v1/villages/v-api", "orgdept", {"township_id": "unit-edu"}, 422
    )
    assert problem["errors"]["township_id"] == ["所属乡镇须为乡镇，“XX县教育局”不是乡镇。"]
    call(client, auth, "PATCH", "/api/v1/villages/v-nowhere", "orgdept", {"name": "无"}, 404)
    call(client, auth, "PATCH", "/api/v1/villages/v-api", "tw_hongqi", {"name": "乡改村"}, 403)
    listed = call(client, auth, "GET", "/api/v1/villages?category=weak_party_org&per_page=100", "county")[
        "items"
    ]
    assert "v-api" in {v["id"] for v in listed}


def test_a_cadre_is_created_and_its_facts_changed(client, auth, clock):
    body = call(client, auth, "POST", "/api/v1/cadres", "hr_edu", CADRE, 201)
    assert (body["party_confirmed_on"], body["post"], body["rural_expertise"]) == ("2013-07-01", "科员", True)
    assert (body["employment_type_name"], body["party_status_name"]) == ("正式职工", "中共正式党员")
    body = call(client, auth, "PATCH", "/api/v1/cadres/c-api", "hr_edu", {"post": "副科长"})
    assert body["post"] == "副科长"
    assert call(client, auth, "GET", "/api/v1/cadres/c-api", "hr_edu")["post"] == "副科长"
    call(client, auth, "POST", "/api/v1/cadres", "hr_edu", CADRE, 409)
    problem = call(client, auth, "PATCH", "/api/v1/cadres/c-api", "hr_edu", {"birth_date": "2027-01-01"}, 422)
    assert problem["errors"]["birth_date"] == ["出生日期不能晚于今天（2026-12-01），现为 2027-01-01。"]
    call(client, auth, "PATCH", "/api/v1/cadres/c-api", "hr_edu", {"unit_id": "unit-power"}, 403)
    call(client, auth, "PATCH", "/api/v1/cadres/c-lina", "hr_edu", {"post": "院长"}, 404)  # not theirs to see
    call(client, auth, "PATCH", "/api/v1/cadres/c-zhangwei", "tw_qingshan", {"post": "镇长"}, 403)
    call(client, auth, "PATCH", "/api/v1/cadres/c-zhangwei", "county", {"post": "县长"}, 403)
    problem = call(client, auth, "PATCH", "/api/v1/cadres/c-api", "orgdept", {"shoe_size": 42}, 422)
    assert "shoe_size" in problem["errors"]


def test_a_posting_is_created_extended_and_ended(client, auth, clock):
    call(client, auth, "POST", "/api/v1/cadres", "orgdept", {**CADRE, "id": "c-api-post"}, 201)
    body = call(
        client,
        auth,
        "POST",
        "/api/v1/postings",
        "orgdept",
        {
            "cadre_id": "c-api-post",
            "village_id": "v-liujia",
            "role": "first_secretary",
            "term_start": "2026-11-01",
        },
        201,
    )
    assert (body["planned_end"], body["supplier_id"], body["supplier_name"]) == (
        "2028-10-31",
        "unit-edu",
        "XX县教育局",
    )
    assert (body["role_name"], body["cadre_name"], body["active"]) == ("驻村第一书记", "接口干部", True)
    posting_id = body["id"]
    body = call(
        client, auth, "PATCH", f"/api/v1/postings/{posting_id}", "orgdept", {"planned_end": "2029-01-31"}
    )
    assert body["planned_end"] == body["term_end"] == "2029-01-31"
    problem = call(
        client, auth, "PATCH", f"/api/v1/postings/{posting_id}", "orgdept", {"planned_end": "2027-01-31"}, 422
    )
    assert "任期至少 2 年" in problem["errors"]["planned_end"][0]
    call(
        client, auth, "PATCH", f"/api/v1/postings/{posting_id}", "hr_edu", {"planned_end": "2029-02-28"}, 403
    )
    call(client, auth, "PATCH", "/api/v1/postings/999999", "orgdept", {"planned_end": "2029-02-28"}, 404)
    listed = call(client, auth, "GET", "/api/v1/postings?cadre_id=c-api-post", "orgdept")["items"]
    assert [p["id"] for p in listed] == [posting_id]
    problem = call(
        client, auth, "POST", f"/api/v1/postings/{posting_id}/end", "orgdept", {"ended_on": "2026-11-20"}, 422
    )
    assert list(problem["errors"]) == ["reason"]
    body = call(
        client,
        auth,
        "POST",
        f"/api/v1/postings/{posting_id}/end",
        "orgdept",
        {"ended_on": "2026-11-20", "reason": "身体原因"},
    )
    assert (body["active"], body["ended_on"], body["term_end"]) == (False, "2026-11-20", "2026-11-20")
    cadre = call(client, auth, "GET", "/api/v1/cadres/c-api-post", "orgdept")
    assert cadre["posted"] is False and cadre["postings"][0]["ended_on"] == "2026-11-20"


def test_auditors_read_the_change_log_with_names_and_filters(client, auth, clock):
    call(client, auth, "POST", "/api/v1/cadres", "hr_edu", {**CADRE, "id": "c-api-log"}, 201)
    call(client, auth, "PATCH", "/api/v1/cadres/c-api-log", "hr_edu", {"post": "股长"})
    page = call(
        client, auth, "GET", "/api/v1/audit/roster-changes?entity=cadre&entity_id=c-api-log", "auditor"
    )
    assert page["total"] == 2
    latest = page["items"][0]
    assert (latest["action_name"], latest["actor_name"], latest["actor_role_name"]) == (
        "修改",
        "教育局人事股 王芳",
        "派出单位（人事部门）",
    )
    assert (latest["record_name"], latest["entity_name"], latest["source_name"]) == (
        "接口干部",
        "干部",
        "接口",
    )
    assert (latest["before"], latest["after"]) == ({"post": "科员"}, {"post": "股长"})
    by_actor = call(client, auth, "GET", "/api/v1/audit/roster-changes?actor=hr_edu&per_page=100", "auditor")
    assert by_actor["items"] and {c["actor_login"] for c in by_actor["items"]} == {"hr_edu"}
    today = call(client, auth, "GET", "/api/v1/audit/roster-changes?from=2026-12-01&to=2026-12-01", "auditor")
    none = call(client, auth, "GET", "/api/v1/audit/roster-changes?from=2026-11-01&to=2026-11-30", "auditor")
    assert today["total"] >= 2 and none["total"] == 0
    call(client, auth, "GET", "/api/v1/audit/roster-changes?from=1999-01-01", "auditor", status=422)
    call(client, auth, "GET", "/api/v1/audit/roster-changes", "orgdept", status=403)
    verdict = call(client, auth, "GET", "/api/v1/audit/roster-changes/verify", "auditor")
    assert verdict["chain"] == "ok" and verdict["changes"] >= 2
    assert call(client, auth, "GET", "/api/v1/audit/roster-changes/verify", "admin")["chain"] == "ok"
    call(client, auth, "GET", "/api/v1/audit/roster-changes/verify", "hr_edu", status=403)


def test_twenty_parallel_identical_creations_make_one_cadre_and_one_change(pg_app, tokens):
    statuses = race(pg_app, tokens["orgdept"], "/api/v1/cadres", {**CADRE, "id": "c-race"})
    assert statuses.count(201) == 1 and set(statuses) == {201, 409}
    with pg_app.app_context():
        assert len(changes_of("cadre", "c-race")) == 1
        assert verify_roster_log().ok


@pytest.mark.parametrize("path", ["/api/v1/orgs", "/api/v1/villages", "/api/v1/cadres", "/api/v1/postings"])
def test_writes_need_a_token(client, path):
    assert client.post(path, json={}).status_code == 401


def test_a_township_reads_and_keeps_its_own_staff(client, auth, clock):
    staff = {**CADRE, "id": "c-api-town", "name": "镇干部", "unit_id": "tw-qingshan"}
    call(client, auth, "POST", "/api/v1/cadres", "tw_qingshan", staff, 201)
    assert call(client, auth, "GET", "/api/v1/cadres/c-api-town", "tw_qingshan")["unit_name"] == "青山镇"
    body = call(client, auth, "PATCH", "/api/v1/cadres/c-api-town", "tw_qingshan", {"post": "党政办主任"})
    assert body["post"] == "党政办主任"
    call(client, auth, "GET", "/api/v1/cadres/c-api-town", "tw_baishui", status=404)
    call(
        client,
        auth,
        "POST",
        "/api/v1/cadres",
        "tw_qingshan",
        {**staff, "id": "c-api-bs", "unit_id": "tw-baishui"},
        403,
    )


def test_the_openapi_document_lists_the_roster_endpoints(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert {"post", "get"} <= set(paths["/api/v1/orgs"]) and "patch" in paths["/api/v1/orgs/{org_id}"]
    assert "patch" in paths["/api/v1/villages/{village_id}"] and "post" in paths["/api/v1/villages"]
    assert "patch" in paths["/api/v1/cadres/{cadre_id}"] and "post" in paths["/api/v1/cadres"]
    assert {"get", "post"} <= set(paths["/api/v1/postings"])
    assert (
        "patch" in paths["/api/v1/postings/{posting_id}"]
        and "post" in paths["/api/v1/postings/{posting_id}/end"]
    )
    assert (
        "get" in paths["/api/v1/audit/roster-changes"]
        and "get" in paths["/api/v1/audit/roster-changes/verify"]
    )
    responses = paths["/api/v1/cadres"]["post"]["responses"]
    assert {"201", "422"} <= set(responses)
