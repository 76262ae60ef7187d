"""Every error is application/problem+json with type, title, status, detail and errors."""

import pytest
from sqlalchemy.orm.exc import StaleDataError

from service.core.errors import Conflict

PROBLEM_KEYS = {"type", "title", "status", "detail", "errors"}


def assert_problem(response, status):
    assert response.status_code == status
    assert response.content_type == "application/problem+json"
    body = response.get_json()
    assert set(body) >= PROBLEM_KEYS
    assert body["status"] == status
    assert body["title"] and body["detail"]
    assert isinstance(body["errors"], dict)
    return body


@pytest.mark.parametrize("header", [None, "Bearer", "Bearer not-a-token", "Basic YWRtaW46YWRtaW4=", "token"])
def test_missing_or_bad_token_is_401(client, header):
    headers = {"Authorization": header} if header else {}
    response = client.get("/api/v1/me", headers=headers)
    assert_problem(response, 401)
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_unknown_path_is_404(client):
    assert_problem(client.get("/api/v1/does-not-exist"), 404)


def test_wrong_method_is_405_with_allow(client, auth):
    response = client.delete("/api/v1/me", headers=auth("admin"))
    assert_problem(response, 405)
    assert "GET" in response.headers["Allow"]


def test_deactivated_user_is_401(make_app):
    from service.persistence.db import db
    from service.persistence.models import User

    app = make_app()
    with app.app_context():
        from service.commands.tokens import token_expiry
        from service.core.credentials import issue_token

        user = db.session.get(User, "rrb")
        token = issue_token(user, token_expiry())
        user.active = False
        db.session.commit()
    assert_problem(app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}), 401)


@pytest.fixture
def app_with_test_routes(make_app):
    """A fresh app with routes that fail on purpose (routes must be added before any request)."""
    app = make_app(max_content_length=64)
    app.testing = False  # let the 500 handler answer instead of re-raising in the test client

    @app.post("/_test/echo")
    def echo():
        from flask import request

        return {"size": len(request.get_data())}

    @app.get("/_test/boom")
    def boom():
        raise RuntimeError("secret internals")

    @app.get("/_test/stale")
    def stale():
        raise StaleDataError("stale")

    @app.get("/_test/conflict")
    def conflict():
        raise Conflict("任务已被他人认领。", errors={"task": ["已被认领"]})

    return app


def test_body_over_the_limit_is_413(app_with_test_routes):
    client = app_with_test_routes.test_client()
    assert client.post("/_test/echo", data=b"x" * 10).status_code == 200
    assert_problem(client.post("/_test/echo", data=b"x" * 1000), 413)


def test_unexpected_error_is_500_without_internals(app_with_test_routes):
    body = assert_problem(app_with_test_routes.test_client().get("/_test/boom"), 500)
    assert "secret internals" not in str(body)


def test_stale_revision_is_409(app_with_test_routes):
    assert_problem(app_with_test_routes.test_client().get("/_test/stale"), 409)


def test_api_error_keeps_its_detail_and_errors(app_with_test_routes):
    body = assert_problem(app_with_test_routes.test_client().get("/_test/conflict"), 409)
    assert body["detail"] == "任务已被他人认领。"
    assert body["errors"] == {"task": ["已被认领"]}
    assert body["type"].endswith("conflict")


def test_validation_problem_names_fields_in_chinese(client, auth):
    body = assert_problem(client.get("/api/v1/orgs?kind=planet&x=1", headers=auth("admin")), 422)
    assert set(body["errors"]) == {"kind", "x"}
    assert body["errors"]["x"] == ["未知字段。"]
    assert "kind" in body["detail"] and "x" in body["detail"]


@pytest.mark.parametrize("body, token", [
    ('{"data": {"a": NaN}}', "NaN"), ('{"data": {"b": [1, Infinity]}}', "Infinity"),
    ('{"data": {"c": -Infinity}}', "-Infinity"), ('{"data": {"a": ', None),
])
def test_a_body_that_is_not_json_is_400_and_starts_nothing(client, auth, body, token):
    # Python's parser reads NaN and Infinity; JSON has no such numbers, and a state or history
    # event holding one could be neither stored as JSON nor hashed.
    before = client.get("/api/v1/instances?process=handover", headers=auth("auditor")).get_json()["total"]
    response = client.post("/api/v1/definitions/handover/instances", data=body, headers={
        **auth("admin"), "Content-Type": "application/json"})
    problem = assert_problem(response, 400)
    assert problem["detail"] == "请求体不是合法的 JSON。"
    assert list(problem["errors"]) == ["json"]
    if token:
        assert f"{token} 不是 JSON 数值" in problem["errors"]["json"][0]
    after = client.get("/api/v1/instances?process=handover", headers=auth("auditor")).get_json()["total"]
    assert after == before
