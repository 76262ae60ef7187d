"""server-side web sessions, failed-login records, API token expiry

Revision ID: 0008_sessions_tokens
Revises: 0007_one_open_case
Create Date: 2026-12-07

web_sessions: a session of the pages is valid only while its row exists (sign-out deletes it) and
within its idle and absolute lifetimes. login_failures: the wrong logins and passwords the login
form throttles on, per login name and per client address, across every web process.
users.token_expires_at: API tokens expire. Tokens issued before this migration get 90 days (the
default CADREFLOW_TOKEN_DAYS) from the upgrade, so that clients keep working while new tokens are
issued with `cadreflow users token rotate`.
"""
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import op

from service.persistence.models.types import UTCDateTime

revision = "0008_sessions_tokens"
down_revision = "0007_one_open_case"
branch_labels = None
depends_on = None

EXISTING_TOKEN_DAYS = 90


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("token_expires_at", UTCDateTime(), nullable=True))
    users = sa.table("users", sa.column("token_hash", sa.String()),
                     sa.column("token_expires_at", UTCDateTime()))
    op.execute(users.update().where(users.c.token_hash.is_not(None))
               .values(token_expires_at=datetime.now(UTC) + timedelta(days=EXISTING_TOKEN_DAYS)))

    op.create_table(
        "web_sessions",
        sa.Column("id_hash", sa.String(length=64), nullable=False),
        sa.Column("login", sa.String(length=64), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("last_seen_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["login"], ["users.login"], name=op.f("fk_web_sessions_login_users"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id_hash", name=op.f("pk_web_sessions")),
    )
    with op.batch_alter_table("web_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_web_sessions_login"), ["login"], unique=False)

    op.create_table(
        "login_failures",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("login", sa.String(length=64), nullable=True),
        sa.Column("address", sa.String(length=64), nullable=True),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_failures")),
    )
    with op.batch_alter_table("login_failures", schema=None) as batch_op:
        batch_op.create_index("ix_login_failures_login_at", ["login", "at"], unique=False)
        batch_op.create_index("ix_login_failures_address_at", ["address", "at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("login_failures", schema=None) as batch_op:
        batch_op.drop_index("ix_login_failures_address_at")
        batch_op.drop_index("ix_login_failures_login_at")
    op.drop_table("login_failures")
    with op.batch_alter_table("web_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_web_sessions_login"))
    op.drop_table("web_sessions")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("token_expires_at")
