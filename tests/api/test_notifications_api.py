"""Notifications list/read, urging a task (催办) with its daily limit, signed webhook delivery."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from timer_helpers import adjustment, at_clock, bj, events, firer, open_task, who

from service import commands
from service.persistence.db import db
from service.persistence.models import WebhookDelivery
from service.timers import SchedulerConfig, WebhookDeliverer


class Receiver(BaseHTTPRequestHandler):
    received: list[tuple[dict, bytes]] = []
    fail_next = 0

    def do_POST(self) -> None:  # noqa: N802 (http.server naming)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if Receiver.fail_next:
            Receiver.fail_next -= 1
            self.send_response(503)
        else:
            Receiver.received.append((dict(self.headers), body))
            self.send_response(204)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def receiver():
    server = HTTPServer(("127.0.0.1", 0), Receiver)
    Receiver.received, Receiver.fail_next = [], 0
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/hook"
    server.shutdown()


def test_reminders_list_read_urge_and_webhook(make_app, auth, receiver):
    app = make_app(webhook_url=receiver, webhook_secret="s3cret")
    client = app.test_client()
    # HTTP calls happen outside the app context the command calls use: a request would otherwise
    # share that context's flask.g (and its cached caller) with the requests before it.
    with at_clock(app, bj(2026, 12, 1, 9)) as clock:
        iid = commands.submit_adjustment(who("hr_edu"), adjustment()).id
        task_id = open_task(iid).id
        firer().fire_due(bj(2026, 12, 4, 9, 0, 1))  # township reminder (P3D)

    page = client.get("/api/v1/notifications?unread=true", headers=auth("tw_qingshan")).get_json()
    # the new task on submission, then the timer's reminder
    assert page["total"] == 2 and sorted(n["kind"] for n in page["items"]) == ["reminder", "task"]
    (reminder,) = [n for n in page["items"] if n["kind"] == "reminder"]
    assert reminder["task_id"] == task_id and "催办" in reminder["message"]
    others = client.get("/api/v1/notifications", headers=auth("county")).get_json()["items"]
    assert reminder["id"] not in {n["id"] for n in others}  # only the addressee sees it
    nid = reminder["id"]
    assert client.post(f"/api/v1/notifications/{nid}/read", headers=auth("county")).status_code == 404
    read = client.post(f"/api/v1/notifications/{nid}/read", headers=auth("tw_qingshan")).get_json()
    assert read["read_at"] is not None
    unread = client.get("/api/v1/notifications?unread=true", headers=auth("tw_qingshan")).get_json()
    assert [n["kind"] for n in unread["items"]] == ["task"]
    assert client.get("/api/v1/notifications?bogus=1", headers=auth("tw_qingshan")).status_code == 422

    # 催办: the submitter may, a stranger may not (404: it may not even see the task), the
    # township that sees it may not (403); once per task per calendar day (Beijing).
    urge_url = f"/api/v1/tasks/{task_id}/urge"
    assert client.post(urge_url, json={}, headers=auth("hr_hospital")).status_code == 404
    assert client.post(urge_url, json={}, headers=auth("tw_qingshan")).status_code == 403
    urged = client.post(urge_url, json={"message": "请尽快审核"}, headers=auth("hr_edu"))
    assert urged.status_code == 200 and urged.get_json()["notified"] == ["tw_qingshan"]
    again = client.post(f"/api/v1/tasks/{task_id}/urge", json={}, headers=auth("county"))
    assert again.status_code == 429
    assert again.headers["Content-Type"].startswith("application/problem+json")
    with app.app_context():
        (urge,) = events(iid, "urge")
        assert urge.actor_login == "hr_edu" and urge.state_hash == events(iid)[-2].state_hash
    clock.set(bj(2026, 12, 5, 0, 0, 1))  # the next day in Beijing
    assert client.post(f"/api/v1/tasks/{task_id}/urge", json={}, headers=auth("county")).status_code == 200

    # Webhooks: one signed POST per notification, retried with backoff after a failure.
    with app.app_context():
        deliverer = WebhookDeliverer("test", SchedulerConfig(webhook_retry_seconds=10))
        Receiver.fail_next = 1
        now = clock.now()
        first = deliverer.deliver_due(now)
        assert len(first.retrying) == 1 and len(first.sent) == 3
        assert len(deliverer.deliver_due(now + timedelta(seconds=9)).sent) == 0
        assert len(deliverer.deliver_due(now + timedelta(seconds=11)).sent) == 1
        assert {d.status for d in db.session.query(WebhookDelivery)} == {"sent"}
    assert len(Receiver.received) == 4
    for headers, body in Receiver.received:
        expected = hmac.new(b"s3cret", body, hashlib.sha256).hexdigest()
        assert headers["X-Cadreflow-Signature"] == f"sha256={expected}"
    kinds = sorted(json.loads(body)["kind"] for _, body in Receiver.received)
    assert kinds == ["reminder", "task", "urge", "urge"]


def test_webhook_gives_up_after_bounded_attempts(make_app, receiver):
    app = make_app(webhook_url=receiver)
    Receiver.fail_next = 10  # the receiver answers 503 every time
    with at_clock(app, bj(2026, 12, 1, 9)):
        commands.submit_adjustment(who("hr_edu"), adjustment())
        firer().fire_due(bj(2026, 12, 4, 9, 0, 1))
        config = SchedulerConfig(webhook_max_attempts=3, webhook_retry_seconds=1, webhook_timeout_seconds=1)
        deliverer = WebhookDeliverer("test", config)
        now = bj(2026, 12, 4, 9, 0, 1)
        for step in range(4):
            deliverer.deliver_due(now + timedelta(seconds=10 * step))
        deliveries = db.session.query(WebhookDelivery).all()
        assert len(deliveries) == 2  # the new task's notice and the reminder
        assert {(d.status, d.attempts, d.last_error) for d in deliveries} == {("failed", 3, "HTTP 503")}
    assert Receiver.received == [] and Receiver.fail_next == 4
