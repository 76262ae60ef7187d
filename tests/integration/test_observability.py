"""Request ids, the JSON request log and /metrics (service/observability)."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from datetime import timedelta

import pytest
from process_helpers import FS_REQUEST, Api
from prometheus_client.parser import text_string_to_metric_families

from service.observability.logs import JsonFormatter, access_logger


class Lines(logging.Handler):
    """Collects the access log as the JSON lines the real handler writes."""

    def __init__(self) -> None:
        super().__init__()
        self.setFormatter(JsonFormatter())
        self.lines: list[dict] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(json.loads(self.format(record)))


@pytest.fixture
def access_lines() -> Iterator[list[dict]]:
    handler = Lines()
    logger = access_logger()
    logger.addHandler(handler)
    yield handler.lines
    logger.removeHandler(handler)


def samples(client) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:  # type: ignore[no-untyped-def]
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    found = {}
    for family in text_string_to_metric_families(response.get_data(as_text=True)):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def value(found: dict, name: str, **labels: str) -> float:
    return found.get((name, tuple(sorted(labels.items()))), 0.0)


def test_a_request_id_is_generated_and_echoed(client, access_lines):
    first = client.get("/api/v1/health")
    second = client.get("/api/v1/health")
    ids = [first.headers["X-Request-Id"], second.headers["X-Request-Id"]]
    assert all(len(i) == 32 for i in ids) and ids[0] != ids[1]
    assert [line["request_id"] for line in access_lines] == ids


def test_the_callers_request_id_is_kept_unless_malformed(client):
    assert client.get("/api/v1/health", headers={"X-Request-Id": "lb-42.a:b"}).headers["X-Request-Id"] \
        == "lb-42.a:b"
    replaced = client.get("/api/v1/health", headers={"X-Request-Id": "bad id\twith spaces"})
    assert replaced.headers["X-Request-Id"] != "bad id\twith spaces"
    assert len(replaced.headers["X-Request-Id"]) == 32


def test_one_json_line_per_request_with_the_user(client, auth, access_lines):
    response = client.get("/api/v1/me", headers={**auth("hr_edu"), "X-Request-Id": "req-me-1"})
    assert response.status_code == 200
    client.get("/api/v1/tasks/no-such-task", headers=auth("county"))
    client.get("/api/v1/me")  # no token: 401, no user

    me, missing, anonymous = access_lines
    assert set(me) >= {"time", "level", "request_id", "method", "path", "status", "duration_ms", "user"}
    assert (me["request_id"], me["method"], me["path"], me["status"], me["user"], me["level"]) == (
        "req-me-1", "GET", "/api/v1/me", 200, "hr_edu", "info")
    assert isinstance(me["duration_ms"], float) and me["duration_ms"] >= 0
    assert me["time"].endswith("+00:00")
    assert (missing["status"], missing["user"], missing["route"]) == (
        404, "county", "/api/v1/tasks/<string:task_id>")
    assert (anonymous["status"], anonymous["user"]) == (401, None)


def test_requests_are_counted_by_route_template_not_path(client, auth):
    before = samples(client)
    for task_id in ("a", "b", "c"):
        client.get(f"/api/v1/tasks/{task_id}", headers=auth("county"))
    client.get("/api/v1/me", headers=auth("hr_edu"))
    after = samples(client)

    route = "/api/v1/tasks/<string:task_id>"
    key = {"method": "GET", "route": route, "status": "404"}
    assert value(after, "cadreflow_http_requests_total", **key) - \
        value(before, "cadreflow_http_requests_total", **key) == 3
    me = {"method": "GET", "route": "/api/v1/me", "status": "200"}
    assert value(after, "cadreflow_http_requests_total", **me) - \
        value(before, "cadreflow_http_requests_total", **me) == 1
    assert not any("/api/v1/tasks/a" in dict(labels).get("route", "") for _, labels in after)
    hist = {"method": "GET", "route": route}
    assert value(after, "cadreflow_http_request_duration_seconds_count", **hist) - \
        value(before, "cadreflow_http_request_duration_seconds_count", **hist) == 3


def test_commands_have_a_latency_histogram_and_gauges_follow_the_database(client, auth, clock):
    api = Api(client, auth)
    before = samples(client)
    instance = api.post("hr_edu", "/adjustments", FS_REQUEST, status=201)
    after = samples(client)

    command = {"route": "/api/v1/adjustments", "outcome": "ok"}
    assert value(after, "cadreflow_command_duration_seconds_count", **command) - \
        value(before, "cadreflow_command_duration_seconds_count", **command) == 1
    assert value(after, "cadreflow_command_duration_seconds_bucket", le="+Inf", **command) >= 1
    # GETs are requests, not commands.
    assert not any(name == "cadreflow_command_duration_seconds_count" and dict(labels).get("route") ==
                   "/metrics" for name, labels in after)

    assert value(after, "cadreflow_metrics_database_up") == 1
    assert value(after, "cadreflow_open_tasks", role="township") - \
        value(before, "cadreflow_open_tasks", role="township") == 1
    assert value(after, "cadreflow_open_tasks", role="auditor") == 0  # zeros are reported too
    new_timers = value(after, "cadreflow_timers_pending") - value(before, "cadreflow_timers_pending")
    assert new_timers >= 2  # the township step's reminder and escalation
    assert value(after, "cadreflow_timers_overdue") == value(before, "cadreflow_timers_overdue")

    # No scheduler runs in the tests: once their time has passed the timers are overdue.
    clock.advance(timedelta(days=40))
    later = samples(client)
    assert value(later, "cadreflow_timers_overdue") - value(after, "cadreflow_timers_overdue") == new_timers
    assert value(later, "cadreflow_timers_pending") == value(after, "cadreflow_timers_pending")

    api.act("tw_qingshan", instance["instance_id"], "approve", "同意")
    done = samples(client)
    assert value(done, "cadreflow_open_tasks", role="township") == value(before, "cadreflow_open_tasks",
                                                                         role="township")
    assert value(done, "cadreflow_open_tasks", role="county") - value(after, "cadreflow_open_tasks",
                                                                      role="county") == 1


def test_metrics_still_answer_when_the_database_is_down(tmp_path):
    from app_support import build_app

    (tmp_path / "dir.sqlite3").mkdir()  # not openable as a database
    client = build_app(f"sqlite:///{tmp_path / 'dir.sqlite3'}").test_client()
    client.get("/api/v1/health")
    found = samples(client)
    assert value(found, "cadreflow_metrics_database_up") == 0
    assert value(found, "cadreflow_http_requests_total", method="GET", route="/api/v1/health",
                 status="503") >= 1


def test_served_processes_log_no_engine_state_changes():
    """configure_json_logging (the wsgi entry): SpiffWorkflow's per-task INFO lines, which carry the
    process data, are not written; its warnings and our own INFO lines are."""
    from service.observability.logs import configure_json_logging

    root, spiff = logging.getLogger(), logging.getLogger("spiff")
    saved = (root.handlers[:], root.level, spiff.level)
    try:
        configure_json_logging()
        for name in ("spiff.task", "spiff.workflow", "spiff.data"):
            assert not logging.getLogger(name).isEnabledFor(logging.INFO)
            assert logging.getLogger(name).isEnabledFor(logging.WARNING)
        assert logging.getLogger("service.timers.scheduler").isEnabledFor(logging.INFO)
        configure_json_logging(logging.ERROR)
        assert not logging.getLogger("spiff.task").isEnabledFor(logging.WARNING)
    finally:
        root.handlers[:], _, _ = saved
        root.setLevel(saved[1])
        spiff.setLevel(saved[2])
