"""Login hardening: one password hash check per attempt whatever the login, rehash at login."""

from __future__ import annotations

import re
from typing import Any

import pytest
from werkzeug.security import generate_password_hash

from service.core import credentials
from service.persistence.db import db
from service.persistence.models import User

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def login(client: Any, name: str, password: str) -> Any:
    token = CSRF.search(client.get("/login").get_data(as_text=True))
    assert token
    return client.post("/login", data={"login": name, "password": password, "csrf_token": token.group(1)})


@pytest.fixture
def hash_checks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The method part of every hash a password was checked against, in order."""
    checked: list[str] = []
    real = credentials.check_password_hash

    def counting(pwhash: str, password: str) -> bool:
        checked.append(pwhash.split("$", 1)[0])
        return real(pwhash, password)

    monkeypatch.setattr(credentials, "check_password_hash", counting)
    return checked


def test_unknown_deactivated_and_passwordless_logins_cost_one_hash_check_like_a_wrong_password(
        make_app: Any, hash_checks: list[str]) -> None:
    app = make_app()
    method = app.extensions["cadreflow.settings"].password_hash
    with app.app_context():
        db.session.get(User, "rrb").active = False
        db.session.get(User, "county").password_hash = None
        db.session.commit()
    client = app.test_client()
    for name, password in [("hr_edu", "wrong"), ("nobody", "nobody"), ("rrb", "rrb"), ("county", "county")]:
        hash_checks.clear()
        response = login(client, name, password)
        assert response.status_code == 401, name
        assert "用户名或密码错误" in response.get_data(as_text=True)
        # The same work on every path: one check, with a hash of the configured strength.
        assert hash_checks == [method], name


def test_a_hash_with_other_parameters_still_verifies_and_is_replaced_at_login(make_app: Any) -> None:
    app = make_app()
    method = app.extensions["cadreflow.settings"].password_hash
    old = generate_password_hash("old-secret", "pbkdf2:sha256:2000")
    assert not old.startswith(method + "$")
    with app.app_context():
        db.session.get(User, "hr_edu").password_hash = old
        db.session.commit()
    assert login(app.test_client(), "hr_edu", "wrong").status_code == 401
    with app.app_context():
        assert db.session.get(User, "hr_edu").password_hash == old  # a wrong password changes nothing
    assert login(app.test_client(), "hr_edu", "old-secret").status_code == 302
    with app.app_context():
        upgraded = db.session.get(User, "hr_edu").password_hash
    assert upgraded.startswith(method + "$")
    assert login(app.test_client(), "hr_edu", "old-secret").status_code == 302


def test_the_production_default_hashes_at_the_owasp_work_factor() -> None:
    class Row:
        password_hash: str | None = None

    row = Row()
    credentials.set_password(row, "s3cret", "scrypt:32768:8:3")
    assert row.password_hash is not None and row.password_hash.startswith("scrypt:32768:8:3$")
    assert credentials.check_password(row, "s3cret", "scrypt:32768:8:3")
    assert not credentials.password_needs_rehash(row, "scrypt:32768:8:3")
    assert credentials.password_needs_rehash(row, "pbkdf2:sha256:600000")
