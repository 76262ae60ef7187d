"""Every time in a response is ISO 8601 with an offset, also where a handler returns a plain dict."""

from __future__ import annotations

from datetime import datetime

from command_helpers import ADJUSTMENT_JSON as REQUEST


def _is_iso_with_offset(value: str) -> bool:
    return datetime.fromisoformat(value).utcoffset() is not None


def test_submit_response_times_are_iso_8601_with_offset(client, auth):
    response = client.post("/api/v1/adjustments", json=REQUEST, headers=auth("hr_edu"))
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    task = body["open_tasks"][0]
    assert _is_iso_with_offset(task["due_at"]), task["due_at"]
    assert _is_iso_with_offset(task["created_at"]), task["created_at"]

    detail = client.get(f"/api/v1/instances/{body['instance_id']}", headers=auth("hr_edu")).get_json()
    for timer in detail["timers"]:
        assert _is_iso_with_offset(timer["fire_at"]), timer
