"""term-end reminders already sent, one per posting and planned end; instances by creation time

Revision ID: 0011_term_reminders
Revises: 0010_dispatch_rounds
Create Date: 2026-12-07

The hourly reminder job (commands/term_reminders.py) reminds the supplier's HR, the township and
the county some days before a posting's planned end; a row here records that it did, so that no
later run reminds again. The primary key refuses a second row whatever the timing.

ix_process_instances_created_at_id serves the instance lists and the audit search, which show the
newest first: without it PostgreSQL sorted every instance for each page (bench/province.py: 0.4 s
at 500,000 instances).
"""
import sqlalchemy as sa
from alembic import op

from service.persistence.models.types import UTCDateTime

revision = "0011_term_reminders"
down_revision = "0010_dispatch_rounds"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "term_reminders",
        sa.Column("posting_id", sa.Integer(), nullable=False),
        sa.Column("planned_end", sa.Date(), nullable=False),
        sa.Column("sent_at", UTCDateTime(), nullable=False),
        sa.Column("notified", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["posting_id"], ["postings.id"], name=op.f("fk_term_reminders_posting_id_postings"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("posting_id", "planned_end", name=op.f("pk_term_reminders")),
    )
    with op.batch_alter_table("process_instances", schema=None) as batch_op:
        batch_op.create_index("ix_process_instances_created_at_id", ["created_at", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("process_instances", schema=None) as batch_op:
        batch_op.drop_index("ix_process_instances_created_at_id")
    op.drop_table("term_reminders")
