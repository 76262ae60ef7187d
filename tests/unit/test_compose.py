"""docker-compose.yml validates with docker-compose and keeps the deployment topology of issue 7.

The Docker engine is not available here; `docker-compose config` parses, interpolates and validates
the file without one.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from service.config import Settings

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
COMPOSE = shutil.which("docker-compose")

pytestmark = pytest.mark.skipif(
    COMPOSE is None, reason="docker-compose is not installed (apt-get install -y docker-compose)"
)


GIVEN_KEY = "k" * 48


def compose_config(path: Path, secret_key: str | None = GIVEN_KEY) -> subprocess.CompletedProcess[str]:
    assert COMPOSE is not None
    env = {k: v for k, v in os.environ.items() if k != "CADREFLOW_SECRET_KEY"}
    if secret_key is not None:
        env["CADREFLOW_SECRET_KEY"] = secret_key
    return subprocess.run([COMPOSE, "-f", str(path), "config"], capture_output=True, text=True,
                          timeout=60, cwd=path.parent, env=env)


@pytest.fixture(scope="module")
def config() -> dict[str, Any]:
    result = compose_config(COMPOSE_FILE)
    assert result.returncode == 0, result.stderr
    return yaml.safe_load(result.stdout)


def test_services_and_one_image(config: dict[str, Any]) -> None:
    services = config["services"]
    assert set(services) == {"postgres", "migrate", "web", "scheduler"}
    assert {services[name]["image"] for name in ("migrate", "web", "scheduler")} == {"cadreflow:latest"}
    assert services["migrate"]["command"] == ["cadreflow", "init-db"]
    assert services["scheduler"]["command"] == ["cadreflow", "scheduler"]
    assert "gunicorn" in services["web"]["command"]
    assert "service.wsgi:app" in services["web"]["command"]


def test_two_web_replicas_with_several_workers(config: dict[str, Any]) -> None:
    web = config["services"]["web"]
    assert web["deploy"]["replicas"] == 2
    assert int(web["environment"]["WEB_CONCURRENCY"]) >= 2
    assert web["environment"]["PROMETHEUS_MULTIPROC_DIR"]


def test_migrations_run_once_before_web_and_scheduler(config: dict[str, Any]) -> None:
    services = config["services"]
    assert services["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    for name in ("web", "scheduler"):
        depends = services[name]["depends_on"]
        assert depends["migrate"]["condition"] == "service_completed_successfully", name
        assert depends["postgres"]["condition"] == "service_healthy", name


def test_health_checks_and_configuration_by_environment(config: dict[str, Any]) -> None:
    services = config["services"]
    assert "pg_isready" in " ".join(services["postgres"]["healthcheck"]["test"])
    assert "/api/v1/health" in " ".join(services["web"]["healthcheck"]["test"])
    assert services["scheduler"]["healthcheck"]["test"]
    for name in ("migrate", "web", "scheduler"):
        url = services[name]["environment"]["CADREFLOW_DATABASE_URL"]
        assert url.startswith("postgresql+psycopg://") and "@postgres:5432/" in url, name


def test_an_invalid_dependency_is_refused(tmp_path: Path) -> None:
    # The validation is real: a web service waiting for a service that does not exist fails.
    broken = COMPOSE_FILE.read_text(encoding="utf-8").replace(
        "      migrate:\n        condition: service_completed_successfully",
        "      migrations:\n        condition: service_completed_successfully", 1)
    assert broken != COMPOSE_FILE.read_text(encoding="utf-8")
    (tmp_path / "docker-compose.yml").write_text(broken, encoding="utf-8")
    result = compose_config(tmp_path / "docker-compose.yml")
    assert result.returncode != 0
    assert "migrations" in result.stderr


def test_the_session_key_must_come_from_the_environment() -> None:
    refused = compose_config(COMPOSE_FILE, secret_key=None)
    assert refused.returncode != 0
    assert "CADREFLOW_SECRET_KEY" in refused.stderr


def test_every_service_gets_the_given_session_key(config: dict[str, Any]) -> None:
    for name in ("migrate", "web", "scheduler"):
        assert config["services"][name]["environment"]["CADREFLOW_SECRET_KEY"] == GIVEN_KEY


def test_web_session_cookies_are_secure_behind_the_tls_proxy(config: dict[str, Any]) -> None:
    web = config["services"]["web"]["environment"]
    assert web["CADREFLOW_SECURE_COOKIES"] == "true"
    assert web["CADREFLOW_TRUSTED_PROXIES"] == "1"
    settings = Settings.from_env({k: str(v) for k, v in web.items() if k.startswith("CADREFLOW_")})
    assert settings.secure_cookies is True and settings.trusted_proxies == 1
