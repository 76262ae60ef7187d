"""Gauges read from the database at scrape time: any process sees the same numbers, and no worker
has to keep them up to date."""

from __future__ import annotations

from collections.abc import Iterator

import sqlalchemy as sa
from flask import Flask
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from service.core.clock import now as clock_now
from service.persistence.db import db
from service.persistence.models import ROLES, HumanTask, PendingTimer, ProcessInstance


class DatabaseGauges(Collector):
    def __init__(self, app: Flask) -> None:
        self.app = app

    def collect(self) -> Iterator[GaugeMetricFamily]:
        up = GaugeMetricFamily("cadreflow_metrics_database_up", "抓取指标时数据库是否可读（1=是）")
        try:
            with self.app.app_context():
                families = list(self._from_database())
            up.add_metric([], 1)
        except sa.exc.SQLAlchemyError:
            # /metrics still answers with the request metrics when the database is down.
            families = []
            up.add_metric([], 0)
        yield up
        yield from families

    def _from_database(self) -> Iterator[GaugeMetricFamily]:
        at = clock_now()
        # Only timers of running instances can still fire (the same rule as /health).
        pending, overdue = db.session.execute(
            sa.select(sa.func.count(), sa.func.count().filter(PendingTimer.fire_at < at))
            .select_from(PendingTimer)
            .join(ProcessInstance, ProcessInstance.id == PendingTimer.instance_id)
            .where(ProcessInstance.status == "running")
        ).one()
        yield GaugeMetricFamily("cadreflow_timers_pending", "待触发的定时器数", value=pending)
        yield GaugeMetricFamily("cadreflow_timers_overdue", "已到期但尚未触发的定时器数", value=overdue)

        counts = dict(db.session.execute(
            sa.select(HumanTask.role, sa.func.count())
            .where(HumanTask.status == "open")
            .group_by(HumanTask.role)
        ).all())
        tasks = GaugeMetricFamily("cadreflow_open_tasks", "待办任务数（按角色）", labels=["role"])
        # Every role, zeros included: an absent series and an empty inbox look different in alerts.
        for role in sorted(set(ROLES) | set(counts)):
            tasks.add_metric([role], counts.get(role, 0))
        yield tasks
