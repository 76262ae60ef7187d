"""Flask application factory."""

from __future__ import annotations

import secrets
from pathlib import Path

from flask import Flask
from flask_migrate import Migrate
from sqlalchemy import event
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.pool import ConnectionPoolEntry
from werkzeug.middleware.proxy_fix import ProxyFix

from service.config import SETTINGS_KEY, Settings
from service.http.api.openapi import init_api
from service.http.files import install_file_limits
from service.http.input_guard import install_input_guard
from service.http.json_provider import IsoJSONProvider
from service.http.problems import register_error_handlers
from service.http.security_headers import install_security_headers
from service.http.web import register_web
from service.observability import install as install_observability
from service.persistence import (
    json_codec,
    models,  # noqa: F401  (registers every table on db.metadata)
)
from service.persistence.db import db, end_read_only_transaction
from service.timers.scheduler_status import NotRunning, install

MIGRATIONS_DIR = str(Path(__file__).resolve().parent / "persistence" / "migrations")

migrate = Migrate()


def _engine_options(url: str) -> dict:
    codec = {"json_serializer": json_codec.dumps, "json_deserializer": json_codec.loads}
    if url.startswith("sqlite"):
        # Wait for a writer instead of failing at once with "database is locked".
        return {"connect_args": {"timeout": 30}, **codec}
    return {"pool_pre_ping": True, **codec}


def _configure_sqlite_connection(dbapi_connection: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    # Write-ahead log with synchronous=FULL: still durable (the WAL is synced at every commit),
    # but one fsync per commit instead of the rollback journal's several, and readers do not
    # block the writer. journal_mode is stored in the file; setting it again is a no-op.
    # (An in-memory database answers "memory" and stays as it is.)
    if cursor.execute("PRAGMA journal_mode").fetchone()[0].lower() not in ("wal", "memory"):
        cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.close()


def create_app(settings: Settings | None = None) -> Flask:
    settings = settings or Settings.from_env()
    app = Flask("service", template_folder="http/web/templates", static_folder="http/web/static")
    app.config.update(
        SECRET_KEY=settings.secret_key or secrets.token_urlsafe(32),
        SQLALCHEMY_DATABASE_URI=settings.database_url,
        SQLALCHEMY_ENGINE_OPTIONS=_engine_options(settings.database_url),
        SQLALCHEMY_ECHO=settings.sql_echo,
        MAX_CONTENT_LENGTH=settings.max_content_length,
    )
    app.json = IsoJSONProvider(app)
    if settings.trusted_proxies:
        # The client address (login throttling, logs) from X-Forwarded-For, as set by this many
        # proxies in front; without them that header is anyone's to write and is ignored.
        # Wrapping wsgi_app is Flask's documented way to add middleware; its stubs type it as a
        # method, hence the ignore.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=settings.trusted_proxies)  # type: ignore[method-assign]
    app.extensions[SETTINGS_KEY] = settings

    if settings.database_url.startswith("sqlite:///"):
        Path(settings.database_url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)

    db.init_app(app)
    app.teardown_appcontext(end_read_only_transaction)
    if settings.database_url.startswith("sqlite"):
        with app.app_context():
            event.listen(db.engine, "connect", _configure_sqlite_connection)
    migrate.init_app(app, db, directory=MIGRATIONS_DIR, render_as_batch=True, compare_type=True)

    init_api(app)
    register_error_handlers(app)
    register_web(app, settings)
    install_security_headers(app)
    install_file_limits(app)  # before the input guard, which reads the body
    install_input_guard(app)
    install(app, NotRunning())
    install_observability(app)  # request ids, JSON request log, /metrics
    return app
