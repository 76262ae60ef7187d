"""An instance's state is written compressed with lz4 on PostgreSQL (migration 0005): every
command rewrites it, and lz4 costs the server less than half of pglz's time."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from command_helpers import request, who
from flask_migrate import downgrade, upgrade

from service import commands
from service.app import MIGRATIONS_DIR
from service.persistence.db import db


def _lz4_available() -> bool:
    with db.engine.connect() as conn:
        return conn.execute(sa.text(
            "SELECT count(*) FROM pg_settings WHERE name = 'default_toast_compression' "
            "AND 'lz4' = ANY(enumvals)")).scalar_one() == 1


def _column_compression() -> str:
    with db.engine.connect() as conn:
        return conn.execute(sa.text(
            "SELECT attcompression FROM pg_attribute WHERE attrelid = 'process_instances'::regclass "
            "AND attname = 'state'")).scalar_one()


def test_a_state_written_by_a_command_is_compressed_with_lz4(app, clock, backend):
    if backend != "postgresql":
        pytest.skip("column compression is PostgreSQL's")
    with app.app_context():
        if not _lz4_available():
            pytest.skip("this PostgreSQL server was built without lz4")
        row = commands.submit_adjustment(who("hr_edu"), request())
        stored = db.session.execute(sa.text(
            "SELECT pg_column_compression(state), octet_length(state::text) FROM process_instances "
            "WHERE id = :id"), {"id": row.id}).one()
        db.session.rollback()
        assert stored[1] > 2_000  # large enough to be compressed at all
        assert stored[0] == "lz4"


def test_the_migration_sets_lz4_and_its_downgrade_restores_the_default(empty_db_url, backend):
    if backend != "postgresql":
        pytest.skip("column compression is PostgreSQL's")
    from app_support import build_app, dispose

    app = build_app(empty_db_url)
    try:
        with app.app_context():
            upgrade(directory=MIGRATIONS_DIR)
            if not _lz4_available():
                pytest.skip("this PostgreSQL server was built without lz4")
            assert _column_compression() == "l"
            downgrade(directory=MIGRATIONS_DIR, revision="0004_calendar_append_only")
            assert _column_compression() == ""
    finally:
        dispose(app)
