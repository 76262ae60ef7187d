"""History event kinds and the engine commands (workflows.replay format) they stand for.

Their Chinese names are service.core.labels.EVENT_KIND_NAMES."""

from __future__ import annotations

from typing import Any

from service.persistence.history.chain import iso_utc

# Event kind -> replay command kind; None: the event changed no engine state (claims, transfers).
COMMAND_KIND_BY_EVENT: dict[str, str | None] = {
    "start": "start",
    "complete": "complete",
    "withdraw": "message",
    "timer": "fire_timers",
    "recompute_deadlines": "recompute_deadlines",
    "claim": None,
    "unclaim": None,
    "transfer": None,
    # an administrator deactivated the user holding a claim: the task is back in its pool
    "release": None,
    "urge": None,  # a person's reminder (催办): a notification, not an engine command
    "timer_failed": None,  # status -> error after failed firings; engine state unchanged
    "resume": None,  # an administrator put an `error` or `suspended` instance back to running
    "suspend": None,  # an administrator held a running instance (status -> suspended)
    "limit_exceeded": None,  # a command ran out of its engine budget (rolled back); status -> error
    # the command before it left the instance with nothing to wait for (no open task, no timer, no
    # message that can come): status -> error; the replay checks the engine is indeed stalled there
    "stalled": None,
    "terminate": "terminate",  # an administrator ended the instance: open tasks and timers cancelled
    # an administrator moved the instance to another version of its definition (workflows/migration.py);
    # the replay re-executes the move on the target version its inputs name
    "migrated": "migrate",
    # 加签 and 抄送 (models/signers.py): rows beside the engine, its state unchanged
    "add_signer": None,
    "added_sign": None,
    "cc": None,
    # 抄送 the diagram declares on the step completed or on the process ended (commands/declared_cc.py)
    "cc_declared": None,
}


def canonical(value: Any) -> Any:
    """`value` with every mapping's keys in sorted order.

    SpiffWorkflow's stored state depends on the insertion order of data keys (its data deltas list
    keys in that order), and PostgreSQL's JSONB does not keep key order. Commands therefore hand
    the engine canonically ordered inputs, and replays do the same with the stored inputs.
    """
    if isinstance(value, dict):
        return {k: canonical(value[k]) for k in sorted(value)}
    if isinstance(value, list | tuple):
        return [canonical(v) for v in value]
    return value


def to_command(event: Any) -> dict[str, Any] | None:
    """{kind, inputs, at} for workflows.replay, or None for events that do not touch the engine."""
    kind = COMMAND_KIND_BY_EVENT.get(event.kind)
    if kind is None:
        return None
    return {"kind": kind, "inputs": canonical(dict(event.inputs or {})), "at": iso_utc(event.at)}
