"""API tokens (only their hash is stored) and web login passwords of a user row."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any

from werkzeug.security import check_password_hash, generate_password_hash


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)


def issue_token(user: Any) -> str:
    """Give `user` a fresh token (the old one stops working); only its hash is stored."""
    token = new_token()
    user.token_hash = hash_token(token)
    return token


def token_matches(user: Any, token: str) -> bool:
    return user.token_hash is not None and hmac.compare_digest(user.token_hash, hash_token(token))


def set_password(user: Any, password: str) -> None:
    user.password_hash = generate_password_hash(password)


def check_password(user: Any, password: str) -> bool:
    return user.password_hash is not None and check_password_hash(user.password_hash, password)
