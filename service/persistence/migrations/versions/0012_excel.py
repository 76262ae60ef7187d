"""roster workbooks kept by their sha256 between the import preview and its commit

Revision ID: 0012_excel
Revises: 0011_term_reminders
Create Date: 2026-12-08
"""
import sqlalchemy as sa
from alembic import op

from service.persistence.models.types import UTCDateTime

revision = "0012_excel"
down_revision = "0011_term_reminders"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "roster_imports",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("sheet", sa.String(length=16), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("uploaded_by", sa.String(length=64), nullable=False),
        sa.Column("uploaded_at", UTCDateTime(), nullable=False),
        sa.Column("committed_by", sa.String(length=64), nullable=True),
        sa.Column("committed_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_roster_imports")),
    )


def downgrade() -> None:
    op.drop_table("roster_imports")
