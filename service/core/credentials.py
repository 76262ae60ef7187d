"""API tokens (only their hash is stored) and web login passwords of a user row."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime
from typing import Any

from werkzeug.security import check_password_hash, generate_password_hash


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)


def issue_token(user: Any, expires_at: datetime) -> str:
    """Give `user` a fresh token valid until `expires_at` (the old one stops working); only its hash
    is stored."""
    token = new_token()
    user.token_hash = hash_token(token)
    user.token_expires_at = expires_at
    return token


def revoke_token(user: Any) -> None:
    user.token_hash = None
    user.token_expires_at = None


def token_matches(user: Any, token: str) -> bool:
    return user.token_hash is not None and hmac.compare_digest(user.token_hash, hash_token(token))


def set_password(user: Any, password: str, method: str) -> None:
    """Store `password` hashed with `method` (werkzeug's "scrypt:N:r:p" or "pbkdf2:sha256:iterations")."""
    user.password_hash = generate_password_hash(password, method)


# A hash of a random password per method, made once per process: unknown logins are checked against
# it, so that they cost one hash check like a wrong password of a known login does.
_dummy_hashes: dict[str, str] = {}


def _dummy_hash(method: str) -> str:
    if method not in _dummy_hashes:
        _dummy_hashes[method] = generate_password_hash(secrets.token_urlsafe(16), method)
    return _dummy_hashes[method]


def check_password(user: Any | None, password: str, method: str) -> bool:
    """Whether `user` has a password and it is `password`.

    Exactly one hash check runs whatever the case: without a user or a stored password the check is
    made against a dummy hash made with `method` (the configured one), so the time taken does not
    tell which logins exist or have a password.
    """
    stored = getattr(user, "password_hash", None)
    if stored is None:
        check_password_hash(_dummy_hash(method), password)
        return False
    return check_password_hash(stored, password)


def password_needs_rehash(user: Any, method: str) -> bool:
    """Whether the stored hash was made with other parameters than `method` (werkzeug keeps the
    method and its parameters before the first "$")."""
    stored = user.password_hash
    return stored is not None and stored.split("$", 1)[0] != method
