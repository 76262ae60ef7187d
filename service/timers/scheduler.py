"""TimerService: APScheduler jobs around TimerFirer and WebhookDeliverer.

Jobs: `sweep` every `sweep_seconds` (catches timers missed while down or created by another
process) and `wake`, a date job at the next due time of the table, rescheduled after every
run, so a known timer fires at its moment instead of at the next sweep. The app's clock decides
what is due; APScheduler only decides when to look (its triggers run on the wall clock, so the
wake time is translated by the clock's offset from the wall clock). With CADREFLOW_DUTIES_AUTOSTART,
`duties` starts the current year's unit_duties instances at start-up and checks again every hour.
`term_reminders` reminds of the terms ending within CADREFLOW_TERM_END_NOTICE_DAYS, at start-up and
every hour: each term once (commands/term_reminders.py records it), so how often it looks only
decides how soon after midnight a term's notice day is noticed. `term_end_assessments` starts the
term-end assessment (期满考核) of every posting whose planned end has come, at start-up and every
hour: once per term (commands/assessments/term_end.py).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from apscheduler.schedulers.background import BackgroundScheduler
from flask import Flask

from service.commands.assessments.term_end import start_due_term_ends
from service.commands.term_reminders import TermReminderSent, remind_term_ends
from service.commands.yearly_duties import duty_year, start_year_of_duties
from service.config import SETTINGS_KEY
from service.core.clock import get_clock
from service.timers.config import SchedulerConfig
from service.timers.firing import FiringReport, TimerFirer
from service.timers.scheduler_status import install
from service.timers.status import next_due_at, timer_figures
from service.timers.webhooks import DeliveryReport, WebhookDeliverer

log = logging.getLogger(__name__)

# How often the duties job looks for the current year's unit_duties instances (the first check
# runs at start-up, so a service that was down on 1 January catches up when it comes back).
DUTIES_CHECK_SECONDS = 3600
# How often the term_reminders job looks for terms entering their notice.
TERM_REMINDER_CHECK_SECONDS = 3600
# How often the term_end_assessments job looks for terms that have come to their planned end.
TERM_END_ASSESSMENT_CHECK_SECONDS = 3600
# Fire a hair after the fire time: timers fire strictly after it.
WAKE_MARGIN = timedelta(milliseconds=5)


def default_owner() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class TimerService:
    def __init__(self, app: Flask, config: SchedulerConfig | None = None, owner: str | None = None) -> None:
        self.app = app
        self.config = config or SchedulerConfig()
        self.owner = owner or default_owner()
        self.firer = TimerFirer(self.owner, self.config)
        self.deliverer = WebhookDeliverer(self.owner, self.config)
        self._fire_lock = threading.Lock()  # sweep and wake never fire concurrently in one process
        self._scheduler = BackgroundScheduler(timezone=UTC, job_defaults={
            "coalesce": True, "max_instances": 1, "misfire_grace_time": None})
        self.total_fired = 0
        self.swept = threading.Event()  # set after each completed sweep (tests wait on it)
        self._stopping = False
        self._idle = threading.Condition()  # shutdown waits on it for the jobs in flight
        self._jobs_in_flight = 0

    # lifecycle

    def start(self) -> TimerService:
        self._scheduler.add_job(self.run_sweep, "interval", seconds=self.config.sweep_seconds,
                                id="sweep", next_run_time=datetime.now(UTC))
        self._scheduler.add_job(self.run_deliveries, "interval", seconds=self.config.sweep_seconds,
                                id="webhooks")
        self._scheduler.add_job(self.run_term_reminders, "interval", seconds=TERM_REMINDER_CHECK_SECONDS,
                                id="term_reminders", next_run_time=datetime.now(UTC))
        self._scheduler.add_job(self.run_term_end_assessments, "interval",
                                seconds=TERM_END_ASSESSMENT_CHECK_SECONDS, id="term_end_assessments",
                                next_run_time=datetime.now(UTC))
        if self.app.extensions[SETTINGS_KEY].duties_autostart:
            self._scheduler.add_job(self.run_duties, "interval", seconds=DUTIES_CHECK_SECONDS,
                                    id="duties", next_run_time=datetime.now(UTC))
        self._scheduler.start()
        install(self.app, self)
        log.info("timer service %s started (sweep every %ss)", self.owner, self.config.sweep_seconds)
        return self

    def shutdown(self, wait: bool = True) -> None:
        """Stop the jobs; `wait`: until those in flight have finished (their transactions end).

        Not APScheduler's own wait: it holds its job-store lock while it waits, and a sweep in
        flight re-schedules its wake with add_job, which needs that lock: the process hung on
        SIGTERM. Here APScheduler stops without waiting and the service waits for its jobs."""
        self._stopping = True
        if self._scheduler.running:
            self._scheduler.shutdown(wait=False)
        if wait:
            with self._idle:
                self._idle.wait_for(lambda: self._jobs_in_flight == 0)

    @contextmanager
    def _job(self) -> Iterator[None]:
        with self._idle:
            self._jobs_in_flight += 1
        try:
            yield
        finally:
            with self._idle:
                self._jobs_in_flight -= 1
                self._idle.notify_all()

    @property
    def running(self) -> bool:
        return bool(self._scheduler.running)

    def status(self) -> dict[str, Any]:
        return {"running": self.running, **timer_figures()}

    # work (each callable directly; the jobs wrap them)

    def fire_due(self, now: datetime | None = None) -> FiringReport:
        with self.app.app_context(), self._fire_lock:
            report = self.firer.fire_due(now or get_clock().now())
            self.total_fired += report.fired_count
            if self.running:
                self._schedule_wake()
            return report

    def deliver_due(self, now: datetime | None = None) -> DeliveryReport:
        with self.app.app_context():
            return self.deliverer.deliver_due(now or get_clock().now())

    def run_sweep(self) -> None:
        with self._job():
            try:
                self.fire_due()
            except Exception:  # a job that raises would only be logged by APScheduler anyway
                log.exception("timer sweep failed")
            finally:
                self.swept.set()

    def run_deliveries(self) -> None:
        with self._job():
            try:
                self.deliver_due()
            except Exception:
                log.exception("webhook delivery failed")

    def start_duties(self, now: datetime | None = None) -> list[str]:
        """This year's missing unit_duties instances (domain rule 9); their ids."""
        with self.app.app_context():
            at = now or get_clock().now()
            return start_year_of_duties(duty_year(at), at)

    def run_duties(self) -> None:
        with self._job():
            try:
                started = self.start_duties()
                if started:
                    log.info("started %d unit_duties instances for the year", len(started))
            except Exception:
                log.exception("starting the year's unit_duties failed")

    def remind_term_ends(self, now: datetime | None = None) -> list[TermReminderSent]:
        """Remind of the terms entering their notice (once each); what was sent."""
        with self.app.app_context():
            return remind_term_ends(now or get_clock().now())

    def run_term_reminders(self) -> None:
        with self._job():
            try:
                sent = self.remind_term_ends()
                if sent:
                    log.info("reminded of %d term ends", len(sent))
            except Exception:
                log.exception("term-end reminders failed")

    def start_term_end_assessments(self, now: datetime | None = None) -> list[str]:
        """The term-end assessments that are due (once per term); the ids started."""
        with self.app.app_context():
            return start_due_term_ends(now or get_clock().now())

    def run_term_end_assessments(self) -> None:
        with self._job():
            try:
                started = self.start_term_end_assessments()
                if started:
                    log.info("started %d term-end assessments", len(started))
            except Exception:
                log.exception("starting the term-end assessments failed")

    def _schedule_wake(self) -> None:
        clock_now = get_clock().now()
        due = next_due_at(clock_now)
        if due is None or self._stopping:
            return
        run_at = datetime.now(UTC) + (due - clock_now) + WAKE_MARGIN
        self._scheduler.add_job(self.run_sweep, "date", run_date=run_at, id="wake", replace_existing=True)
