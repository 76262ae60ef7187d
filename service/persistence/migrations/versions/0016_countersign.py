"""加签 and 抄送: signers added to an open task, readers of a case

Revision ID: 0016_countersign
Revises: 0015_definition_warnings
Create Date: 2026-12-08

added_signers: a person a task's holder added before (前加签) or after (后加签) themself, with the
holder's held decision for the latter; case_readers: who a case was copied to (抄送), read-only.
"""
import sqlalchemy as sa
from alembic import op

from service.persistence.models.types import JSONType, UTCDateTime

revision = "0016_countersign"
down_revision = "0015_definition_warnings"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "added_signers",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("instance_id", sa.String(length=36), nullable=False),
        sa.Column("task_id", sa.String(length=64), nullable=False),
        sa.Column("login", sa.String(length=64), nullable=False),
        sa.Column("mode", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("added_by", sa.String(length=64), nullable=False),
        sa.Column("added_at", UTCDateTime(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("held_completion", JSONType, nullable=True),
        sa.Column("signed_at", UTCDateTime(), nullable=True),
        sa.Column("decision", sa.String(length=32), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.CheckConstraint("mode IN ('before', 'after')", name=op.f("ck_added_signers_mode")),
        sa.CheckConstraint("status IN ('open', 'signed', 'cancelled')", name=op.f("ck_added_signers_status")),
        sa.ForeignKeyConstraint(["instance_id"], ["process_instances.id"],
                                name=op.f("fk_added_signers_instance_id_process_instances")),
        sa.ForeignKeyConstraint(["login"], ["users.login"], name=op.f("fk_added_signers_login_users")),
        sa.ForeignKeyConstraint(["task_id"], ["human_tasks.id"], name=op.f("fk_added_signers_task_id_human_tasks")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_added_signers")),
    )
    op.create_index(op.f("ix_added_signers_instance_id"), "added_signers", ["instance_id"])
    op.create_index(op.f("ix_added_signers_login"), "added_signers", ["login"])
    op.create_index(op.f("ix_added_signers_task_id"), "added_signers", ["task_id"])
    op.create_table(
        "case_readers",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("instance_id", sa.String(length=36), nullable=False),
        sa.Column("login", sa.String(length=64), nullable=False),
        sa.Column("added_by", sa.String(length=64), nullable=False),
        sa.Column("added_at", UTCDateTime(), nullable=False),
        sa.Column("task_id", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(["instance_id"], ["process_instances.id"],
                                name=op.f("fk_case_readers_instance_id_process_instances")),
        sa.ForeignKeyConstraint(["login"], ["users.login"], name=op.f("fk_case_readers_login_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_readers")),
        sa.UniqueConstraint("instance_id", "login", name=op.f("uq_case_readers_instance_id_login")),
    )
    op.create_index(op.f("ix_case_readers_login"), "case_readers", ["login"])


def downgrade() -> None:
    op.drop_index(op.f("ix_case_readers_login"), table_name="case_readers")
    op.drop_table("case_readers")
    for column in ("task_id", "login", "instance_id"):
        op.drop_index(op.f(f"ix_added_signers_{column}"), table_name="added_signers")
    op.drop_table("added_signers")
