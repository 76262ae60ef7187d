"""history_events append-only (PostgreSQL trigger); instance state as order-preserving JSON

Revision ID: 0002_history_append_only
Revises: 0001
Create Date: 2026-11-28

The service never updates or deletes history events (an ORM guard enforces it in code); on
PostgreSQL the database refuses it too, so a bug or a hand-written statement cannot rewrite
history. SQLite (development) relies on the code guard.

process_instances.state becomes `json` instead of `jsonb` on PostgreSQL: JSONB reorders object
keys, and a SpiffWorkflow state restored with reordered keys no longer reproduces its replay.
"""
from alembic import op

revision = "0002_history_append_only"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE process_instances ALTER COLUMN state TYPE json USING state::text::json")
    op.execute("""
        CREATE OR REPLACE FUNCTION cadreflow_history_append_only() RETURNS trigger AS $$
        BEGIN
            RAISE EXCEPTION 'history_events is append-only (% refused)', TG_OP
                USING ERRCODE = 'insufficient_privilege';
        END;
        $$ LANGUAGE plpgsql
    """)
    op.execute("""
        CREATE TRIGGER history_events_append_only
        BEFORE UPDATE OR DELETE ON history_events
        FOR EACH ROW EXECUTE FUNCTION cadreflow_history_append_only()
    """)
    op.execute("""
        CREATE TRIGGER history_events_no_truncate
        BEFORE TRUNCATE ON history_events
        FOR EACH STATEMENT EXECUTE FUNCTION cadreflow_history_append_only()
    """)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER IF EXISTS history_events_no_truncate ON history_events")
    op.execute("DROP TRIGGER IF EXISTS history_events_append_only ON history_events")
    op.execute("DROP FUNCTION IF EXISTS cadreflow_history_append_only()")
    op.execute("ALTER TABLE process_instances ALTER COLUMN state TYPE jsonb USING state::jsonb")
