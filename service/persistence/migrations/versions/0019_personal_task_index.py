"""An index for the open tasks that name one person (会签): the inbox's personal branch

Revision ID: 0019_personal_task_index
Revises: 0018_assessment
Create Date: 2026-12-08

The inbox asks, besides each of the caller's (role, scopes), for the open tasks whose scope names
the caller (scope_kind 'user', scope_id = login). ix_human_tasks_inbox starts with the role, which
that branch does not know, so without this index the branch read every open task.
"""
from alembic import op

revision = "0019_personal_task_index"
down_revision = "0018_assessment"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_human_tasks_personal", "human_tasks", ["scope_kind", "scope_id", "status", "due_at"])


def downgrade() -> None:
    op.drop_index("ix_human_tasks_personal", table_name="human_tasks")
