"""term-end reminders already sent, one per posting and planned end

Revision ID: 0010_term_reminders
Revises: 0009_roster
Create Date: 2026-12-07

The hourly reminder job (commands/term_reminders.py) reminds the supplier's HR, the township and
the county some days before a posting's planned end; a row here records that it did, so that no
later run reminds again. The primary key refuses a second row whatever the timing.
"""
import sqlalchemy as sa
from alembic import op

from service.persistence.models.types import UTCDateTime

revision = "0010_term_reminders"
down_revision = "0009_roster"
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


def downgrade() -> None:
    op.drop_table("term_reminders")
