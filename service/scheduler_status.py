"""What /health reports about the timer scheduler; the timer service installs the real one."""

from __future__ import annotations

from typing import Any, Protocol

from flask import Flask, current_app

EXTENSION_KEY = "cadreflow.scheduler"


class SchedulerStatus(Protocol):
    def status(self) -> dict[str, Any]: ...


class NotRunning:
    """Default until a scheduler is attached to the app (e.g. `serve --no-scheduler`, tests)."""

    def status(self) -> dict[str, Any]:
        return {"running": False}


def install(app: Flask, scheduler: SchedulerStatus) -> None:
    app.extensions[EXTENSION_KEY] = scheduler


def scheduler_status() -> dict[str, Any]:
    return current_app.extensions.get(EXTENSION_KEY, NotRunning()).status()
