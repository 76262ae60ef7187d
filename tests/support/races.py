"""Real threads sending the same request at the same moment (the concurrency tests)."""

from __future__ import annotations

import threading
from typing import Any

from flask import Flask

THREADS = 20


def race(app: Flask, token: str, path: str, body: dict[str, Any], threads: int = THREADS) -> list[int]:
    """POST `body` to `path` from `threads` threads released together; their statuses, sorted."""
    headers = {"Authorization": f"Bearer {token}"}
    barrier = threading.Barrier(threads)
    statuses: list[int] = []
    lock = threading.Lock()

    def worker() -> None:
        own = app.test_client()  # each thread: its own request context and DB session
        barrier.wait()
        response = own.post(path, headers=headers, json=body)
        with lock:
            statuses.append(response.status_code)

    running = [threading.Thread(target=worker) for _ in range(threads)]
    for t in running:
        t.start()
    for t in running:
        t.join()
    return sorted(statuses)


def race_each(app: Flask, token: str, path: str, bodies: list[dict[str, Any]]) -> list[int]:
    """POST each of `bodies` from a thread of its own, all released together; their statuses, sorted."""
    headers = {"Authorization": f"Bearer {token}"}
    barrier = threading.Barrier(len(bodies))
    statuses: list[int] = []
    lock = threading.Lock()

    def worker(body: dict[str, Any]) -> None:
        own = app.test_client()
        barrier.wait()
        response = own.post(path, headers=headers, json=body)
        with lock:
            statuses.append(response.status_code)

    running = [threading.Thread(target=worker, args=(body,)) for body in bodies]
    for t in running:
        t.start()
    for t in running:
        t.join()
    return sorted(statuses)
