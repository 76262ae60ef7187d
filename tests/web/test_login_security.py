"""Login hardening: one password hash check per attempt whatever the login, rehash at login,
sessions kept on the server (sign-out, idle and absolute lifetimes), the Secure cookie setting."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

import pytest
import sqlalchemy as sa
from werkzeug.security import generate_password_hash

from service.core import credentials
from service.core.clock import ManualClock, install_clock
from service.persistence.db import db
from service.persistence.models import User, WebSession

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


def csrf_of(client: Any, path: str = "/inbox") -> str:
    token = CSRF.search(client.get(path).get_data(as_text=True))
    assert token, path
    return token.group(1)


def signed_in(client: Any) -> bool:
    response = client.get("/inbox")
    assert response.status_code in (200, 302)
    return response.status_code == 200


def test_a_copied_session_cookie_stops_working_at_sign_out(app: Any) -> None:
    browser, thief = app.test_client(), app.test_client()
    assert login(browser, "hr_edu", "hr_edu").status_code == 302
    cookie = browser.get_cookie("session")
    assert cookie is not None
    thief.set_cookie("session", cookie.value)
    assert signed_in(thief)
    assert browser.post("/logout", data={"csrf_token": csrf_of(browser)}).status_code == 302
    assert not signed_in(browser)
    thief.set_cookie("session", cookie.value)  # the cookie as it was before the sign-out
    assert not signed_in(thief)


def test_signing_out_ends_only_that_session(app: Any) -> None:
    office, laptop = app.test_client(), app.test_client()
    login(office, "tw_hongqi", "tw_hongqi")
    login(laptop, "tw_hongqi", "tw_hongqi")
    office.post("/logout", data={"csrf_token": csrf_of(office)})
    assert not signed_in(office) and signed_in(laptop)


def test_a_cookie_that_names_a_login_without_a_session_on_the_server_is_not_signed_in(app: Any) -> None:
    client = app.test_client()
    with client.session_transaction() as cookie_session:
        cookie_session["login"] = "admin"  # what the cookie held before sessions were kept on the server
    assert not signed_in(client)


@pytest.fixture
def timed_app(make_app: Any) -> tuple[Any, ManualClock]:
    app = make_app(session_idle_minutes=30, session_max_hours=1)
    return app, install_clock(app, ManualClock(datetime.fromisoformat("2026-12-01T09:00:00+08:00")))


def test_a_session_ends_after_the_idle_lifetime_without_a_request(timed_app: tuple[Any, ManualClock]) -> None:
    app, clock = timed_app
    client = app.test_client()
    login(client, "hr_edu", "hr_edu")
    clock.advance(minutes=29)
    assert signed_in(client)
    clock.advance(minutes=29)  # 58 minutes after sign-in, but only 29 after the last request
    assert signed_in(client)
    clock.advance(minutes=30)
    assert not signed_in(client)
    with app.app_context():
        assert db.session.execute(sa.select(sa.func.count()).select_from(WebSession)).scalar() == 0


def test_a_session_ends_after_the_absolute_lifetime_however_busy(timed_app: tuple[Any, ManualClock]) -> None:
    app, clock = timed_app
    client = app.test_client()
    login(client, "hr_edu", "hr_edu")
    for _ in range(5):
        clock.advance(minutes=11)
        assert signed_in(client)
    clock.advance(minutes=5)  # one hour after sign-in
    assert not signed_in(client)
    assert login(client, "hr_edu", "hr_edu").status_code == 302
    assert signed_in(client)


def test_the_session_cookie_is_secure_when_configured(make_app: Any) -> None:
    plain = login(make_app().test_client(), "hr_edu", "hr_edu").headers["Set-Cookie"]
    assert "Secure" not in plain  # `make run` serves plain http on 127.0.0.1
    secure = login(make_app(secure_cookies=True).test_client(), "hr_edu", "hr_edu").headers["Set-Cookie"]
    assert "; Secure" in secure and "HttpOnly" in secure
