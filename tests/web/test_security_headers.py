"""Every answer carries headers that forbid framing, sniffing and foreign scripts (no inline code)."""

from __future__ import annotations

import re
from typing import Any

import pytest

PAGES = ["/login", "/api/v1/health", "/api/v1/docs", "/api/v1/openapi.json", "/static/web/app.css",
         "/nowhere"]


@pytest.mark.parametrize("path", PAGES)
def test_security_headers_on_every_answer(client: Any, path: str) -> None:
    response = client.get(path)
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_the_pages_need_no_inline_script_or_style(client: Any, auth: Any) -> None:
    client.post("/login", data={"login": "county", "password": "county",
                                "csrf_token": _csrf(client)})
    for path in ["/inbox", "/done", "/login", "/api/v1/docs"]:
        html = client.get(path).get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), path
        assert "<style" not in html and " style=" not in html, path


def _csrf(client: Any) -> str:
    page = client.get("/login").get_data(as_text=True)
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match is not None
    return match.group(1)
