"""The HR form submitted twice at once (a double click, two tabs): the second submission passes the
command's check together with the first, the database refuses it, and the form says why next to
the cadre (409), instead of an error page."""

from __future__ import annotations

import re
from typing import Any

from service.commands import adjustments

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
REQUEST = {"cadre_id": "c-zhangwei", "reason": "health", "justification": "", "nominee_id": "c-sunhao",
           "effective_date": "2026-12-20", "evidence": "体检报告"}


def _post(client: Any, path: str, data: dict[str, str], page: str | None = None) -> Any:
    token = CSRF.search(client.get(page or path).get_data(as_text=True))
    return client.post(path, data={**data, "csrf_token": token.group(1) if token else ""})


def test_the_second_of_two_simultaneous_submissions_is_shown_on_the_form(app: Any, clock: Any,
                                                                          monkeypatch: Any) -> None:
    client = app.test_client()
    assert _post(client, "/login", {"login": "hr_edu", "password": "hr_edu"}).status_code == 302
    assert _post(client, "/requests/new", REQUEST).status_code == 302
    monkeypatch.setattr(adjustments, "open_request_exists", lambda *args: False)  # as in a race
    response = _post(client, "/requests/new", REQUEST)
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert re.search(r'data-error-for="cadre_id">该干部已有正在办理的', html), html
    assert 'value="c-sunhao"' in html  # the form keeps what was entered
