"""Sign-in with a login name and a password (the pages' login form)."""

from __future__ import annotations

import sqlalchemy as sa

from service.commands.uow import unit_of_work
from service.config import get_settings
from service.core.credentials import check_password, password_needs_rehash, set_password
from service.persistence.db import db
from service.persistence.models import User


def check_login(login: str, password: str) -> User | None:
    """The active user with this login and password, or None (the same answer for every mistake).

    One password hash check runs for every attempt: an unknown login, a deactivated user or one
    without a password is checked against a dummy hash, so the time taken does not reveal which
    logins exist. A hash made with other parameters than CADREFLOW_PASSWORD_HASH (an older default)
    is replaced by one made with them, now that the password is known.
    """
    method = get_settings().password_hash
    user = db.session.execute(sa.select(User).where(User.login == login)).scalar_one_or_none()
    matches = check_password(user, password, method)
    if user is None or not user.active or not matches:
        return None
    if password_needs_rehash(user, method):
        with unit_of_work():
            set_password(user, password, method)
    return user
