"""The application's one clock (injectable): commands read time here, tests install a ManualClock."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Flask, current_app, has_app_context

from workflows.clock import Clock, ManualClock, SystemClock, require_aware

CLOCK_KEY = "cadreflow.clock"
_SYSTEM = SystemClock()

__all__ = ["CLOCK_KEY", "Clock", "ManualClock", "SystemClock", "get_clock", "install_clock", "now"]


def get_clock() -> Clock:
    """The clock of the current app (SystemClock unless a test or the CLI installed another)."""
    if has_app_context():
        clock = current_app.extensions.get(CLOCK_KEY)
        if clock is not None:
            return clock
    return _SYSTEM


def install_clock(app: Flask, clock: Clock) -> Clock:
    app.extensions[CLOCK_KEY] = clock
    return clock


def now() -> datetime:
    # Commands hand the engine UTC instants: a timer's ISO value then never depends on the offset
    # the clock happened to use, so replays from stored (UTC) times reproduce the same state.
    return require_aware(get_clock().now()).astimezone(UTC)
