"""gunicorn settings for the web processes (`gunicorn -c python:service.observability.gunicorn_conf`).

Environment: CADREFLOW_BIND (host:port), WEB_CONCURRENCY (workers), GUNICORN_THREADS,
GUNICORN_TIMEOUT, PROMETHEUS_MULTIPROC_DIR (metrics of all workers in one scrape).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

bind = os.environ.get("CADREFLOW_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "4"))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
# Request lines are written by the app as JSON (service.observability); gunicorn's own would repeat them.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
# Not preloaded: every worker opens its own database pool after the fork.
preload_app = False


def on_starting(server: Any) -> None:
    # Files left by the workers of a previous run would be added to this run's counters.
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        shutil.rmtree(directory, ignore_errors=True)
        Path(directory).mkdir(parents=True, exist_ok=True)


def child_exit(server: Any, worker: Any) -> None:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
