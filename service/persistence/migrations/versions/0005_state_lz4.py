"""instance state compressed with lz4 on PostgreSQL

Revision ID: 0005_state_lz4
Revises: 0004_calendar_append_only
Create Date: 2026-12-04

Every command rewrites an instance's state (about 15 KB of JSON, stored out of line) and the next
one reads it back. PostgreSQL's default compression, pglz, cost about 0.1 ms of server time per
write and 0.03 ms per read on this machine; lz4 compresses about as well in less than half the time.
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
