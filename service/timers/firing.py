"""fire_due(now): fire every due timer once, one instance per transaction; failures back off.

Callable directly (tests pass a simulated `now`; nobody sleeps) and from the scheduler's jobs.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from service.commands.stopped import InstanceStopped
from service.commands.timers import fire_due_timers, record_timer_failure
from service.core.errors import Conflict
from service.persistence.db import db
from service.timers.claim import Claim, Claimer, claimer_for
from service.timers.config import SchedulerConfig
from workflows.clock import require_aware

log = logging.getLogger(__name__)


@dataclass
class FiringReport:
    fired: dict[str, list[str]] = field(default_factory=dict)  # instance id -> fired timer ids
    conflicts: list[str] = field(default_factory=list)  # busy instances, tried again next sweep
    failed: dict[str, str] = field(default_factory=dict)  # instance id -> error
    errored: list[str] = field(default_factory=list)  # instances put into status `error`

    @property
    def fired_count(self) -> int:
        return sum(len(ids) for ids in self.fired.values())


class TimerFirer:
    def __init__(self, owner: str, config: SchedulerConfig | None = None) -> None:
        self.owner = owner
        self.config = config or SchedulerConfig()
        self._claimer: Claimer | None = None

    @property
    def claimer(self) -> Claimer:
        if self._claimer is None:
            self._claimer = claimer_for(db.engine.dialect.name, self.owner, self.config.lock_ttl)
        return self._claimer

    def fire_due(self, now: datetime) -> FiringReport:
        """Inside an app context: fire what is due strictly before `now` (bounded per call)."""
        now = require_aware(now)
        report = FiringReport()
        seen: set[str] = set()  # an instance is tried once per call: a failure cannot spin
        while len(seen) < self.config.batch_limit:
            claim = self.claimer.claim(now, seen)
            if claim is None:
                break
            seen.add(claim.instance_id)
            self._fire(claim, now, report)
        return report

    def _fire(self, claim: Claim, now: datetime, report: FiringReport) -> None:
        try:
            result = fire_due_timers(claim.instance_id, now)
        except InstanceStopped as err:
            # The firing ran out of its engine budget (a runaway script or cycle timer): the
            # instance is in `error` already, and no retry would do better.
            report.failed[claim.instance_id] = err.detail
            report.errored.append(claim.instance_id)
        except Conflict:
            # Another command (a person, another replica) changed the instance meanwhile.
            report.conflicts.append(claim.instance_id)
        except Exception as err:  # noqa: BLE001 - any engine error must not stop the others
            db.session.rollback()
            log.warning("timer firing failed for %s: %s", claim.instance_id, err, exc_info=True)
            self._failed(claim, now, f"{type(err).__name__}: {err}", report)
        else:
            if result.fired:
                report.fired[claim.instance_id] = [t.id for t in result.fired]
            elif result.status == "running":
                # Due in the table but not in the engine: a projection out of step. Back off
                # instead of claiming it again every sweep; repeated, the instance shows up as error.
                self._failed(claim, now, "定时器已到期但引擎未触发（投影与状态不一致）", report)
        finally:
            self.claimer.release(claim)

    def _failed(self, claim: Claim, now: datetime, error: str, report: FiringReport) -> None:
        report.failed[claim.instance_id] = error
        try:
            outcome = record_timer_failure(
                claim.instance_id, self.claimer.timer_ids_of(claim, now), now, error,
                max_attempts=self.config.timer_max_attempts, retry_base=self.config.timer_retry_base)
        except Conflict:
            return  # someone else moved the instance on; the next sweep sees the new state
        if outcome.errored:
            report.errored.append(claim.instance_id)
