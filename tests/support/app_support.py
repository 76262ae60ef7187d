"""App helpers shared by conftest.py and tests: build, migrate, seed and dispose an app.

They live outside conftest.py because tests/unit has a conftest.py of its own, so
`from conftest import ...` would pick whichever conftest pytest imported first.
"""

from __future__ import annotations

from flask import Flask

from service.config import Settings


def build_app(db_url: str, **settings: object) -> Flask:
    from service.app import create_app

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
