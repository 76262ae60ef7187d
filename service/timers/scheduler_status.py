"""What /health reports about the timer scheduler; the timer service installs the real one."""

from __future__ import annotations

from typing import Any, Protocol

from flask import Flask, current_app

from service.timers.status import timer_figures

EXTENSION_KEY = "cadreflow.scheduler"


class SchedulerStatus(Protocol):
    def status(self) -> dict[str, Any]: ...


class NotRunning:
    """Default until a scheduler is attached to the app (e.g. `serve --no-scheduler`, tests).

    The timer figures come from the database, so they are right even when the scheduler runs
    in another process (`cadreflow scheduler`).
    """

    def status(self) -> dict[str, Any]:
        return {"running": False, **timer_figures()}


def install(app: Flask, scheduler: SchedulerStatus) -> None:
    app.extensions[EXTENSION_KEY] = scheduler


def scheduler_status() -> dict[str, Any]:
    return current_app.extensions.get(EXTENSION_KEY, NotRunning()).status()
