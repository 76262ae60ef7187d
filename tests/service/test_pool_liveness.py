"""Pooled PostgreSQL connections: checked before use without a round trip (service/pool_liveness.py),
yet a connection the server closed is never handed to a request."""

from __future__ import annotations

import time

import psycopg
import pytest
import sqlalchemy as sa

from service.persistence.db import db
from service.persistence.pool_liveness import check_alive


@pytest.fixture
def pg_app(make_app, backend):  # type: ignore[no-untyped-def]
    if backend != "postgresql":
        pytest.skip("the pool's liveness check is for PostgreSQL connections")
    return make_app()


def _server_closes_every_connection_of(app) -> None:  # type: ignore[no-untyped-def]
    """As a restart or failover would, from outside: terminate the app's backends and wait for them to go."""
    with app.app_context():
        url = db.engine.url
    with psycopg.connect(url.set(drivername="postgresql").render_as_string(hide_password=False),
                         autocommit=True) as admin:
        others = "datname = current_database() AND pid <> pg_backend_pid()"
        admin.execute(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE {others}")
        for _ in range(200):
            if admin.execute(f"SELECT count(*) FROM pg_stat_activity WHERE {others}").fetchone()[0] == 0:
                return
            time.sleep(0.01)
    raise AssertionError("the backends did not end")


def _connects(app):  # type: ignore[no-untyped-def]
    opened: list[object] = []
    with app.app_context():
        sa.event.listen(db.engine, "connect", lambda *_args: opened.append(1))
    return opened


def test_healthy_connections_are_reused_without_a_ping(pg_app, auth):
    client = pg_app.test_client()
    assert client.get("/api/v1/me", headers=auth("county")).status_code == 200
    opened = _connects(pg_app)
    with pg_app.app_context():
        assert not db.engine.pool._pre_ping  # no empty query before each request
    for _ in range(5):
        assert client.get("/api/v1/me", headers=auth("county")).status_code == 200
    assert opened == []


def test_a_connection_the_server_closed_is_replaced_before_the_request_uses_it(pg_app, auth):
    client = pg_app.test_client()
    assert client.get("/api/v1/me", headers=auth("county")).status_code == 200
    opened = _connects(pg_app)
    _server_closes_every_connection_of(pg_app)
    response = client.get("/api/v1/me", headers=auth("county"))
    assert response.status_code == 200, response.get_json()
    assert opened == [1]


def test_check_alive_tells_a_closed_connection_from_an_idle_healthy_one(pg_app):
    with pg_app.app_context():
        raw = db.engine.raw_connection()
        try:
            driver = raw.driver_connection
            check_alive(driver, None, None)  # idle and healthy: nothing to read, no exception
            _server_closes_every_connection_of(pg_app)
            with pytest.raises(sa.exc.DisconnectionError):
                check_alive(driver, None, None)
        finally:
            raw.invalidate()
