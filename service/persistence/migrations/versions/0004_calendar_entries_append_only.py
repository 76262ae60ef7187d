"""calendar_entries append-only on PostgreSQL, as history_events already is

Revision ID: 0004_calendar_append_only
Revises: 0003_timers_outbox_calendar
Create Date: 2026-11-28

The audit replay rebuilds the working calendar in force at each event from the entry versions, so
rewriting or deleting a version would change what a replay computes for deadlines long past. The
code never does (an ORM guard refuses it, service.persistence.append_only); on PostgreSQL the database refuses
it too, from any client. SQLite (development) relies on the code guard.
"""
from alembic import op

revision = "0004_calendar_append_only"
down_revision = "0003_timers_outbox_calendar"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("""
        CREATE OR REPLACE FUNCTION cadreflow_append_only() RETURNS trigger AS $$
        BEGIN
            RAISE EXCEPTION '% is append-only (% refused)', TG_TABLE_NAME, TG_OP
                USING ERRCODE = 'insufficient_privilege';
        END;
        $$ LANGUAGE plpgsql
    """)
    op.execute("""
        CREATE TRIGGER calendar_entries_append_only
        BEFORE UPDATE OR DELETE ON calendar_entries
        FOR EACH ROW EXECUTE FUNCTION cadreflow_append_only()
    """)
    op.execute("""
        CREATE TRIGGER calendar_entries_no_truncate
        BEFORE TRUNCATE ON calendar_entries
        FOR EACH STATEMENT EXECUTE FUNCTION cadreflow_append_only()
    """)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER IF EXISTS calendar_entries_no_truncate ON calendar_entries")
    op.execute("DROP TRIGGER IF EXISTS calendar_entries_append_only ON calendar_entries")
    op.execute("DROP FUNCTION IF EXISTS cadreflow_append_only()")
