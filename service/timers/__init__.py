"""The timer service: wakes at each pending timer's fire time, fires it exactly once across
replicas, retries failures with backoff and delivers notification webhooks (issue 4).

Entry points: `TimerService` (APScheduler, in `cadreflow serve` or `cadreflow scheduler`) and,
for tests and tools, `TimerFirer.fire_due(now)` / `WebhookDeliverer.deliver_due(now)`.
"""

from service.timers.config import SchedulerConfig
from service.timers.firing import FiringReport, TimerFirer
from service.timers.scheduler import TimerService
from service.timers.webhooks import WebhookDeliverer, sign

__all__ = ["FiringReport", "SchedulerConfig", "TimerFirer", "TimerService", "WebhookDeliverer", "sign"]
