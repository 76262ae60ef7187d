"""Web pages: session login and logout, cookie flags, CSRF refusal, redirects."""

from __future__ import annotations

import re
from typing import Any

import pytest

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf(client: Any, path: str = "/login") -> str:
    match = CSRF.search(client.get(path).get_data(as_text=True))
    assert match, path
    return match.group(1)


def login(client: Any, name: str, password: str | None = None) -> Any:
    return client.post("/login", data={"login": name, "password": password or name,
                                       "csrf_token": csrf(client)})


def test_root_redirects_to_login_then_to_inbox(client: Any) -> None:
    response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")
    assert login(client, "tw_qingshan").status_code == 302
    response = client.get("/")
    assert response.headers["Location"].endswith("/inbox")


def test_pages_need_login_and_come_back_after_it(client: Any) -> None:
    response = client.get("/done")
    assert response.status_code == 302 and "/login?next=/done" in response.headers["Location"]
    response = client.post("/login", data={"login": "county", "password": "county", "next": "/done",
                                           "csrf_token": csrf(client)})
    assert response.headers["Location"] == "/done"


@pytest.mark.parametrize("target", [
    "//evil.example/x", "/\t/evil.example", "/\\evil.example", "\\/evil.example", "/\r\n/evil.example",
    "https://evil.example/", "javascript:alert(1)",
])
def test_open_redirects_are_refused(client: Any, target: str) -> None:
    response = client.post("/login", data={"login": "county", "password": "county",
                                           "next": target, "csrf_token": csrf(client)})
    assert response.status_code == 302
    assert response.headers["Location"] == "/inbox"


def test_a_next_with_a_nul_is_refused_before_anything_reads_it(client: Any) -> None:
    response = client.post("/login", data={"login": "county", "password": "county",
                                           "next": "/\x00/evil.example", "csrf_token": csrf(client)})
    assert response.status_code == 400


def test_a_next_with_a_line_break_from_the_query_string_is_no_500(client: Any) -> None:
    page = client.get("/login?next=/%0d%0aSet-Cookie:x=1")
    assert page.status_code == 200
    response = client.post("/login?next=/%09/evil.example", data={
        "login": "county", "password": "county", "csrf_token": csrf(client)})
    assert response.headers["Location"] == "/inbox"


def test_wrong_password_is_refused_without_saying_which_part(client: Any) -> None:
    response = login(client, "hr_edu", "wrong")
    assert response.status_code == 401
    assert "用户名或密码错误" in response.get_data(as_text=True)
    assert login(client, "nobody", "nobody").status_code == 401
    assert client.get("/inbox").status_code == 302


def test_session_cookie_is_httponly_and_samesite_lax(client: Any) -> None:
    response = login(client, "hr_edu")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_post_without_or_with_wrong_csrf_token_is_refused(client: Any) -> None:
    response = client.post("/login", data={"login": "hr_edu", "password": "hr_edu"})
    assert response.status_code == 400 and "安全令牌" in response.get_data(as_text=True)
    assert client.get("/inbox").status_code == 302  # not signed in
    login(client, "hr_edu")
    response = client.post("/logout", data={"csrf_token": "forged"})
    assert response.status_code == 400
    assert client.get("/inbox").status_code == 200  # still signed in


def test_logout_ends_the_session(client: Any) -> None:
    login(client, "hr_edu")
    page = client.get("/inbox").get_data(as_text=True)
    assert "教育局人事股 王芳" in page
    response = client.post("/logout", data={"csrf_token": CSRF.search(page).group(1)})
    assert response.status_code == 302
    assert client.get("/inbox").status_code == 302


def test_role_pages_are_403_for_other_roles(client: Any) -> None:
    login(client, "tw_qingshan")
    response = client.get("/requests/new")
    assert response.status_code == 403 and "无权" in response.get_data(as_text=True)
    assert client.get("/audit").status_code == 403
