"""The pages' sessions, kept on the server: opened at sign-in, checked on every page, ended at
sign-out or after CADREFLOW_SESSION_IDLE_MINUTES without a request or CADREFLOW_SESSION_MAX_HOURS
after sign-in.

The signed cookie carries only a random session id; the row (under the id's hash) is the truth.
Deleting it ends the session for every copy of the cookie. Times are the app clock's.
Rows are written with plain statements, never ORM deletes or version-checked updates, so two
requests of one browser racing to touch or end the same session cannot make each other fail.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa

from service.commands.uow import unit_of_work
from service.config import Settings, get_settings
from service.core.clock import now
from service.core.credentials import hash_token, new_token
from service.persistence.db import db
from service.persistence.models import WebSession

# A session's last use is written at most this often (a page view is otherwise a read only); the
# idle lifetime is therefore kept to within this much.
TOUCH_EVERY = timedelta(seconds=60)


def _lifetimes(settings: Settings) -> tuple[timedelta, timedelta]:
    return timedelta(minutes=settings.session_idle_minutes), timedelta(hours=settings.session_max_hours)


def open_session(login: str) -> str:
    """A new session of `login`; returns the id for the cookie. Ended sessions of anyone are
    deleted on the way, so the table holds only live ones."""
    session_id = new_token()
    at = now()
    idle, longest = _lifetimes(get_settings())
    with unit_of_work():
        db.session.execute(sa.delete(WebSession).where(
            sa.or_(WebSession.last_seen_at <= at - idle, WebSession.created_at <= at - longest)))
        db.session.execute(sa.insert(WebSession).values(
            id_hash=hash_token(session_id), login=login, created_at=at, last_seen_at=at))
    return session_id


def _expired(at: datetime, created_at: datetime, last_seen_at: datetime, settings: Settings) -> bool:
    idle, longest = _lifetimes(settings)
    return at - last_seen_at >= idle or at - created_at >= longest


def resume_session(session_id: str) -> str | None:
    """The login of the live session with this id, or None (unknown, signed out or expired).
    A request moves the session's last use on; an expired session's row is deleted."""
    key = hash_token(session_id)
    row = db.session.execute(
        sa.select(WebSession.login, WebSession.created_at, WebSession.last_seen_at)
        .where(WebSession.id_hash == key)
    ).first()
    if row is None:
        return None
    at = now()
    settings = get_settings()
    if _expired(at, row.created_at, row.last_seen_at, settings):
        close_session(session_id)
        return None
    if at - row.last_seen_at >= min(TOUCH_EVERY, _lifetimes(settings)[0] / 4):
        with unit_of_work():
            db.session.execute(sa.update(WebSession).where(WebSession.id_hash == key)
                               .values(last_seen_at=at))
    return row.login


def close_session(session_id: str) -> None:
    """End the session with this id (sign-out): a replayed copy of its cookie no longer works."""
    with unit_of_work():
        db.session.execute(sa.delete(WebSession).where(WebSession.id_hash == hash_token(session_id)))


def end_sessions_of(login: str, keep_session_id: str | None = None) -> int:
    """End every session of `login` but `keep_session_id` (the caller's own, when a user sets their
    own password), in the caller's transaction; returns how many ended. A new password or a
    deactivation must shut out whoever else holds a cookie of that account."""
    stmt = sa.delete(WebSession).where(WebSession.login == login)
    if keep_session_id:
        stmt = stmt.where(WebSession.id_hash != hash_token(keep_session_id))
    result = db.session.execute(stmt)
    return int(getattr(result, "rowcount", 0) or 0)
