"""/metrics adds up the requests of every process sharing PROMETHEUS_MULTIPROC_DIR (gunicorn workers)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families

ROOT = Path(__file__).resolve().parents[2]

# One "worker": its own process, its own app, N requests; the last one prints a scrape.
WORKER = """
import sys
from service.app import create_app
from service.config import Settings
client = create_app(Settings(database_url=sys.argv[1])).test_client()
for _ in range(int(sys.argv[2])):
    assert client.get("/api/v1/health").status_code == 200
if sys.argv[3] == "scrape":
    sys.stdout.write(client.get("/metrics").get_data(as_text=True))
"""


def run_worker(db_url: str, requests: int, scrape: bool, multiproc_dir: Path) -> str:
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(multiproc_dir)}
    result = subprocess.run(
        [sys.executable, "-c", WORKER, db_url, str(requests), "scrape" if scrape else "-"],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def health_count(exposition: str) -> float:
    for family in text_string_to_metric_families(exposition):
        for sample in family.samples:
            if sample.name == "cadreflow_http_requests_total" and sample.labels == {
                    "method": "GET", "route": "/api/v1/health", "status": "200"}:
                return sample.value
    return 0.0


def test_requests_of_all_processes_are_added_up(db_url, tmp_path):
    run_worker(db_url, 3, False, tmp_path)
    run_worker(db_url, 4, False, tmp_path)
    exposition = run_worker(db_url, 0, True, tmp_path)
    assert health_count(exposition) == 7
    # Gauges from the database are computed at scrape time in the scraping process.
    assert "cadreflow_open_tasks{" in exposition


def test_without_the_directory_each_process_counts_alone(db_url):
    env = {k: v for k, v in os.environ.items() if k != "PROMETHEUS_MULTIPROC_DIR"}
    result = subprocess.run([sys.executable, "-c", WORKER, db_url, "2", "scrape"], capture_output=True,
                            text=True, env=env, cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert health_count(result.stdout) == 2
