"""dispatch rounds (选派批次): term period, villages and roles of one county dispatch

Revision ID: 0010_dispatch_rounds
Revises: 0009_roster
Create Date: 2026-12-07
"""
import sqlalchemy as sa
from alembic import op

from service.persistence.models.types import JSONType, UTCDateTime

revision = "0010_dispatch_rounds"
down_revision = "0009_roster"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dispatch_rounds",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("term_start", sa.Date(), nullable=False),
        sa.Column("term_end", sa.Date(), nullable=False),
        sa.Column("roles", JSONType, nullable=False),
        sa.Column("village_ids", JSONType, nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dispatch_rounds")),
    )


def downgrade() -> None:
    op.drop_table("dispatch_rounds")
