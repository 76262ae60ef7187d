"""GET /api/v1/orgs, /villages, /cadres, /cadres/{id}: pagination, filters and visibility."""

import pytest


def get(client, auth, path, login="county"):
    response = client.get(path, headers=auth(login))
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def all_items(client, auth, path, login="county"):
    return get(client, auth, path + ("&" if "?" in path else "?") + "per_page=100", login)["items"]


def test_orgs_have_the_three_kinds_and_filter_by_kind(client, auth):
    orgs = all_items(client, auth, "/api/v1/orgs")
    kinds = {o["kind"] for o in orgs}
    assert kinds == {"dispatch_unit", "township", "county_body"}
    units = all_items(client, auth, "/api/v1/orgs?kind=dispatch_unit")
    assert {o["id"] for o in units} == {"unit-edu", "unit-hospital", "unit-power"}
    assert all(o["kind"] == "dispatch_unit" and o["name"] for o in units)


def test_pagination_envelope_and_pages(client, auth):
    first = get(client, auth, "/api/v1/villages?per_page=5&page=1")
    assert set(first) == {"items", "total", "page", "per_page"}
    assert (first["total"], first["page"], first["per_page"], len(first["items"])) == (12, 1, 5, 5)
    third = get(client, auth, "/api/v1/villages?per_page=5&page=3")
    assert len(third["items"]) == 2
    beyond = get(client, auth, "/api/v1/villages?per_page=5&page=4")
    assert beyond["items"] == [] and beyond["total"] == 12
    pages = [get(client, auth, f"/api/v1/villages?per_page=5&page={p}")["items"] for p in (1, 2, 3)]
    ids = [v["id"] for page in pages for v in page]
    assert len(ids) == len(set(ids)) == 12


def test_default_page_size(client, auth):
    body = get(client, auth, "/api/v1/cadres")
    assert (body["page"], body["per_page"]) == (1, 20)


@pytest.mark.parametrize("query, field", [
    ("page=0", "page"), ("per_page=0", "per_page"), ("per_page=101", "per_page"), ("page=x", "page"),
    ("colour=red", "colour"), ("category=city", "category"),
])
def test_bad_query_parameters_are_422_naming_the_field(client, auth, query, field):
    response = client.get(f"/api/v1/villages?{query}", headers=auth("county"))
    assert response.status_code == 422
    assert response.content_type == "application/problem+json"
    body = response.get_json()
    assert set(body) >= {"type", "title", "status", "detail", "errors"}
    assert body["status"] == 422
    assert list(body["errors"]) == [field]


def test_every_bad_field_is_named(client, auth):
    response = client.get("/api/v1/cadres?page=0&per_page=500&posted=maybe&extra=1", headers=auth("county"))
    assert response.status_code == 422
    assert set(response.get_json()["errors"]) == {"page", "per_page", "posted", "extra"}


def test_villages_have_category_and_township_and_filter(client, auth):
    villages = all_items(client, auth, "/api/v1/villages")
    townships = {o["id"] for o in all_items(client, auth, "/api/v1/orgs?kind=township")}
    for v in villages:
        assert set(v) >= {"id", "name", "category", "township_id"}
        assert v["township_id"] in townships
    red = all_items(client, auth, "/api/v1/villages?category=red_village")
    assert red and all(v["category"] == "red_village" for v in red)
    assert not any(v["has_work_team"] for v in red)
    qingshan = all_items(client, auth, "/api/v1/villages?township_id=tw-qingshan")
    assert qingshan and {v["township_id"] for v in qingshan} == {"tw-qingshan"}
    both = all_items(client, auth, "/api/v1/villages?township_id=tw-qingshan&category=poverty_alleviated")
    assert [v["id"] for v in both] == ["v-shangzhuang"]


def test_cadre_fields(client, auth):
    cadre = get(client, auth, "/api/v1/cadres/c-zhangwei")
    assert cadre["name"] == "张伟"
    assert cadre["unit_id"] == "unit-edu"
    assert cadre["postings"] == [{
        "village_id": "v-shangzhuang", "village_name": "上庄村", "township_id": "tw-qingshan",
        "role": "first_secretary", "term_start": "2025-03-01", "term_end": "2027-02-28", "active": True,
        "planned_end": "2027-02-28", "ended_on": None, "leads_team": True,
    }]
    assert cadre["party_status"] == "formal"
    assert cadre["party_member_since"] == "2010-07-01"
    assert cadre["work_start_date"] == "2008-08-01"
    assert cadre["employment_type"] == "permanent"
    assert cadre["eligible_first_secretary"] is True
    assert cadre["eligibility_reasons"] == []


def test_ineligible_cadre_carries_reasons(client, auth):
    cadre = get(client, auth, "/api/v1/cadres/c-luoyi")
    assert cadre["eligible_first_secretary"] is False
    assert [r["rule"] for r in cadre["eligibility_reasons"]] == ["nominee_temporary_staff"]
    assert all(r["message"] for r in cadre["eligibility_reasons"])


def test_cadre_filters(client, auth):
    posted = all_items(client, auth, "/api/v1/cadres?posted=true")
    unposted = all_items(client, auth, "/api/v1/cadres?posted=false")
    everyone = all_items(client, auth, "/api/v1/cadres")
    assert posted and unposted
    assert all(any(p["active"] for p in c["postings"]) for c in posted)
    assert not any(any(p["active"] for p in c["postings"]) for c in unposted)
    assert len(posted) + len(unposted) == len(everyone)
    hospital = all_items(client, auth, "/api/v1/cadres?unit_id=unit-hospital")
    assert hospital and {c["unit_id"] for c in hospital} == {"unit-hospital"}
    in_village = all_items(client, auth, "/api/v1/cadres?village_id=v-shangzhuang")
    assert {c["id"] for c in in_village} == {"c-zhangwei", "c-liuyang"}
    secretaries = all_items(client, auth, "/api/v1/cadres?village_id=v-shangzhuang&role=first_secretary")
    assert [c["id"] for c in secretaries] == ["c-zhangwei"]


def test_unit_hr_sees_only_its_unit(client, auth):
    cadres = all_items(client, auth, "/api/v1/cadres", login="hr_hospital")
    assert cadres and {c["unit_id"] for c in cadres} == {"unit-hospital"}
    # Asking for another unit by filter yields nothing rather than leaking it.
    assert all_items(client, auth, "/api/v1/cadres?unit_id=unit-edu", login="hr_hospital") == []
    assert client.get("/api/v1/cadres/c-lina", headers=auth("hr_hospital")).status_code == 200


@pytest.mark.parametrize("login, cadre_id", [("hr_hospital", "c-zhangwei"), ("cadre_zhangwei", "c-lina"),
                                             ("tw_baishui", "c-zhangwei")])
def test_a_cadre_out_of_reach_is_404_like_one_that_does_not_exist(client, auth, login, cadre_id):
    """403 would tell that the cadre exists: both answers are the same but for the id."""
    hidden = client.get(f"/api/v1/cadres/{cadre_id}", headers=auth(login))
    missing = client.get("/api/v1/cadres/c-nobody", headers=auth(login))
    assert hidden.status_code == missing.status_code == 404
    assert hidden.content_type == missing.content_type == "application/problem+json"
    assert hidden.get_json()["detail"] == missing.get_json()["detail"].replace("c-nobody", cadre_id)
    assert {k: v for k, v in hidden.get_json().items() if k != "detail"} == \
        {k: v for k, v in missing.get_json().items() if k != "detail"}


def test_cadre_user_sees_only_itself(client, auth):
    cadres = all_items(client, auth, "/api/v1/cadres", login="cadre_zhangwei")
    assert [c["id"] for c in cadres] == ["c-zhangwei"]


def test_a_township_sees_the_cadres_posted_in_its_villages(client, auth):
    """Not the county's other cadres, with their birth dates (nominees of its own cases are
    tests/api/test_exposure.py's)."""
    cadres = all_items(client, auth, "/api/v1/cadres", login="tw_baishui")
    assert {c["id"] for c in cadres} == {"c-lina", "c-chenjing", "c-zhaomin"}  # 水口村, 红岩村
    assert all(p["township_id"] == "tw-baishui" for c in cadres for p in c["postings"] if p["active"])
    assert client.get("/api/v1/cadres/c-lina", headers=auth("tw_baishui")).status_code == 200
    assert all_items(client, auth, "/api/v1/cadres?unit_id=unit-power", login="tw_baishui") == []


@pytest.mark.parametrize("login", ["county", "orgdept", "rrb", "auditor", "admin"])
def test_county_roles_see_every_cadre(client, auth, login):
    everyone = get(client, auth, "/api/v1/cadres", login="county")["total"]
    assert get(client, auth, "/api/v1/cadres", login=login)["total"] == everyone


def test_unknown_cadre_is_404(client, auth):
    response = client.get("/api/v1/cadres/c-nobody", headers=auth("county"))
    assert response.status_code == 404
    assert response.content_type == "application/problem+json"


@pytest.mark.parametrize(
    "path", ["/api/v1/orgs", "/api/v1/villages", "/api/v1/cadres", "/api/v1/cadres/c-lina"]
)
def test_reference_data_needs_a_token(client, path):
    assert client.get(path).status_code == 401
