"""Structured request logs and Prometheus metrics for the web processes.

`install(app)` adds a request id to every request (X-Request-Id in and out), one JSON log line per
request, request/command metrics and GET /metrics.
"""

from __future__ import annotations

from flask import Flask

from service.observability.metrics_view import register_metrics_view
from service.observability.requests import install_request_hooks


def install(app: Flask) -> None:
    install_request_hooks(app)
    register_metrics_view(app)


__all__ = ["install"]
