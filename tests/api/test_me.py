"""GET /api/v1/me for every role; scope ids are the ids of /orgs and /cadres."""

import pytest

EXPECTED = {
    "hr_edu": ("unit_hr", "unit", "unit-edu"),
    "hr_hospital": ("unit_hr", "unit", "unit-hospital"),
    "hr_power": ("unit_hr", "unit", "unit-power"),
    "tw_qingshan": ("township", "township", "tw-qingshan"),
    "tw_baishui": ("township", "township", "tw-baishui"),
    "tw_hongqi": ("township", "township", "tw-hongqi"),
    "county": ("county", "county", "county"),
    "orgdept": ("org_dept", "county", "county"),
    "rrb": ("rrb", "county", "county"),
    "auditor": ("auditor", "county", "county"),
    "admin": ("admin", "county", "county"),
    "cadre_zhangwei": ("cadre", "cadre", "c-zhangwei"),
    "cadre_sunhao": ("cadre", "cadre", "c-sunhao"),
}


@pytest.mark.parametrize("login", sorted(EXPECTED))
def test_me_lists_role_and_scope(client, auth, login):
    response = client.get("/api/v1/me", headers=auth(login))
    assert response.status_code == 200
    body = response.get_json()
    assert body["login"] == login
    assert body["display_name"]
    role, kind, scope_id = EXPECTED[login]
    assert [(r["role"], r["scope_kind"], r["scope_id"]) for r in body["roles"]] == [(role, kind, scope_id)]
    assert body["roles"][0]["scope_name"]
    assert body["roles"][0]["role_name"]


def test_scope_ids_resolve_in_reference_endpoints(client, auth, tokens):
    def ids(path):
        return {item["id"] for item in client.get(path, headers=auth("admin")).get_json()["items"]}

    orgs, cadres = ids("/api/v1/orgs?per_page=100"), ids("/api/v1/cadres?per_page=100")
    for login in tokens:
        for grant in client.get("/api/v1/me", headers=auth(login)).get_json()["roles"]:
            pool = cadres if grant["scope_kind"] == "cadre" else orgs
            assert grant["scope_id"] in pool, (login, grant)


def test_me_without_token_is_401(client):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.content_type == "application/problem+json"
