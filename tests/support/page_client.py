"""A signed-in user of the Flask test client for page tests: every POST carries the page's CSRF token."""

from __future__ import annotations

import re
from typing import Any

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class Browser:
    def __init__(self, app: Any, login: str) -> None:
        self.client = app.test_client()
        response = self.post("/login", {"login": login, "password": login}, page="/login")
        assert response.status_code == 302, response.get_data(as_text=True)

    def get(self, path: str, status: int = 200) -> str:
        response = self.client.get(path)
        assert response.status_code == status, (path, response.status_code)
        return response.get_data(as_text=True)

    def post(self, path: str, data: dict[str, Any], page: str | None = None) -> Any:
        html = self.client.get(page or path).get_data(as_text=True)
        token = CSRF.search(html)
        return self.client.post(path, data={**data, "csrf_token": token.group(1) if token else ""})
