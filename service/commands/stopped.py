"""A command that ran out of its engine budget stops its instance (status `error`).

The engine raises LimitExceeded (workflows/budget.py) when a script, a loop of the process or a
cycle timer runs out of steps or time, or the state grows too large. unit_of_work rolls the
command back and calls stop_instance: in a transaction of its own the instance goes to `error`
with the Chinese reason, and a `limit_exceeded` history event says which limit ran out at which
element. The engine state is unchanged (the event carries the same state hash; a replay checks it
and moves on). Its timers are no longer claimed and its tasks can no longer be completed; an
administrator resumes it (`cadreflow instances resume`) or terminates it.

The caller gets a 409 at once, explaining; nothing waits for the runaway any longer than its
budget. A start that runs out has no instance to stop: it is refused (422) and nothing is kept.
"""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from service.commands.actor import SYSTEM, first_grant
from service.commands.core import EventInfo, record
from service.core.clock import now
from service.core.errors import ApiError, Conflict, ValidationFailed
from service.persistence.db import db
from service.persistence.models import ProcessInstance
from workflows.engine import LimitExceeded
from workflows.serialization import state_hash

EVENT_KIND = "limit_exceeded"


class InstanceStopped(Conflict):
    """The command ran out of budget and its instance is now in status `error`."""

    slug = "instance-error"


def stop_instance(err: LimitExceeded) -> ApiError:
    """After the command's rollback: put its instance in `error` (own transaction); the error to
    answer with."""
    at = now()
    row = db.session.get(ProcessInstance, err.instance_id) if err.instance_id else None
    if row is None:  # a start (or a start that a command set off): nothing was kept
        message = f"流程未能发起：超出运行限制，{err.reason}。"
        return ValidationFailed(message, errors={"data": [message]}, slug="limit-exceeded",
                                extra={"limit": err.what, "element_id": err.element_id})
    reason = f"超出运行限制：{err.reason}"
    try:
        if row.status == "running":
            row.status = "error"
            row.error = reason
            row.updated_at = at  # bumps the revision: a concurrent command on the instance loses
            db.session.flush()
            record(row.id, at, EventInfo(EVENT_KIND, {"limit": err.what, "element_id": err.element_id},
                                         SYSTEM, first_grant(SYSTEM), comment=reason), state_hash(row.state))
            db.session.commit()
    except (StaleDataError, IntegrityError):
        db.session.rollback()  # someone else moved the instance on meanwhile
        return Conflict("数据已被他人修改，请刷新后重试。", slug="stale-revision")
    except BaseException:
        db.session.rollback()
        raise
    return InstanceStopped(f"{reason}。流程实例已转为“出错”状态，请联系系统管理员处理（恢复运行或终止）。",
                           extra={"limit": err.what, "element_id": err.element_id})
