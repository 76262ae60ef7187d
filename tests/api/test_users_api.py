"""/api/v1/users: create, read, change, reset the password of, deactivate and reactivate accounts.

Admins manage every account; the Organization Department (orgdept) only the accounts of the
county's units, townships and cadres, and does not even see the others."""

from __future__ import annotations

import json

import pytest
from user_admin_helpers import page_login, stored_secrets, user_log

NEW = {"login": "hr_edu_li", "display_name": "教育局人事股 李明",
       "roles": [{"role": "unit_hr", "scope_id": "unit-edu"}]}


def create(client, auth, body, by="admin"):
    return client.post("/api/v1/users", json=body, headers=auth(by))


def test_admin_creates_a_user_who_signs_in_with_the_one_time_password(app, client, auth):
    response = create(client, auth, NEW)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["login"] == "hr_edu_li" and body["active"] and body["has_password"]
    assert not body["has_token"]
    assert body["roles"] == [{"role": "unit_hr", "role_name": "派出单位（人事部门）", "scope_kind": "unit",
                              "scope_kind_name": "派出单位", "scope_id": "unit-edu",
                              "scope_name": "XX县教育局"}]
    password = body["one_time_password"]
    assert len(password) >= 10
    assert page_login(app.test_client(), "hr_edu_li", password).status_code == 302
    fetched = client.get("/api/v1/users/hr_edu_li", headers=auth("admin")).get_json()
    assert "one_time_password" not in fetched and "password_hash" not in json.dumps(fetched)
    [entry] = user_log(app, "hr_edu_li")
    assert entry["action"] == "create" and entry["actor_login"] == "admin" and entry["source"] == "api"
    assert entry["after"]["password"] == "已设置初始密码"
    assert entry["after"]["roles"] == [{"role": "unit_hr", "scope_kind": "unit", "scope_id": "unit-edu"}]
    logged = json.dumps(user_log(app, "hr_edu_li"), ensure_ascii=False)
    assert password not in logged and not any(s in logged for s in stored_secrets(app, "hr_edu_li"))


def test_a_typed_password_is_used_and_not_echoed(app, client, auth):
    body = {**NEW, "login": "tw_qs_zhou", "display_name": "青山镇 周", "password": "qingshan-2026!",
            "roles": [{"role": "township", "scope_id": "tw-qingshan"}]}
    response = create(client, auth, body)
    assert response.status_code == 201 and response.get_json()["one_time_password"] is None
    assert page_login(app.test_client(), "tw_qs_zhou", "qingshan-2026!").status_code == 302


def test_county_roles_take_the_county_scope_when_it_is_left_out(client, auth):
    body = {"login": "rrb_two", "display_name": "乡村振兴局 二", "roles": [{"role": "rrb"}]}
    response = create(client, auth, body)
    assert response.status_code == 201
    assert [(r["role"], r["scope_kind"], r["scope_id"]) for r in response.get_json()["roles"]] == [
        ("rrb", "county", "county")]


@pytest.mark.parametrize(("change", "field", "words"), [
    ({"login": "Hr_Upper"}, "login", "小写"),
    ({"login": "ab"}, "login", "3-64"),
    ({"login": "has space"}, "login", "小写"),
    ({"login": "9starts_with_digit"}, "login", "字母开头"),
    ({"login": "system"}, "login", "保留"),
    ({"display_name": "   "}, "display_name", "姓名"),
    ({"display_name": "名\n字"}, "display_name", "控制字符"),
    ({"roles": []}, "roles", "至少"),
    ({"roles": [{"role": "unit_hr", "scope_id": "tw-qingshan"}]}, "roles[0].scope_id", "不是派出单位"),
    ({"roles": [{"role": "unit_hr"}]}, "roles[0].scope_id", "须选择管辖范围"),
    ({"roles": [{"role": "township", "scope_id": "unit-edu"}]}, "roles[0].scope_id", "不是乡镇"),
    ({"roles": [{"role": "cadre", "scope_id": "c-nobody"}]}, "roles[0].scope_id", "不存在"),
    ({"roles": [{"role": "auditor", "scope_id": "tw-qingshan"}]}, "roles[0].scope_id", "全县"),
    ({"roles": [{"role": "unit_hr", "scope_id": "unit-edu"}, {"role": "unit_hr", "scope_id": "unit-edu"}]},
     "roles[1]", "重复"),
    ({"password": "short1"}, "password", "至少 10"),
    ({"login": "weak_login", "password": "weak_login"}, "password", "登录名相同"),
    ({"password": "aaaaaaaaaaaa"}, "password", "同一个字符"),
])
def test_invalid_accounts_are_422_naming_the_field(app, client, auth, change, field, words):
    body = {**NEW, "login": "someone_new", **change}
    response = create(client, auth, body)
    assert response.status_code == 422, response.get_json()
    problem = response.get_json()
    assert response.content_type == "application/problem+json"
    assert any(words in m for m in problem["errors"][field]), problem
    assert client.get(f"/api/v1/users/{body['login']}", headers=auth("admin")).status_code in (404, 405)
    assert user_log(app, body["login"]) == []


def test_the_schema_refuses_unknown_roles_and_fields(client, auth):
    response = create(client, auth, {**NEW, "login": "x_unknown", "roles": [{"role": "emperor"}]})
    assert response.status_code == 422 and "roles.0.role" in response.get_json()["errors"]
    response = create(client, auth, {**NEW, "login": "x_unknown", "password_hash": "x"})
    assert response.status_code == 422 and "password_hash" in response.get_json()["errors"]


def test_a_taken_login_is_409(client, auth):
    response = create(client, auth, {**NEW, "login": "hr_edu"})
    assert response.status_code == 409 and "login" in response.get_json()["errors"]


@pytest.mark.parametrize("login", ["hr_edu", "tw_qingshan", "county", "rrb", "auditor", "cadre_zhangwei"])
def test_only_admins_and_the_organization_department_manage_users(client, auth, login):
    assert client.get("/api/v1/users", headers=auth(login)).status_code == 403
    assert create(client, auth, {**NEW, "login": "by_" + login}, by=login).status_code == 403
    assert client.post("/api/v1/users/hr_power/deactivate", headers=auth(login)).status_code == 403
    assert client.get("/api/v1/users").status_code == 401


def test_the_organization_department_manages_unit_township_and_cadre_accounts_only(client, auth):
    h = auth("orgdept")
    listed = {u["login"] for u in client.get("/api/v1/users?per_page=100", headers=h).get_json()["items"]}
    assert {"hr_edu", "tw_qingshan", "cadre_zhangwei"} <= listed
    assert not listed & {"admin", "auditor", "county", "orgdept", "rrb"}
    assert client.get("/api/v1/users/admin", headers=h).status_code == 404
    assert client.post("/api/v1/users/auditor/deactivate", headers=h).status_code == 404
    assert client.post("/api/v1/users/admin/password", json={}, headers=h).status_code == 404
    made = create(client, auth, {**NEW, "login": "hr_power_new", "roles": [{"role": "unit_hr", "scope_id":
                                                                             "unit-power"}]}, by="orgdept")
    assert made.status_code == 201
    for role in ("admin", "auditor", "org_dept"):
        body = {**NEW, "login": f"od_{role}", "roles": [{"role": role}]}
        refused = create(client, auth, body, by="orgdept")
        assert refused.status_code == 403, role
    promote = client.patch("/api/v1/users/hr_power_new", json={"roles": [{"role": "admin"}]}, headers=h)
    assert promote.status_code == 403
    kept = client.get("/api/v1/users/hr_power_new", headers=auth("admin")).get_json()
    assert kept["roles"][0]["role"] == "unit_hr"


def test_list_filters_by_role_scope_active_and_text(client, auth):
    h = auth("admin")

    def logins(query):
        found = client.get(f"/api/v1/users?per_page=100&{query}", headers=h).get_json()
        return {u["login"] for u in found["items"]}

    assert logins("role=township") >= {"tw_qingshan", "tw_baishui", "tw_hongqi"}
    assert "hr_edu" not in logins("role=township")
    assert logins("scope_id=unit-edu") >= {"hr_edu"} and "hr_power" not in logins("scope_id=unit-edu")
    assert "admin" in logins("active=true") and "admin" not in logins("active=false")
    assert logins("q=青山镇") >= {"tw_qingshan"}
    assert client.get("/api/v1/users?role=emperor", headers=h).status_code == 422


def test_patch_changes_the_name_and_replaces_the_roles(app, client, auth):
    create(client, auth, {**NEW, "login": "two_roles"})
    response = client.patch("/api/v1/users/two_roles", headers=auth("admin"), json={
        "display_name": "两个角色", "roles": [{"role": "township", "scope_id": "tw-baishui"},
                                            {"role": "cadre", "scope_id": "c-zhangwei"}]})
    assert response.status_code == 200
    body = response.get_json()
    assert body["display_name"] == "两个角色"
    assert [(r["role"], r["scope_id"]) for r in body["roles"]] == [("township", "tw-baishui"),
                                                                     ("cadre", "c-zhangwei")]
    update = user_log(app, "two_roles")[-1]
    assert update["action"] == "update"
    assert update["before"]["display_name"] == NEW["display_name"]
    assert update["after"]["display_name"] == "两个角色"
    bad = client.patch("/api/v1/users/two_roles", headers=auth("admin"),
                       json={"roles": [{"role": "township", "scope_id": "nope"}]})
    assert bad.status_code == 422 and "roles[0].scope_id" in bad.get_json()["errors"]
    assert client.patch("/api/v1/users/nobody", headers=auth("admin"), json={}).status_code == 404
    entries = len(user_log(app, "two_roles"))
    same = client.patch("/api/v1/users/two_roles", headers=auth("admin"), json={"display_name": "两个角色"})
    assert same.status_code == 200 and len(user_log(app, "two_roles")) == entries  # nothing changed


def test_a_password_reset_ends_sessions_revokes_the_token_and_logs_no_secret(app, client, auth):
    made = create(client, auth, {**NEW, "login": "reset_me"}).get_json()
    browser_a, browser_b = app.test_client(), app.test_client()
    for browser in (browser_a, browser_b):
        assert page_login(browser, "reset_me", made["one_time_password"]).status_code == 302
        assert browser.get("/inbox").status_code == 200
    rotated = client.post("/api/v1/users/reset_me/password", json={"rotate_token": True},
                          headers=auth("admin"))
    assert rotated.status_code == 200
    token = rotated.get_json()["token"]
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    assert rotated.get_json()["sessions_ended"] == 2
    for browser in (browser_a, browser_b):
        assert browser.get("/inbox").status_code == 302  # signed out
    assert page_login(app.test_client(), "reset_me", made["one_time_password"]).status_code == 401
    new_password = rotated.get_json()["one_time_password"]
    assert page_login(app.test_client(), "reset_me", new_password).status_code == 302

    typed = client.post("/api/v1/users/reset_me/password", json={"password": "a-typed-password"},
                        headers=auth("admin"))
    assert typed.status_code == 200 and typed.get_json()["one_time_password"] is None
    assert not typed.get_json()["has_token"]  # revoked
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    weak = client.post("/api/v1/users/reset_me/password", json={"password": "reset_me"},
                       headers=auth("admin"))
    assert weak.status_code == 422 and "password" in weak.get_json()["errors"]
    entries = user_log(app, "reset_me")
    assert [e["after"] for e in entries[1:]] == [{"password": "密码已重置", "api_token": "已签发新令牌"},
                                                 {"password": "密码已重置", "api_token": "已吊销"}]
    logged = json.dumps(entries, ensure_ascii=False)
    assert "a-typed-password" not in logged and new_password not in logged and token not in logged
    assert not any(s in logged for s in stored_secrets(app, "reset_me"))


def test_openapi_documents_the_user_endpoints(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/users"])
    assert {"get", "patch"} <= set(paths["/api/v1/users/{login}"])
    for action in ("password", "deactivate", "reactivate"):
        assert "post" in paths[f"/api/v1/users/{{login}}/{action}"]
    assert "409" in paths["/api/v1/users/{login}/deactivate"]["post"]["responses"]
