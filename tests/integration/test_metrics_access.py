"""Who may read /metrics (service/observability/metrics_view.py): with CADREFLOW_METRICS_TOKEN set,
whoever sends it as a bearer token; without it, only this machine, and not through a proxy. Anyone
else without a token set gets the 404 of a path that does not exist."""

from __future__ import annotations

import pytest

TOKEN = "scrape-" + "x" * 32
REMOTE = {"REMOTE_ADDR": "10.1.2.3"}


def _not_found_like_any_path(client, response) -> None:
    missing = client.get("/no-such-path", environ_base=REMOTE)
    assert response.status_code == missing.status_code == 404
    assert response.get_json() == missing.get_json()
    assert response.mimetype == "application/problem+json"


@pytest.mark.parametrize("address", ["127.0.0.1", "127.0.0.53", "::1", "::ffff:127.0.0.1"])
def test_without_a_token_this_machine_scrapes(client, address):
    response = client.get("/metrics", environ_base={"REMOTE_ADDR": address})
    assert response.status_code == 200
    assert "cadreflow_open_tasks" in response.get_data(as_text=True)


@pytest.mark.parametrize("environ, headers", [
    (REMOTE, {}),
    ({"REMOTE_ADDR": "192.168.1.20"}, {}),
    ({"REMOTE_ADDR": ""}, {}),  # a unix socket
    ({"REMOTE_ADDR": "127.0.0.1"}, {"X-Forwarded-For": "203.0.113.9"}),  # a proxy on this machine
    ({"REMOTE_ADDR": "127.0.0.1"}, {"Forwarded": "for=203.0.113.9"}),
    (REMOTE, {"Authorization": f"Bearer {TOKEN}"}),  # no token is set: none is accepted
])
def test_without_a_token_anyone_else_gets_404(client, environ, headers):
    response = client.get("/metrics", environ_base=environ, headers=headers)
    _not_found_like_any_path(client, response)
    assert "cadreflow_open_tasks" not in response.get_data(as_text=True)


@pytest.fixture(scope="module")
def guarded(db_url):
    from app_support import build_app, dispose

    app = build_app(db_url, metrics_token=TOKEN)
    app.testing = True
    yield app.test_client()
    dispose(app)


@pytest.mark.parametrize("environ", [REMOTE, {"REMOTE_ADDR": "127.0.0.1"}])
def test_with_a_token_the_bearer_scrapes_from_anywhere(guarded, environ):
    response = guarded.get("/metrics", environ_base=environ, headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200
    assert "cadreflow_open_tasks" in response.get_data(as_text=True)


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong"},
                                     {"Authorization": f"Basic {TOKEN}"},
                                     {"Authorization": f"Bearer {TOKEN}x"}])
@pytest.mark.parametrize("environ", [REMOTE, {"REMOTE_ADDR": "127.0.0.1"}])
def test_with_a_token_anyone_without_it_gets_401(guarded, environ, headers):
    response = guarded.get("/metrics", environ_base=environ, headers=headers)
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert "cadreflow_open_tasks" not in response.get_data(as_text=True)


def test_a_forwarded_for_header_does_not_make_a_remote_request_local(db_url):
    """With CADREFLOW_TRUSTED_PROXIES the peer address comes from X-Forwarded-For, which anyone can
    write: a request that carries it is never taken for a local scrape."""
    from app_support import build_app, dispose

    app = build_app(db_url, trusted_proxies=1)
    try:
        client = app.test_client()
        response = client.get("/metrics", environ_base=REMOTE, headers={"X-Forwarded-For": "127.0.0.1"})
        _not_found_like_any_path(client, response)
        assert client.get("/metrics", environ_base={"REMOTE_ADDR": "127.0.0.1"}).status_code == 200
    finally:
        dispose(app)
