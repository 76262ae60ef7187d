"""the county's roster: unit level and kind, several categories per village, 转正时间 and the other
cadre facts, planned term ends and suppliers of postings, and the hash-chained roster change log

Revision ID: 0009_roster
Revises: 0008_sessions_tokens
Create Date: 2026-12-07

postings.term_end meant the planned end of an active posting and the actual end of an ended one;
it now means the actual end only: active postings move it to planned_end. The first secretary of
a village whose category has a work team leads that team. A cadre's party_confirmed_on is left
empty: it is a fact the county records (the roster change log keeps who did).
"""
import sqlalchemy as sa
from alembic import op

from service.persistence.models.types import JSONType, UTCDateTime

revision = "0009_roster"
down_revision = "0008_sessions_tokens"
branch_labels = None
depends_on = None

WORK_TEAM_CATEGORIES = ("poverty_alleviated", "key_assistance")


def _sqlite_foreign_keys(on: bool) -> None:
    # SQLite adds or drops a CHECK constraint by copying the table and dropping the old one; with
    # foreign keys on, dropping orgs or cadres while rows refer to them fails. The switch only
    # takes effect outside a transaction, hence the autocommit block; the copies keep every row.
    if op.get_bind().dialect.name == "sqlite":
        with op.get_context().autocommit_block():
            op.execute(f"PRAGMA foreign_keys = {'ON' if on else 'OFF'}")


def upgrade() -> None:
    _sqlite_foreign_keys(on=False)
    with op.batch_alter_table("orgs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("level", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("unit_kind", sa.String(length=32), nullable=True))
        batch_op.create_check_constraint("level", "level IS NULL OR level IN ('county', 'city', 'province')")
        batch_op.create_check_constraint(
            "unit_kind",
            "unit_kind IS NULL OR unit_kind IN ('party_government', 'institution', 'stationed', 'enterprise')")
    # Units recorded before levels existed were the county's own.
    op.execute("UPDATE orgs SET level = 'county' WHERE kind = 'dispatch_unit'")

    op.create_table(
        "village_categories",
        sa.Column("village_id", sa.String(length=64), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.CheckConstraint(
            "category IN ('poverty_alleviated', 'key_assistance', 'weak_party_org', 'red_village')",
            name=op.f("ck_village_categories_category")),
        sa.ForeignKeyConstraint(["village_id"], ["villages.id"], ondelete="CASCADE",
                                name=op.f("fk_village_categories_village_id_villages")),
        sa.PrimaryKeyConstraint("village_id", "category", name=op.f("pk_village_categories")),
    )
    op.create_index(op.f("ix_village_categories_category"), "village_categories", ["category"])
    op.execute("INSERT INTO village_categories (village_id, category) SELECT id, category FROM villages")

    with op.batch_alter_table("cadres", schema=None) as batch_op:
        batch_op.add_column(sa.Column("party_confirmed_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("post", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("rural_expertise", sa.Boolean(), server_default=sa.false(),
                                      nullable=False))
        batch_op.create_check_constraint(
            "employment_type", "employment_type IN ('permanent', 'formal_staff', 'temporary')")

    with op.batch_alter_table("postings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("planned_end", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("supplier_id", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("leads_team", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column("source_instance_id", sa.String(length=64), nullable=True))
        batch_op.create_foreign_key(op.f("fk_postings_supplier_id_orgs"), "orgs", ["supplier_id"], ["id"])
    op.execute("UPDATE postings SET planned_end = term_end, term_end = NULL WHERE active")
    op.execute("UPDATE postings SET supplier_id = (SELECT unit_id FROM cadres WHERE cadres.id = postings.cadre_id)")
    categories = ", ".join(f"'{c}'" for c in WORK_TEAM_CATEGORIES)
    op.execute(f"""
        UPDATE postings SET leads_team = TRUE
        WHERE active AND role = 'first_secretary' AND village_id IN (
            SELECT village_id FROM village_categories WHERE category IN ({categories}))
    """)

    op.create_table(
        "roster_changes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("actor_login", sa.String(length=64), nullable=False),
        sa.Column("actor_role", sa.String(length=32), nullable=True),
        sa.Column("entity", sa.String(length=16), nullable=False),
        sa.Column("entity_id", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("before", JSONType, nullable=True),
        sa.Column("after", JSONType, nullable=True),
        sa.Column("source", sa.String(length=100), nullable=True),
        sa.Column("prev_hash", sa.String(length=80), nullable=True),
        sa.Column("change_hash", sa.String(length=80), nullable=False),
        sa.CheckConstraint(
            "entity IN ('township', 'village', 'unit', 'cadre', 'posting', 'user')",
            name=op.f("ck_roster_changes_entity")),
        sa.CheckConstraint(
            "action IN ('create', 'update', 'deactivate', 'reactivate', 'end')",
            name=op.f("ck_roster_changes_action")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_roster_changes")),
        sa.UniqueConstraint("prev_hash", name=op.f("uq_roster_changes_prev_hash")),
    )
    op.create_index("ix_roster_changes_entity_entity_id", "roster_changes", ["entity", "entity_id"])
    if op.get_bind().dialect.name == "postgresql":
        # cadreflow_append_only() exists since migration 0004.
        op.execute("""
            CREATE TRIGGER roster_changes_append_only
            BEFORE UPDATE OR DELETE ON roster_changes
            FOR EACH ROW EXECUTE FUNCTION cadreflow_append_only()
        """)
        op.execute("""
            CREATE TRIGGER roster_changes_no_truncate
            BEFORE TRUNCATE ON roster_changes
            FOR EACH STATEMENT EXECUTE FUNCTION cadreflow_append_only()
        """)

    _sqlite_foreign_keys(on=True)


def downgrade() -> None:
    _sqlite_foreign_keys(on=False)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS roster_changes_no_truncate ON roster_changes")
        op.execute("DROP TRIGGER IF EXISTS roster_changes_append_only ON roster_changes")
    op.drop_index("ix_roster_changes_entity_entity_id", table_name="roster_changes")
    op.drop_table("roster_changes")
    op.execute("UPDATE postings SET term_end = planned_end WHERE active")
    with op.batch_alter_table("postings", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("fk_postings_supplier_id_orgs"), type_="foreignkey")
        batch_op.drop_column("source_instance_id")
        batch_op.drop_column("leads_team")
        batch_op.drop_column("supplier_id")
        batch_op.drop_column("planned_end")
    with op.batch_alter_table("cadres", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_cadres_employment_type"), type_="check")
        batch_op.drop_column("rural_expertise")
        batch_op.drop_column("post")
        batch_op.drop_column("party_confirmed_on")
    op.drop_index(op.f("ix_village_categories_category"), table_name="village_categories")
    op.drop_table("village_categories")
    with op.batch_alter_table("orgs", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_orgs_unit_kind"), type_="check")
        batch_op.drop_constraint(op.f("ck_orgs_level"), type_="check")
        batch_op.drop_column("unit_kind")
        batch_op.drop_column("level")
    _sqlite_foreign_keys(on=True)
