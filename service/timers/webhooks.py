"""Signed webhook POSTs of notifications, delivered from the outbox with retries and backoff.

Body: the notification as JSON (UTF-8). Headers: `X-Cadreflow-Signature: sha256=<hex>` (HMAC-SHA256
of the exact body with CADREFLOW_WEBHOOK_SECRET), `X-Cadreflow-Delivery: <outbox id>` so a
receiver can drop the duplicate that an at-least-once delivery may produce after a crash.

A delivery is leased (lock_owner, lock_expires_at, committed) before the POST, so no database
transaction stays open across the network call and two replicas do not send the same row at once.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.engine import CursorResult

from service.config import get_settings
from service.persistence.db import db
from service.persistence.models import Notification, WebhookDelivery
from service.timers.config import SchedulerConfig
from workflows.clock import require_aware

log = logging.getLogger(__name__)


def sign(body: bytes, secret: str) -> str:
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def payload(notification: Notification) -> bytes:
    body = {
        "id": notification.id, "login": notification.login, "kind": notification.kind,
        "message": notification.message, "instance_id": notification.instance_id,
        "task_id": notification.task_id, "created_at": notification.created_at.astimezone(UTC).isoformat(),
    }
    return json.dumps(body, ensure_ascii=False, sort_keys=True).encode("utf-8")


@dataclass
class DeliveryReport:
    sent: list[int] = field(default_factory=list)
    retrying: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)  # gave up after the last attempt


class WebhookDeliverer:
    def __init__(self, owner: str, config: SchedulerConfig | None = None) -> None:
        self.owner = owner
        self.config = config or SchedulerConfig()

    def deliver_due(self, now: datetime, limit: int = 100) -> DeliveryReport:
        """Inside an app context: POST every pending delivery whose next attempt is due."""
        now = require_aware(now)
        report = DeliveryReport()
        for _ in range(limit):
            delivery_id = self._lease(now)
            if delivery_id is None:
                break
            self._deliver(delivery_id, now, report)
        return report

    def _lease(self, now: datetime) -> int | None:
        free = sa.or_(WebhookDelivery.lock_owner.is_(None), WebhookDelivery.lock_expires_at < now)
        while True:
            delivery_id = db.session.execute(
                sa.select(WebhookDelivery.id).where(
                    WebhookDelivery.status == "pending", WebhookDelivery.next_attempt_at <= now, free)
                .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id).limit(1)
            ).scalar_one_or_none()
            if delivery_id is None:
                db.session.rollback()
                return None
            # An UPDATE without RETURNING gives a CursorResult (Session.execute is typed as Result).
            taken = cast(CursorResult[Any], db.session.execute(
                sa.update(WebhookDelivery).where(WebhookDelivery.id == delivery_id, free)
                .values(lock_owner=self.owner, lock_expires_at=now + self.config.lock_ttl)
                .execution_options(synchronize_session=False))).rowcount
            db.session.commit()
            if taken:
                return delivery_id

    def _deliver(self, delivery_id: int, now: datetime, report: DeliveryReport) -> None:
        delivery = db.session.get_one(WebhookDelivery, delivery_id)  # leased by this worker
        notification = db.session.get_one(Notification, delivery.notification_id)
        body = payload(notification)
        secret = get_settings().webhook_secret or ""
        request = urllib.request.Request(delivery.url, data=body, method="POST", headers={
            "Content-Type": "application/json; charset=utf-8",
            "X-Cadreflow-Signature": sign(body, secret),
            "X-Cadreflow-Delivery": str(delivery.id),
            "User-Agent": "cadreflow-webhook/1",
        })
        error, status = None, None
        try:
            with urllib.request.urlopen(request, timeout=self.config.webhook_timeout_seconds) as response:
                status = response.status
        except urllib.error.HTTPError as err:
            status, error = err.code, f"HTTP {err.code}"
        except (urllib.error.URLError, OSError, ValueError) as err:  # ValueError: a malformed URL
            error = f"{type(err).__name__}: {err}"
        delivery.attempts += 1
        delivery.response_status = status
        delivery.lock_owner = delivery.lock_expires_at = None
        if error is None:
            delivery.status, delivery.delivered_at, delivery.last_error = "sent", now, None
            report.sent.append(delivery.id)
        elif delivery.attempts >= self.config.webhook_max_attempts:
            delivery.status, delivery.last_error = "failed", error
            report.failed.append(delivery.id)
            log.warning("webhook delivery %s gave up after %s attempts: %s", delivery.id,
                        delivery.attempts, error)
        else:
            delivery.last_error = error
            delivery.next_attempt_at = now + self.config.webhook_retry_base * (2 ** (delivery.attempts - 1))
            report.retrying.append(delivery.id)
        db.session.commit()
