"""The bearer token's user and all its grants come from one query (service/auth.py)."""

from service.commands.tokens import token_expiry
from service.core.credentials import issue_token
from service.persistence.db import db
from service.persistence.models import User, UserRole


def _user(app, login: str, grants: list[tuple[str, str, str]]) -> str:
    with app.app_context():
        user = User(login=login, display_name=f"测试 {login}", active=True)
        user.roles = [UserRole(role=r, scope_kind=k, scope_id=s) for r, k, s in grants]
        db.session.add(user)
        token = issue_token(user, token_expiry())
        db.session.commit()
    return token


def test_every_grant_of_the_user_is_read_in_grant_order(make_app):
    app = make_app()
    token = _user(app, "two_hats", [("township", "township", "tw-baishui"), ("auditor", "county", "county")])
    body = app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).get_json()
    assert [(r["role"], r["scope_id"]) for r in body["roles"]] == [
        ("township", "tw-baishui"), ("auditor", "county")]


def test_a_user_without_grants_is_known_but_may_do_nothing(make_app):
    app = make_app()
    token = _user(app, "no_hats", [])
    client, headers = app.test_client(), {"Authorization": f"Bearer {token}"}
    me = client.get("/api/v1/me", headers=headers)
    assert me.status_code == 200 and me.get_json()["roles"] == []
    assert client.post("/api/v1/adjustments", headers=headers, json={}).status_code == 403


def test_a_token_nobody_holds_is_401(client):
    assert client.get("/api/v1/me", headers={"Authorization": "Bearer not-a-token"}).status_code == 401
