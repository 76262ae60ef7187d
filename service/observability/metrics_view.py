"""GET /metrics in the Prometheus text format.

Request metrics come from this process, or from every gunicorn worker when PROMETHEUS_MULTIPROC_DIR
is set; the database gauges are computed for this scrape only.
"""

from __future__ import annotations

import os

from flask import Flask, Response
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest, multiprocess

from service.observability.db_gauges import DatabaseGauges

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"


def _process_registry() -> CollectorRegistry:
    if os.environ.get(MULTIPROC_ENV):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return registry
    return REGISTRY


def register_metrics_view(app: Flask) -> None:
    gauges = CollectorRegistry(auto_describe=False)
    gauges.register(DatabaseGauges(app))

    def metrics() -> Response:
        # Two expositions back to back are one valid exposition: the metric names do not overlap.
        body = generate_latest(_process_registry()) + generate_latest(gauges)
        return Response(body, mimetype=CONTENT_TYPE_LATEST)

    app.add_url_rule("/metrics", "metrics", metrics, methods=["GET"])
