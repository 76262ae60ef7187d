"""Failed logins are throttled per login name and per client address: 429 with Retry-After."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

import pytest

from service.core import credentials
from service.core.clock import ManualClock, install_clock

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class LoginForm:
    """The login form of one browser at one client address."""

    def __init__(self, app: Any, address: str = "10.0.0.1", **headers: str) -> None:
        self.client = app.test_client()
        self.environ = {"REMOTE_ADDR": address}
        self.headers = headers

    def submit(self, name: str, password: str) -> Any:
        token = CSRF.search(self.client.get("/login").get_data(as_text=True))
        assert token
        return self.client.post("/login", data={"login": name, "password": password,
                                                "csrf_token": token.group(1)},
                                environ_base=self.environ, headers=self.headers)


@pytest.fixture
def throttled(make_app: Any) -> tuple[Any, ManualClock]:
    app = make_app(login_max_failures=5, login_max_failures_per_address=8, login_window_minutes=15)
    return app, install_clock(app, ManualClock(datetime.fromisoformat("2026-12-01T09:00:00+08:00")))


def test_after_five_wrong_passwords_the_login_is_refused_for_the_window(
        throttled: tuple[Any, ManualClock]) -> None:
    app, clock = throttled
    form = LoginForm(app)
    for _ in range(5):
        assert form.submit("hr_edu", "wrong").status_code == 401
    refused = form.submit("hr_edu", "hr_edu")  # even the right password, or guessing would go on
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "900"
    assert "登录失败次数过多，请 15 分钟后再试" in refused.get_data(as_text=True)
    clock.advance(minutes=10)
    assert LoginForm(app, "10.0.0.2").submit("hr_edu", "hr_edu").status_code == 429  # any address
    assert form.submit("hr_edu", "hr_edu").headers["Retry-After"] == "300"
    clock.advance(minutes=5)
    assert form.submit("hr_edu", "hr_edu").status_code == 302


def test_the_wait_ends_when_enough_failures_have_left_the_window(throttled: tuple[Any, ManualClock]) -> None:
    app, clock = throttled
    form = LoginForm(app)
    for _ in range(5):
        form.submit("tw_baishui", "wrong")
        clock.advance(minutes=2)
    # Failures at 0, 2, 4, 6 and 8 minutes; now 10: the first leaves the window at 15.
    assert form.submit("tw_baishui", "tw_baishui").headers["Retry-After"] == "300"
    clock.advance(minutes=5)
    assert form.submit("tw_baishui", "wrong").status_code == 401  # 4 left, this makes 5 again
    assert form.submit("tw_baishui", "tw_baishui").headers["Retry-After"] == "120"


def test_unknown_logins_are_throttled_alike(throttled: tuple[Any, ManualClock]) -> None:
    app, _clock = throttled
    form = LoginForm(app)
    for _ in range(5):
        assert form.submit("nobody", "guess").status_code == 401
    refused = form.submit("nobody", "guess")
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "900"


def test_a_refused_attempt_checks_no_password(throttled: tuple[Any, ManualClock],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    app, _clock = throttled
    form = LoginForm(app)
    for _ in range(5):
        form.submit("county", "wrong")
    checks: list[str] = []
    monkeypatch.setattr(credentials, "check_password_hash", lambda *args: checks.append("x") or False)
    assert form.submit("county", "county").status_code == 429
    assert checks == []


def test_a_successful_login_clears_the_count_of_its_name_not_of_the_address(
        throttled: tuple[Any, ManualClock]) -> None:
    app, _clock = throttled
    guesser = LoginForm(app, "10.0.0.4")
    for _ in range(4):
        guesser.submit("rrb", "wrong")
    assert LoginForm(app, "10.0.0.5").submit("rrb", "rrb").status_code == 302
    for _ in range(4):
        assert LoginForm(app, "10.0.0.3").submit("rrb", "wrong").status_code == 401
    assert LoginForm(app, "10.0.0.3").submit("rrb", "rrb").status_code == 302
    # The guesser's four failures still count for its address (limit 8): four more and it is stopped.
    for name in ["county", "admin", "auditor", "nobody"]:
        assert guesser.submit(name, "wrong").status_code == 401
    assert guesser.submit("hr_edu", "hr_edu").status_code == 429


def test_overlong_names_and_addresses_are_counted_not_stored_whole(make_app: Any) -> None:
    app = make_app(login_max_failures_per_address=2, trusted_proxies=1)
    form = LoginForm(app, "10.0.0.1", **{"X-Forwarded-For": "2001:db8::" + "f" * 100})
    assert form.submit("x" * 100, "wrong").status_code == 401  # no such login can exist
    assert form.submit("x" * 100, "wrong").status_code == 401
    assert form.submit("hr_edu", "hr_edu").status_code == 429


def test_failures_from_one_address_throttle_it_across_logins(throttled: tuple[Any, ManualClock]) -> None:
    app, _clock = throttled
    form = LoginForm(app, "10.0.0.9")
    for name in ["hr_edu", "hr_power", "county", "rrb", "admin", "auditor", "orgdept", "nobody"]:
        assert form.submit(name, "wrong").status_code == 401
    refused = form.submit("tw_hongqi", "tw_hongqi")
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "900"
    assert LoginForm(app, "10.0.0.10").submit("tw_hongqi", "tw_hongqi").status_code == 302


def test_the_client_address_comes_from_trusted_proxies_only(make_app: Any) -> None:
    # No proxy configured: X-Forwarded-For is anyone's to write, so it cannot dodge the count.
    direct = make_app(login_max_failures_per_address=3)
    for n in range(3):
        LoginForm(direct, "10.0.0.1", **{"X-Forwarded-For": f"192.0.2.{n}"}).submit(f"user{n}", "x")
    assert LoginForm(direct, "10.0.0.1", **{"X-Forwarded-For": "192.0.2.99"}).submit(
        "hr_edu", "hr_edu").status_code == 429
    # Behind one proxy: each client is counted at the address the proxy reports.
    proxied = make_app(login_max_failures_per_address=3, trusted_proxies=1)
    for n in range(3):
        LoginForm(proxied, "10.0.0.1", **{"X-Forwarded-For": "192.0.2.7"}).submit(f"user{n}", "x")
    assert LoginForm(proxied, "10.0.0.1", **{"X-Forwarded-For": "192.0.2.7"}).submit(
        "hr_edu", "hr_edu").status_code == 429
    assert LoginForm(proxied, "10.0.0.1", **{"X-Forwarded-For": "192.0.2.8"}).submit(
        "hr_edu", "hr_edu").status_code == 302
