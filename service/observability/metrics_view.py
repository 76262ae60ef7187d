"""GET /metrics in the Prometheus text format, for the monitoring system only.

Request metrics come from this process, or from every gunicorn worker when PROMETHEUS_MULTIPROC_DIR
is set; the database gauges are computed for this scrape only.

Who may scrape: with CADREFLOW_METRICS_TOKEN set, a request carrying it as a bearer token (401
otherwise). Without it, a request from this machine (loopback) that no proxy forwarded; anyone else
gets the 404 of a path that does not exist. docs/operations.md#health-metrics-and-logs.
"""

from __future__ import annotations

import hmac
import ipaddress
import os

from flask import Flask, Response, request
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest, multiprocess
from werkzeug.exceptions import NotFound

from service.config import get_settings
from service.core.errors import Unauthorized
from service.observability.db_gauges import DatabaseGauges

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
# A proxy on this machine connects from loopback: what it forwards came from elsewhere.
FORWARDING_HEADERS = ("Forwarded", "X-Forwarded-For", "X-Forwarded-Host", "X-Real-IP")


def _process_registry() -> CollectorRegistry:
    if os.environ.get(MULTIPROC_ENV):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return registry
    return REGISTRY


def _from_loopback() -> bool:
    try:
        address = ipaddress.ip_address(request.remote_addr or "")
    except ValueError:  # a unix socket, or no address at all
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_loopback and not any(name in request.headers for name in FORWARDING_HEADERS)


def _bearer() -> str:
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" else ""


def require_scraper() -> None:
    """Refuse whoever may not read the metrics (they include every role's open tasks)."""
    token = get_settings().metrics_token
    if token:
        if not hmac.compare_digest(_bearer().encode(), token.encode()):
            raise Unauthorized("缺少或无效的指标令牌（Authorization: Bearer <CADREFLOW_METRICS_TOKEN>）。")
    elif not _from_loopback():
        raise NotFound()


def register_metrics_view(app: Flask) -> None:
    gauges = CollectorRegistry(auto_describe=False)
    gauges.register(DatabaseGauges(app))

    def metrics() -> Response:
        require_scraper()
        # Two expositions back to back are one valid exposition: the metric names do not overlap.
        body = generate_latest(_process_registry()) + generate_latest(gauges)
        return Response(body, mimetype=CONTENT_TYPE_LATEST)

    app.add_url_rule("/metrics", "metrics", metrics, methods=["GET"])
