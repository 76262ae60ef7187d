"""What an administrator's action on one instance (resume, terminate) checks first: a stated
reason of bounded length, the admin grant it acts under, and the instance row."""

from __future__ import annotations

from service.commands.actor import first_grant
from service.core.errors import Forbidden, NotFound, ValidationFailed
from service.core.principal import Grant, Principal
from service.core.text_limits import SHORT_TEXT, check_text
from service.persistence.db import db
from service.persistence.models import ProcessInstance


def admin_with_reason(actor: Principal, reason: str | None, *, reason_missing: str,
                      not_admin: str) -> tuple[Grant, str]:
    """(the admin grant, the reason stripped); 422 without a reason, 403 for a non-admin."""
    reason = (reason or "").strip()
    check_text("reason", reason, SHORT_TEXT)
    if not reason:
        raise ValidationFailed(reason_missing, errors={"reason": [reason_missing]})
    grant = first_grant(actor, "admin")
    if grant is None:
        raise Forbidden(not_admin)
    return grant, reason


def instance_row(instance_id: str) -> ProcessInstance:
    row = db.session.get(ProcessInstance, instance_id)
    if row is None:
        raise NotFound(f"流程实例 {instance_id} 不存在。")
    return row
