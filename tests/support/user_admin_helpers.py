"""Helpers of the user administration tests: a page login, the roster log of one account."""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(client: Any, path: str = "/login") -> str:
    match = CSRF.search(client.get(path).get_data(as_text=True))
    assert match, path
    return match.group(1)


def page_login(client: Any, name: str, password: str | None = None) -> Any:
    return client.post("/login", data={"login": name, "password": password or name,
                                       "csrf_token": csrf_of(client)})


def user_log(app: Any, login: str) -> list[dict[str, Any]]:
    """The roster change log entries of account `login`, oldest first, as plain dicts."""
    from service.persistence.db import db
    from service.persistence.models import RosterChange

    with app.app_context():
        rows = db.session.execute(sa.select(RosterChange).where(
            RosterChange.entity == "user", RosterChange.entity_id == login).order_by(RosterChange.id)
        ).scalars().all()
        return [{"action": r.action, "actor_login": r.actor_login, "actor_role": r.actor_role,
                 "before": r.before, "after": r.after, "source": r.source} for r in rows]


def stored_secrets(app: Any, login: str) -> list[str]:
    """The password hash of `login` as stored (to make sure no log holds it)."""
    from service.persistence.db import db
    from service.persistence.models import User

    with app.app_context():
        user = db.session.get(User, login)
        return [s for s in (user.password_hash, user.token_hash) if s]
