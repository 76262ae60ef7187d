"""Shared fixtures: a database per backend, a migrated + seeded app, a client and demo tokens.

Backends: SQLite always; PostgreSQL too when CADREFLOW_TEST_DATABASE_URL is set (e.g.
postgresql+psycopg://postgres@127.0.0.1:5432/test). On PostgreSQL every database is created with a
random name on that server and dropped at the end of the session, so concurrent runs never see
each other's rows.

Migrating and seeding is done once per backend into a template database; each test module gets
its own copy (`db_url`, module scope), and `make_app()` gives a test a pristine copy of its own.

Fixtures for API tests:
    app        Flask app on the module's database (module scope; rows written by one test are seen
               by the later tests of the same module)
    client     app.test_client()
    tokens     {login: bearer token} of the demo users (service/seed_demo.py)
    auth       auth("hr_edu") -> {"Authorization": "Bearer ..."}
    make_app   make_app() -> a new app on a fresh seeded database (make_app(seeded=False): empty,
               not even migrated)
    backend    "sqlite" | "postgresql"
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import sqlalchemy as sa
from app_support import TEST_PASSWORD_HASH, build_app, dispose, migrate_to_head, seed
from flask import Flask

from service.config import Settings

PG_URL_ENV = "CADREFLOW_TEST_DATABASE_URL"
# Apps the tests make through the CLI or in subprocesses read the settings from the environment.
os.environ.setdefault("CADREFLOW_PASSWORD_HASH", TEST_PASSWORD_HASH)
DROPPERS = 8  # databases dropped at once when the session ends
BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get(PG_URL_ENV) else [])


class Databases:
    """Creates, copies and finally drops the test databases of one session."""

    def __init__(self, workdir: Path, pg_url: str | None) -> None:
        self.workdir = workdir
        self.pg_url = sa.engine.make_url(Settings(database_url=pg_url).database_url) if pg_url else None
        self._pg_admin: sa.Engine | None = None
        self._pg_names: list[str] = []
        self._templates: dict[str, tuple[str, dict[str, str]]] = {}

    def _admin(self) -> sa.Engine:
        if self._pg_admin is None:
            assert self.pg_url is not None, f"{PG_URL_ENV} is not set"
            self._pg_admin = sa.create_engine(
                self.pg_url, isolation_level="AUTOCOMMIT", poolclass=sa.NullPool
            )
        return self._pg_admin

    def create_empty(self, backend: str, template: str | None = None) -> str:
        name = f"cadreflow_test_{uuid.uuid4().hex[:12]}"
        if backend == "sqlite":
            path = self.workdir / f"{name}.sqlite3"
            if template is not None:
                shutil.copyfile(sa.engine.make_url(template).database, path)
            return f"sqlite:///{path}"
        with self._admin().connect() as conn:
            clause = f" TEMPLATE {sa.engine.make_url(template).database}" if template else ""
            conn.execute(sa.text(f'CREATE DATABASE "{name}"{clause}'))
        self._pg_names.append(name)
        assert self.pg_url is not None
        return self.pg_url.set(database=name).render_as_string(hide_password=False)

    def seeded_template(self, backend: str) -> tuple[str, dict[str, str]]:
        """A migrated, seeded database to copy from, and the demo tokens valid in its copies."""
        if backend not in self._templates:
            url = self.create_empty(backend)
            app = build_app(url)
            with app.app_context():
                migrate_to_head()
                tokens = seed()
            dispose(app)  # PostgreSQL copies a template only while nobody is connected to it
            self._templates[backend] = (url, tokens)
        return self._templates[backend]

    def seeded_copy(self, backend: str) -> str:
        return self.create_empty(backend, template=self.seeded_template(backend)[0])

    def drop_all(self) -> None:
        if self._pg_admin is None:
            return
        admin = self._pg_admin

        def drop(name: str) -> None:
            with admin.connect() as conn:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

        # Each DROP DATABASE waits for a checkpoint; dropped side by side, they share them.
        with ThreadPoolExecutor(max_workers=DROPPERS) as pool:
            list(pool.map(drop, self._pg_names))
        admin.dispose()


@pytest.fixture(scope="session")
def databases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Databases]:
    dbs = Databases(tmp_path_factory.mktemp("databases"), os.environ.get(PG_URL_ENV))
    yield dbs
    dbs.drop_all()


@pytest.fixture(scope="module", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture(scope="module")
def db_url(backend: str, databases: Databases) -> str:
    """A migrated and seeded database for this module (a copy of the session's template)."""
    return databases.seeded_copy(backend)


@pytest.fixture(scope="module")
def app(db_url: str) -> Iterator[Flask]:
    application = build_app(db_url)
    application.testing = True
    yield application
    dispose(application)


@pytest.fixture
def client(app: Flask):  # type: ignore[no-untyped-def]
    return app.test_client()


@pytest.fixture(scope="module")
def tokens(backend: str, databases: Databases) -> dict[str, str]:
    return dict(databases.seeded_template(backend)[1])


@pytest.fixture
def auth(tokens: dict[str, str]) -> Callable[[str], dict[str, str]]:
    def headers(login: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {tokens[login]}"}

    return headers


@pytest.fixture
def make_app(backend: str, databases: Databases) -> Iterator[Callable[..., Flask]]:
    """make_app(seeded=True, **settings) -> an app on its own fresh database (disposed after)."""
    made: list[Flask] = []

    def factory(seeded: bool = True, **settings: object) -> Flask:
        url = databases.seeded_copy(backend) if seeded else databases.create_empty(backend)
        application = build_app(url, **settings)
        application.testing = True
        made.append(application)
        return application

    yield factory
    for application in made:
        dispose(application)


@pytest.fixture
def empty_db_url(backend: str, databases: Databases) -> str:
    """A brand-new database with no tables (for migration and CLI tests)."""
    return databases.create_empty(backend)


# A fixed start for process tests: Tuesday 2026-12-01 09:00 in Beijing (an ordinary working day).
CLOCK_START = "2026-12-01T09:00:00+08:00"


@pytest.fixture(scope="module")
def clock(app: Flask):  # type: ignore[no-untyped-def]
    """A ManualClock installed as the app's clock (service.core.clock): tests travel, never sleep.

    Module scope like `app`: time only moves forward within a module's database.
    """
    from datetime import datetime

    from service.core.clock import ManualClock, install_clock

    return install_clock(app, ManualClock(datetime.fromisoformat(CLOCK_START)))


@pytest.fixture
def pg_app(backend: str, make_app: Callable[..., Flask]) -> Flask:
    """A fresh seeded app on PostgreSQL; skipped on SQLite, whose single file lock serialises
    every writer and so proves nothing about races."""
    if backend != "postgresql":
        pytest.skip("concurrency is tested on PostgreSQL (set CADREFLOW_TEST_DATABASE_URL); "
                    "SQLite serialises all writers")
    return make_app()
