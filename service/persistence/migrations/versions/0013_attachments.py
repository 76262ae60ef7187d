"""attachments: file contents kept once by SHA-256, and the files each step of a case submitted

Revision ID: 0013_attachments
Revises: 0012_excel
Create Date: 2026-12-07

A file is uploaded first (pending: event_seq NULL) and bound when the step that carries it
completes; its name, size and hash go into that step's history event. The code never changes a
bound row or any blob (persistence/attachment_store.py); on PostgreSQL triggers refuse it too.
"""
import sqlalchemy as sa
from alembic import op

from service.persistence.models.types import UTCDateTime

revision = "0013_attachments"
down_revision = "0012_excel"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "attachment_blobs",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_attachment_blobs")),
    )
    op.create_table(
        "attachments",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("uploaded_by", sa.String(length=64), nullable=False),
        sa.Column("uploaded_at", UTCDateTime(), nullable=False),
        sa.Column("instance_id", sa.String(length=36), nullable=True),
        sa.Column("step", sa.String(length=100), nullable=True),
        sa.Column("task_id", sa.String(length=64), nullable=True),
        sa.Column("event_seq", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=True),
        sa.Column("submitted_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["sha256"], ["attachment_blobs.sha256"],
                                name=op.f("fk_attachments_sha256_attachment_blobs")),
        sa.ForeignKeyConstraint(["instance_id"], ["process_instances.id"],
                                name=op.f("fk_attachments_instance_id_process_instances")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attachments")),
    )
    with op.batch_alter_table("attachments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_attachments_sha256"), ["sha256"], unique=False)
        batch_op.create_index("ix_attachments_instance_id_event_seq", ["instance_id", "event_seq"], unique=False)
        batch_op.create_index("ix_attachments_uploaded_by_event_seq", ["uploaded_by", "event_seq"], unique=False)
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("""
        CREATE OR REPLACE FUNCTION cadreflow_attachments_keep() RETURNS trigger AS $$
        BEGIN
            IF TG_LEVEL = 'ROW' AND TG_TABLE_NAME = 'attachments' THEN
                IF OLD.event_seq IS NULL THEN  -- still pending
                    IF TG_OP = 'DELETE' THEN
                        RETURN OLD;
                    END IF;
                    RETURN NEW;
                END IF;
            END IF;
            RAISE EXCEPTION '% of a submitted attachment or a file content is refused', TG_OP
                USING ERRCODE = 'insufficient_privilege';
        END;
        $$ LANGUAGE plpgsql
    """)
    for table in ("attachment_blobs", "attachments"):
        op.execute(f"""
            CREATE TRIGGER {table}_keep BEFORE UPDATE OR DELETE ON {table}
            FOR EACH ROW EXECUTE FUNCTION cadreflow_attachments_keep()
        """)
        op.execute(f"""
            CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}
            FOR EACH STATEMENT EXECUTE FUNCTION cadreflow_attachments_keep()
        """)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in ("attachment_blobs", "attachments"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_keep ON {table}")
        op.execute("DROP FUNCTION IF EXISTS cadreflow_attachments_keep()")
    op.drop_table("attachments")
    op.drop_table("attachment_blobs")
