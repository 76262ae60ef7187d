"""App helpers shared by conftest.py and tests: build, migrate, seed and dispose an app.

They live outside conftest.py because tests/unit has a conftest.py of its own, so
`from conftest import ...` would pick whichever conftest pytest imported first.
"""

from __future__ import annotations

from flask import Flask

from service.config import Settings

# Password hashes in tests: a cheap work factor, so that seeding and the many logins of the page
# tests do not each cost a production-strength hash (the default, scrypt N=2^15 r=8 p=3, takes most
# of a second here). conftest.py sets it for CLI runs too; tests of the default pass their own.
TEST_PASSWORD_HASH = "pbkdf2:sha256:1000"


def build_app(db_url: str, **settings: object) -> Flask:
    from service.app import create_app

    settings.setdefault("password_hash", TEST_PASSWORD_HASH)
    return create_app(Settings(database_url=db_url, **settings))  # type: ignore[arg-type]


def migrate_to_head() -> None:
    """Inside an app context: bring the schema to head (the same path as `cadreflow init-db`)."""
    from flask_migrate import upgrade

    from service.app import MIGRATIONS_DIR

    upgrade(directory=MIGRATIONS_DIR)


def seed() -> dict[str, str]:
    from service.commands.demo_data import seed_demo

    return seed_demo()


def dispose(app: Flask) -> None:
    from service.persistence.db import db

    with app.app_context():
        db.session.remove()
        for engine in db.engines.values():
            engine.dispose()
