"""Sign-in with a login name and a password (the pages' login form), throttled on failures.

Failed attempts are rows of login_failures, counted per login name (whether or not it exists, so
that a 429 does not tell which logins do) and per client address over the last
CADREFLOW_LOGIN_WINDOW_MINUTES. At CADREFLOW_LOGIN_MAX_FAILURES for the name, or
CADREFLOW_LOGIN_MAX_FAILURES_PER_ADDRESS for the address, further attempts are refused with 429
before any password is checked, until enough failures have left the window. Refused attempts are
not recorded, so hammering does not prolong the wait. A successful login clears its name's count
(its failures keep counting for their addresses).

The counts live in the database rather than in each process's memory (as an in-memory rate
limiter would keep them): every web worker of every replica sees the same count, and a restart
does not reset it. A failure costs an insert next to a password hash check that costs far more.
Attempts racing in parallel may each pass the check before the others are recorded, so a burst
can exceed the limit by about the number of requests served at once.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

import sqlalchemy as sa

from service.commands.uow import unit_of_work
from service.config import Settings, get_settings
from service.core.clock import now
from service.core.credentials import check_password, password_needs_rehash, set_password
from service.core.errors import TooManyRequests
from service.persistence.db import db
from service.persistence.models import LoginFailure, User

LOGIN_LENGTH = 64  # users.login: a longer name cannot exist and is counted per address only
ADDRESS_LENGTH = 64  # login_failures.address; an IPv6 address takes at most 45


def check_login(login: str, password: str, address: str | None) -> User | None:
    """The active user with this login and password, or None (the same answer for every mistake).

    Raises TooManyRequests (429) while the login name or the address has too many recent failures.
    One password hash check runs for every other attempt: an unknown login, a deactivated user or
    one without a password is checked against a dummy hash, so the time taken does not reveal which
    logins exist. A hash made with other parameters than CADREFLOW_PASSWORD_HASH (an older default)
    is replaced by one made with them, now that the password is known.
    """
    settings = get_settings()
    at = now()
    name = login if len(login) <= LOGIN_LENGTH else None
    address = address[:ADDRESS_LENGTH] if address else None
    wait = _wait(settings, at, name, address)
    if wait:
        minutes = math.ceil(wait / 60)
        raise TooManyRequests(f"登录失败次数过多，请 {minutes} 分钟后再试。", retry_after=wait)
    method = settings.password_hash
    user = db.session.execute(sa.select(User).where(User.login == login)).scalar_one_or_none()
    matches = check_password(user, password, method)
    if user is None or not user.active or not matches:
        _record_failure(settings, at, name, address)
        return None
    with unit_of_work():
        # The name's failures stop counting for it, but still count for the addresses they came from.
        db.session.execute(sa.update(LoginFailure).where(LoginFailure.login == user.login).values(login=None))
        if password_needs_rehash(user, method):
            set_password(user, password, method)
    return user


def _wait(settings: Settings, at: datetime, name: str | None, address: str | None) -> int:
    """Seconds until the name and the address are both below their limits again (0: they are)."""
    window = timedelta(minutes=settings.login_window_minutes)
    waits = [0]
    for column, value, limit in ((LoginFailure.login, name, settings.login_max_failures),
                                 (LoginFailure.address, address, settings.login_max_failures_per_address)):
        if value is None:
            continue
        # The `limit` most recent failures in the window: once the oldest of them leaves it, fewer
        # than `limit` remain.
        recent = db.session.execute(
            sa.select(LoginFailure.at).where(column == value, LoginFailure.at > at - window)
            .order_by(LoginFailure.at.desc()).limit(limit)
        ).scalars().all()
        if len(recent) >= limit:
            waits.append(max(1, math.ceil((recent[-1] + window - at).total_seconds())))
    return max(waits)


def _record_failure(settings: Settings, at: datetime, name: str | None, address: str | None) -> None:
    window = timedelta(minutes=settings.login_window_minutes)
    with unit_of_work():
        db.session.execute(sa.delete(LoginFailure).where(LoginFailure.at <= at - window))
        db.session.execute(sa.insert(LoginFailure).values(login=name, address=address, at=at))
