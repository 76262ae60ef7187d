"""assessments (考核): the county's yearly rounds and the graded results (the cadre's file)

Revision ID: 0018_assessment
Revises: 0017_support
Create Date: 2026-12-07

A result is written once, when the county grades an assessment; on PostgreSQL a trigger refuses
any update, delete or truncate of it from any client (the function of migration 0004).
"""
import sqlalchemy as sa
from alembic import op

from service.persistence.models.types import UTCDateTime

revision = "0018_assessment"
down_revision = "0017_support"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "assessment_rounds",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("excellent_share", sa.Float(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_rounds")),
        sa.UniqueConstraint("year", name=op.f("uq_assessment_rounds_year")),
    )
    op.create_table(
        "assessment_results",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("instance_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.String(length=36), nullable=True),
        sa.Column("cadre_id", sa.String(length=64), nullable=False),
        sa.Column("cadre_name", sa.String(length=200), nullable=False),
        sa.Column("posting_id", sa.Integer(), nullable=True),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("village_id", sa.String(length=64), nullable=False),
        sa.Column("village_name", sa.String(length=200), nullable=False),
        sa.Column("township_id", sa.String(length=64), nullable=False),
        sa.Column("supplier_id", sa.String(length=64), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("grade", sa.String(length=32), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("township_opinion", sa.Text(), nullable=True),
        sa.Column("township_suggested_grade", sa.String(length=32), nullable=True),
        sa.Column("supplier_opinion", sa.Text(), nullable=True),
        sa.Column("supplier_suggested_grade", sa.String(length=32), nullable=True),
        sa.Column("county_comment", sa.Text(), nullable=True),
        sa.Column("graded_by", sa.String(length=64), nullable=False),
        sa.Column("graded_at", UTCDateTime(), nullable=False),
        sa.Column("recall_instance_id", sa.String(length=36), nullable=True),
        sa.Column("recall_note", sa.Text(), nullable=True),
        sa.CheckConstraint("kind IN ('annual', 'term_end')", name=op.f("ck_assessment_results_kind")),
        sa.CheckConstraint("grade IN ('excellent', 'competent', 'basically_competent', 'incompetent')",
                           name=op.f("ck_assessment_results_grade")),
        sa.ForeignKeyConstraint(["cadre_id"], ["cadres.id"], name=op.f("fk_assessment_results_cadre_id_cadres")),
        sa.ForeignKeyConstraint(["instance_id"], ["process_instances.id"],
                                name=op.f("fk_assessment_results_instance_id_process_instances")),
        sa.ForeignKeyConstraint(["posting_id"], ["postings.id"],
                                name=op.f("fk_assessment_results_posting_id_postings")),
        sa.ForeignKeyConstraint(["round_id"], ["assessment_rounds.id"],
                                name=op.f("fk_assessment_results_round_id_assessment_rounds")),
        sa.ForeignKeyConstraint(["supplier_id"], ["orgs.id"], name=op.f("fk_assessment_results_supplier_id_orgs")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_results")),
        sa.UniqueConstraint("instance_id", name=op.f("uq_assessment_results_instance_id")),
    )
    with op.batch_alter_table("assessment_results", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_assessment_results_cadre_id"), ["cadre_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_assessment_results_round_id"), ["round_id"], unique=False)
        batch_op.create_index("ix_assessment_results_year_supplier_id", ["year", "supplier_id"], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("""
            CREATE TRIGGER assessment_results_append_only
            BEFORE UPDATE OR DELETE ON assessment_results
            FOR EACH ROW EXECUTE FUNCTION cadreflow_append_only()
        """)
        op.execute("""
            CREATE TRIGGER assessment_results_no_truncate
            BEFORE TRUNCATE ON assessment_results
            FOR EACH STATEMENT EXECUTE FUNCTION cadreflow_append_only()
        """)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS assessment_results_no_truncate ON assessment_results")
        op.execute("DROP TRIGGER IF EXISTS assessment_results_append_only ON assessment_results")
    with op.batch_alter_table("assessment_results", schema=None) as batch_op:
        batch_op.drop_index("ix_assessment_results_year_supplier_id")
        batch_op.drop_index(batch_op.f("ix_assessment_results_round_id"))
        batch_op.drop_index(batch_op.f("ix_assessment_results_cadre_id"))
    op.drop_table("assessment_results")
    op.drop_table("assessment_rounds")
