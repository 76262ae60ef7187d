"""`cadreflow serve` says where people open the pages (the login page), not only the API."""

from __future__ import annotations

from typing import Any

from click.testing import CliRunner

from service.cli import server


def test_the_web_address_is_the_login_page() -> None:
    assert server.web_address("127.0.0.1", 5000) == "http://127.0.0.1:5000/login"
    assert server.web_address("0.0.0.0", 8080) == "http://127.0.0.1:8080/login"
    assert server.web_address("::1", 5000) == "http://[::1]:5000/login"


def test_serve_prints_the_login_page_first(monkeypatch: Any, tmp_path: Any) -> None:
    monkeypatch.setenv("CADREFLOW_DATABASE_URL", f"sqlite:///{tmp_path}/serve.sqlite3")
    monkeypatch.setenv("CADREFLOW_SECRET_KEY", "x" * 40)
    monkeypatch.setattr("flask.Flask.run", lambda self, **kwargs: None)  # do not serve
    result = CliRunner().invoke(server.serve, ["--no-scheduler", "--port", "5099"])
    assert result.exit_code == 0, result.output
    assert "网页（登录）：http://127.0.0.1:5099/login" in result.output
