"""An instance that a command left with nothing to wait for goes to `error` (no silent hangs).

After every engine command (start, complete, withdraw, a timer firing), a running instance must
have an open task someone can act on, a waiting timer, or a message the service can deliver
(workflows/stall.py). When it has none, nothing will ever move it again: commands.core.save
stores it in status `error` with the Chinese reason naming the element(s) where it stopped, and
appends a `stalled` event after the command's own. That event changes no engine state (it carries
the same state hash); a replay checks the engine is stalled there too (audit/replayer.py).

Administrators find it like any instance in `error` (GET /api/v1/instances?status=error, the
instance page shows the reason). It cannot be resumed, since it would stop at the same place
(commands/resume.py); it is terminated.
"""

from __future__ import annotations

from datetime import datetime

from service.commands.actor import SYSTEM, first_grant, scope_label
from service.persistence.store import EventRecord, record_event
from workflows.stall import Stall

EVENT_KIND = "stalled"


def record_stall(instance_id: str, at: datetime, stall: Stall, state_hash: str,
                 head: tuple[int, str | None] | None) -> tuple[int, str | None]:
    """Append the `stalled` event after the command's (`head`); returns the new head."""
    grant = first_grant(SYSTEM)
    event = record_event(instance_id, at, EventRecord(
        EVENT_KIND, {"element_ids": list(stall.element_ids)}, SYSTEM.login,
        grant.role if grant else None, scope_label(grant), comment=stall.reason), state_hash, head)
    return event.seq, event.event_hash
