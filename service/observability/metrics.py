"""Metric objects updated by the request hooks.

Created at import: with PROMETHEUS_MULTIPROC_DIR set (gunicorn), prometheus-client writes them to
per-process files that /metrics adds up, so every worker's requests are counted in one scrape.
"""

from __future__ import annotations

from prometheus_client import Counter, Histogram

# Most API calls take milliseconds; the tail up to seconds is what an operator looks for.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

REQUESTS = Counter(
    "cadreflow_http_requests",
    "HTTP 请求数（按方法、路由模板、状态码）",
    ["method", "route", "status"],
)
REQUEST_SECONDS = Histogram(
    "cadreflow_http_request_duration_seconds",
    "HTTP 请求耗时（秒）",
    ["method", "route"],
    buckets=LATENCY_BUCKETS,
)
# A command is a state-changing API call (POST/PUT/PATCH/DELETE): measured around the whole request
# so that the figure includes the transaction commit, which is where contention shows.
COMMAND_SECONDS = Histogram(
    "cadreflow_command_duration_seconds",
    "命令（写操作）耗时（秒），按路由模板和结果",
    ["route", "outcome"],
    buckets=LATENCY_BUCKETS,
)

COMMAND_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
