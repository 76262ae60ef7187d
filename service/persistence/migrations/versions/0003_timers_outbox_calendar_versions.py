"""timer retry backoff, webhook outbox, append-only calendar entry versions

Revision ID: 0003_timers_outbox_calendar
Revises: 0002_history_append_only
Create Date: 2026-11-28

pending_timers.next_attempt_at: a timer whose firing failed is retried with backoff.
webhook_deliveries: the outbox the scheduler delivers signed notification POSTs from.
calendar_entries: every admin entry of a calendar year is kept (the audit replay rebuilds the
calendar as it stood at each event); calendar_years keeps the latest version of each year.
"""
import sqlalchemy as sa
from alembic import op

from service.persistence.models.types import JSONType, UTCDateTime

revision = "0003_timers_outbox_calendar"
down_revision = "0002_history_append_only"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("pending_timers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("next_attempt_at", UTCDateTime(), nullable=True))

    op.create_table(
        "calendar_entries",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("holidays", JSONType, nullable=False),
        sa.Column("workdays", JSONType, nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("entered_by", sa.String(length=64), nullable=True),
        sa.Column("entered_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_entries")),
        sa.UniqueConstraint("year", "version", name=op.f("uq_calendar_entries_year_version")),
    )
    with op.batch_alter_table("calendar_entries", schema=None) as batch_op:
        batch_op.create_index("ix_calendar_entries_entered_at", ["entered_at"], unique=False)
    # Years entered before versions existed become version 1 of their year.
    op.execute(
        "INSERT INTO calendar_entries (year, version, holidays, workdays, entered_by, entered_at) "
        "SELECT year, 1, holidays, workdays, entered_by, entered_at FROM calendar_years"
    )

    op.create_table(
        "webhook_deliveries",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("notification_id", sa.Integer(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", UTCDateTime(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("response_status", sa.Integer(), nullable=True),
        sa.Column("delivered_at", UTCDateTime(), nullable=True),
        sa.Column("lock_owner", sa.String(length=100), nullable=True),
        sa.Column("lock_expires_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["notification_id"], ["notifications.id"],
                                name=op.f("fk_webhook_deliveries_notification_id_notifications"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_deliveries")),
        sa.UniqueConstraint("notification_id", name=op.f("uq_webhook_deliveries_notification_id")),
    )
    with op.batch_alter_table("webhook_deliveries", schema=None) as batch_op:
        batch_op.create_index("ix_webhook_deliveries_due", ["status", "next_attempt_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("webhook_deliveries", schema=None) as batch_op:
        batch_op.drop_index("ix_webhook_deliveries_due")
    op.drop_table("webhook_deliveries")
    with op.batch_alter_table("calendar_entries", schema=None) as batch_op:
        batch_op.drop_index("ix_calendar_entries_entered_at")
    op.drop_table("calendar_entries")
    with op.batch_alter_table("pending_timers", schema=None) as batch_op:
        batch_op.drop_column("next_attempt_at")
