"""instance state compressed with lz4 on PostgreSQL

Revision ID: 0005_state_lz4
Revises: 0004_calendar_append_only
Create Date: 2026-12-04

Every command rewrites an instance's state (kilobytes of JSON, stored out of line) and the next
one reads it back, so its compression costs server time on every command. lz4 compresses about as
well as PostgreSQL's default, pglz, and takes less time to write and to read.
Rows keep the compression they were written with until their next write. A server built without
lz4 (or older than PostgreSQL 14) keeps pglz: the column works the same either way.
"""
from alembic import op

revision = "0005_state_lz4"
down_revision = "0004_calendar_append_only"
branch_labels = None
depends_on = None


def _set_state_compression(method: str) -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql" or (bind.dialect.server_version_info or (0,)) < (14,):
        return
    op.execute(f"""
        DO $$
        BEGIN
            ALTER TABLE process_instances ALTER COLUMN state SET COMPRESSION {method};
        EXCEPTION WHEN feature_not_supported THEN
            RAISE NOTICE 'compression method {method} not available: state keeps the default';
        END
        $$
    """)


def upgrade() -> None:
    _set_state_compression("lz4")


def downgrade() -> None:
    _set_state_compression("default")
