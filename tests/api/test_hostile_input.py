"""Careless or hostile input gets a 4xx naming what is wrong, never a 500, and nothing is written."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from command_helpers import ADJUSTMENT_JSON

from service.persistence.db import db
from service.persistence.models import HistoryEvent

JSON = {"Content-Type": "application/json"}


def _events(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(HistoryEvent))


@pytest.mark.parametrize("path", ["/api/v1/instances", "/api/v1/tasks", "/api/v1/cadres",
                                  "/api/v1/notifications"])
@pytest.mark.parametrize("page", ["10000000000000000000", "100001", "0", "-1"])
def test_wild_page_numbers_are_422(client, auth, path, page):
    response = client.get(f"{path}?page={page}", headers=auth("county"))
    assert response.status_code == 422, response.get_data(as_text=True)
    assert "page" in response.get_json()["errors"]


@pytest.mark.parametrize("page", ["10000000000000000000", "abc", "-5"])
def test_pages_keep_a_wild_page_number_in_range(client, page):
    client.post("/login", data={"login": "county", "password": "county",
                                "csrf_token": _csrf(client)})
    assert client.get(f"/inbox?page={page}").status_code == 200


@pytest.mark.parametrize("body, field", [
    ("[" * 1000 + "]" * 1000, "json"),
    ('{"a":' * 40 + "1" + "}" * 40, "json"),
    ('{"cadre_id": "' + "9" * 10 + '", "n": ' + "7" * 4400 + "}", "json"),
    ('{"cadre_id": "\\ud800"}', "cadre_id"),
    ('{"cadre_id": "c-zhangwei\\u0000"}', "cadre_id"),
    ('{"bad\\u0000key": 1}', "json"),
])
def test_hostile_json_bodies_are_400(client, auth, app, body, field):
    before = _events(app)
    response = client.post("/api/v1/adjustments", data=body, headers={**auth("hr_edu"), **JSON})
    assert response.status_code == 400, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    assert field in response.get_json()["errors"]
    assert _events(app) == before


def test_a_body_that_is_not_utf8_is_400(client, auth):
    response = client.post("/api/v1/adjustments", data=b'{"cadre_id": "\xff\xfe"}',
                           headers={**auth("hr_edu"), **JSON})
    assert response.status_code == 400


def test_a_nul_in_the_query_string_or_a_form_is_400(client, auth):
    assert client.get("/api/v1/cadres?q=a%00b", headers=auth("county")).status_code == 400
    response = client.post("/login", data={"login": "county\x00", "password": "x"})
    assert response.status_code == 400


def test_a_valid_request_still_passes(client, auth):
    assert client.post("/api/v1/adjustments", json=ADJUSTMENT_JSON, headers=auth("hr_edu")).status_code == 201


def _csrf(client) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").get_data(as_text=True))
    assert match is not None
    return match.group(1)


@pytest.mark.parametrize("disposition", [
    'name="a\\"',  # the backslash escapes the closing quote: the parser finds no name
    'name="a\\"; filename="x.bpmn"',  # ... or a name that swallowed the rest of the header
    'name="files\\"; filename="x.bpmn"',
])
def test_a_multipart_part_whose_name_cannot_be_read_is_400(client, auth, app, disposition):
    before = _events(app)
    body = (f'--B\r\nContent-Disposition: form-data; {disposition}\r\n\r\n<x/>\r\n--B--\r\n').encode()
    response = client.post("/api/v1/definitions", data=body, headers=auth("admin"),
                           content_type="multipart/form-data; boundary=B")
    assert response.status_code == 400, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    assert "multipart" in response.get_json()["errors"]
    assert _events(app) == before


@pytest.mark.parametrize("method, path, field", [
    ("post", "/api/v1/notifications/417906362979388096512/read", "notification_id"),
    ("get", "/api/v1/calendar/years/23840995956088190795776", "year"),
    ("put", "/api/v1/calendar/years/759054833808957709117152403914752", "year"),
])
def test_an_integer_in_the_path_longer_than_any_id_is_400(client, auth, method, path, field):
    """The database driver cannot bind it: it used to fail late, as a 500."""
    response = getattr(client, method)(path, json={"holidays": []}, headers=auth("admin"))
    assert response.status_code == 400, response.get_data(as_text=True)
    assert field in response.get_json()["errors"]


def test_a_path_id_beyond_the_integer_columns_is_not_found(client, auth):
    answers = [client.get("/api/v1/postings/168915525948/party-relation", headers=auth("admin")),
               client.post("/api/v1/notifications/4294967296/read", headers=auth("admin"), json={}),
               client.patch("/api/v1/postings/2147483648", headers=auth("admin"), json={"leads_team": True})]
    assert [a.status_code for a in answers] == [404, 404, 404], [a.get_json() for a in answers]
