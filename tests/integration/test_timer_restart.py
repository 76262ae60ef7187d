"""Restart: timers pending while the scheduler was down fire when it starts again (late ones at
its first sweep), and the wake job is set to the next due time of the table.

The real APScheduler runs in the background; the test waits for its first sweep on an Event
(bounded), never for a fixed time.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from timer_helpers import adjustment, at_clock, bj, events, timers, who

from service import commands
from service.timers import SchedulerConfig, TimerService


def test_pending_timers_fire_after_restart_and_the_next_one_is_scheduled(make_app):
    app = make_app()
    config = SchedulerConfig(sweep_seconds=3600)  # only the start-up sweep and the wake job run
    with at_clock(app, bj(2026, 12, 1, 9)) as clock:
        iid = commands.submit_adjustment(who("hr_edu"), adjustment()).id
        reminder = timers(iid)["township_consent_reminder"].fire_at  # Fri Dec 4 09:00
        escalation = timers(iid)["township_consent_escalation"].fire_at  # Tue Dec 8 09:00

        first = TimerService(app, config).start()
        assert first.swept.wait(10)
        assert not events(iid, "timer")  # nothing due yet
        first.shutdown()

        # Down over the reminder's due time; up again on Monday Dec 7.
        clock.set(bj(2026, 12, 7, 8))
        second = TimerService(app, config).start()
        try:
            assert second.swept.wait(10)
            (fired,) = events(iid, "timer")
            assert fired.at == clock.now().astimezone(UTC)  # late: fired at once on start-up
            assert "township_consent_reminder" not in timers(iid)
            assert second.status()["running"] is True
            assert second.status()["next_fire_at"] == escalation.isoformat()
            # The wake job waits for the escalation (the ManualClock stands still: wall offset).
            wake = second._scheduler.get_job("wake")
            expected = datetime.now(UTC) + (escalation - clock.now())
            assert abs(wake.next_run_time - expected) < timedelta(seconds=5)
        finally:
            second.shutdown()
        assert reminder < clock.now() < escalation
