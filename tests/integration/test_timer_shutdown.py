"""Stopping the timer service while a sweep is in flight: it waits for the sweep, never hangs.

APScheduler's own shutdown(wait=True) holds its job-store lock while it waits for running jobs,
and a sweep re-schedules its wake (add_job needs that lock): a scheduler process that received
SIGTERM in that moment never exited.
"""

from __future__ import annotations

import threading
from datetime import timedelta

import service.timers.scheduler as scheduler_module
from service.timers.config import SchedulerConfig
from service.timers.scheduler import TimerService


def test_shutdown_during_a_sweep_waits_for_it_and_returns(make_app, monkeypatch):
    app = make_app()
    in_wake, release, sweep_done = threading.Event(), threading.Event(), threading.Event()
    real_next_due_at = scheduler_module.next_due_at

    def slow_next_due_at(now):  # type: ignore[no-untyped-def]
        # The sweep has fired and is about to schedule its wake when the stop arrives.
        in_wake.set()
        release.wait(10)
        return (real_next_due_at(now) or now) + timedelta(hours=1)

    monkeypatch.setattr(scheduler_module, "next_due_at", slow_next_due_at)
    service = TimerService(app, SchedulerConfig(sweep_seconds=3600))
    original_fire_due = service.fire_due

    def fire_due_and_note(now=None):  # type: ignore[no-untyped-def]
        try:
            return original_fire_due(now)
        finally:
            sweep_done.set()

    service.fire_due = fire_due_and_note  # type: ignore[method-assign]
    service.start()  # the first sweep runs at once
    assert in_wake.wait(10), "the first sweep did not run"

    stopper = threading.Thread(target=service.shutdown, daemon=True)
    stopper.start()
    stopper.join(0.3)
    assert stopper.is_alive(), "shutdown must wait for the sweep in flight"
    assert not sweep_done.is_set()
    release.set()
    stopper.join(10)
    assert not stopper.is_alive(), "shutdown hung while a sweep re-scheduled its wake"
    assert sweep_done.is_set() and not service.running
