"""api.md Conventions, checked the way an outside client meets them.

* A missing or bad token is 401 whatever the body holds (the token is checked before the body).
* A valid user outside the endpoint's role is 403, also when its body would not validate.
* Unknown fields are rejected in query strings too, also on endpoints that take no parameters.
"""

from __future__ import annotations

import pytest

BODY_ENDPOINTS = [
    ("post", "/api/v1/adjustments"),
    ("post", "/api/v1/recalls"),
    ("post", "/api/v1/definitions/handover/instances"),
    ("post", "/api/v1/tasks/no-such-task/complete"),
    ("post", "/api/v1/tasks/no-such-task/transfer"),
    ("put", "/api/v1/calendar/years/2027"),
    ("post", "/api/v1/support/insurance"),
    ("post", "/api/v1/support/transport"),
    ("post", "/api/v1/support/allowances"),
    ("post", "/api/v1/support/health-checks"),
]


@pytest.mark.parametrize("method, path", BODY_ENDPOINTS)
@pytest.mark.parametrize("header", [None, "Bearer not-a-token", "Basic YWRtaW46YWRtaW4="])
def test_missing_or_bad_token_is_401_before_body_validation(client, method, path, header):
    headers = {"Authorization": header} if header else {}
    for body in ({}, {"unknown_field": 1}):
        response = getattr(client, method)(path, json=body, headers=headers)
        assert response.status_code == 401, (path, body, response.get_json())
        assert response.content_type == "application/problem+json"


@pytest.mark.parametrize("login, method, path", [
    ("tw_qingshan", "post", "/api/v1/adjustments"),
    ("hr_edu", "post", "/api/v1/recalls"),
    ("auditor", "post", "/api/v1/recalls"),
    ("hr_edu", "put", "/api/v1/calendar/years/2027"),
    ("hr_edu", "post", "/api/v1/support/insurance"),
    ("county", "post", "/api/v1/support/transport"),
    ("auditor", "post", "/api/v1/support/allowances"),
    ("cadre_lina", "post", "/api/v1/support/health-checks"),
])
def test_wrong_role_is_403_before_body_validation(client, auth, login, method, path):
    response = getattr(client, method)(path, json={"unknown_field": 1}, headers=auth(login))
    assert response.status_code == 403, response.get_json()
    assert response.content_type == "application/problem+json"


@pytest.mark.parametrize("path", [
    "/api/v1/audit/instances/x/events",
    "/api/v1/audit/instances/x/state?at=not-a-time",
])
def test_audit_reads_need_the_auditor_role_before_the_query_is_checked(client, auth, path):
    assert client.get(path, headers=auth("hr_edu")).status_code == 403


def test_health_needs_no_token(client):
    response = client.get("/api/v1/health")
    assert response.status_code == 200
    assert response.get_json()["status"] == "ok"


@pytest.mark.parametrize("path", [
    "/api/v1/me", "/api/v1/cadres/c-zhangwei", "/api/v1/health", "/api/v1/audit/instances/x/verify",
])
def test_unknown_query_parameters_are_rejected_where_none_are_taken(client, auth, path):
    response = client.get(f"{path}?bogus=1&other=2", headers=auth("auditor"))
    assert response.status_code == 422, response.get_json()
    assert response.content_type == "application/problem+json"
    assert set(response.get_json()["errors"]) == {"bogus", "other"}


def test_unknown_query_parameter_on_a_post_is_rejected(client, auth):
    response = client.post("/api/v1/tasks/no-such-task/claim?bogus=1", headers=auth("tw_qingshan"))
    assert response.status_code == 422
    assert "bogus" in response.get_json()["errors"]
