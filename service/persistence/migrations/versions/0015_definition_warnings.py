"""what a deploy filled in for a definition version: its warnings

Revision ID: 0015_definition_warnings
Revises: 0014_presence
Create Date: 2026-12-08

A diagram drawn without cadreflow's properties (bpmn.io, Camunda Modeler) deploys with defaults:
a task's role from its lane, a single 完成 decision, a default scope, a plain task passed
through. The deploy answers with one Chinese sentence per default, and the version keeps them so
an administrator can read them later. Versions deployed before had nothing filled in: [].
"""
import sqlalchemy as sa
from alembic import op

from service.persistence.models.types import JSONType

revision = "0015_definition_warnings"
down_revision = "0014_presence"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN with a constant default (no table copy on SQLite, where instances refer
    # to the definitions).
    op.add_column("process_definitions",
                  sa.Column("warnings", JSONType, nullable=False, server_default=sa.text("'[]'")))


def downgrade() -> None:
    # SQLite drops the column by copying the table and dropping the old one, which process
    # instances refer to: with foreign keys on that fails. The switch only takes effect outside a
    # transaction, hence the autocommit block; the copy keeps every row.
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        with op.get_context().autocommit_block():
            op.execute("PRAGMA foreign_keys = OFF")
    with op.batch_alter_table("process_definitions", schema=None) as batch_op:
        batch_op.drop_column("warnings")
    if sqlite:
        with op.get_context().autocommit_block():
            op.execute("PRAGMA foreign_keys = ON")
