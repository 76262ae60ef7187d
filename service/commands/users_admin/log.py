"""What an account change writes into the roster change log (entity "user"): the display name,
roles and active flag before and after. Secrets never: a password change is logged as the words
"密码已重置", a token as whether it was revoked or issued."""

from __future__ import annotations

from typing import Any

from service.commands.roster_log import append_roster_change, changed_fields
from service.core.principal import Grant, Principal
from service.persistence.models import User

PASSWORD_SET = "已设置初始密码"
PASSWORD_RESET = "密码已重置"


def snapshot(user: User) -> dict[str, Any]:
    return {
        "display_name": user.display_name,
        "roles": [{"role": r.role, "scope_kind": r.scope_kind, "scope_id": r.scope_id} for r in user.roles],
        "active": bool(user.active),
    }


def log_user_change(actor: Principal, grant: Grant, source: str, user: User, action: str,
                    before: dict[str, Any] | None, after: dict[str, Any],
                    note: dict[str, Any] | None = None) -> None:
    """Append the change (only the fields that changed when `before` is given); `note`: what
    else the change did (e.g. the tasks it released), added to `after` as it is."""
    if before is not None:
        before, after = changed_fields(before, after)
    after = after | (note or {})
    append_roster_change(actor_login=actor.login, actor_role=grant.role, entity="user",
                         entity_id=user.login, action=action, before=before, after=after, source=source)
