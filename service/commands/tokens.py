"""API tokens: issued for CADREFLOW_TOKEN_DAYS (or a given number of days), rotated, revoked."""

from __future__ import annotations

from datetime import datetime, timedelta

from service.commands.uow import unit_of_work
from service.config import get_settings
from service.core.clock import now
from service.core.credentials import issue_token, revoke_token
from service.core.errors import NotFound
from service.persistence.db import db
from service.persistence.models import User


def token_expiry(days: int | None = None) -> datetime:
    """When a token issued now expires: after `days`, by default CADREFLOW_TOKEN_DAYS."""
    return now() + timedelta(days=days if days is not None else get_settings().token_days)


def _user(login: str) -> User:
    user = db.session.get(User, login)
    if user is None:
        raise NotFound(f"用户 {login} 不存在。")
    return user


def rotate_token(login: str, days: int | None = None) -> tuple[str, datetime]:
    """A new token for `login` (the old one stops working at once) and when it expires."""
    with unit_of_work():
        expires_at = token_expiry(days)
        token = issue_token(_user(login), expires_at)
    return token, expires_at


def revoke_user_token(login: str) -> None:
    """`login` has no token any more: every request with the old one is 401."""
    with unit_of_work():
        revoke_token(_user(login))
