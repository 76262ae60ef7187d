"""support: the support ledger (工作保障台账): insurance, transport, allowances, health checks

Revision ID: 0017_support
Revises: 0016_countersign
Create Date: 2026-12-07

One table per kind of support a stationed cadre is owed (seed 四（二）落实工作保障). Their changes go
to roster_changes, whose entity check gains insurance, transport, allowance and health_check.
"""
import sqlalchemy as sa
from alembic import op

from service.persistence.models.types import UTCDateTime

revision = "0017_support"
down_revision = "0016_countersign"
branch_labels = None
depends_on = None

ENTITIES = ("township", "village", "unit", "cadre", "posting", "user", "presence", "party_relation")
NEW_ENTITIES = ("insurance", "transport", "allowance", "health_check")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _entity_check(entities: tuple[str, ...]) -> None:
    # SQLite copies the table to change a CHECK; the copy keeps every row and its hash as it was.
    with op.batch_alter_table("roster_changes", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_roster_changes_entity"), type_="check")
        batch_op.create_check_constraint("entity", _in("entity", entities))


def _recorded() -> list[sa.Column]:
    return [sa.Column("recorded_by", sa.String(length=64), nullable=False),
            sa.Column("recorded_at", UTCDateTime(), nullable=False)]


def upgrade() -> None:
    op.create_table(
        "support_insurance",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("cadre_id", sa.String(length=64), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("insurer", sa.String(length=200), nullable=False),
        sa.Column("policy_no", sa.String(length=64), nullable=False),
        sa.Column("cover_yuan", sa.BigInteger(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        *_recorded(),
        sa.CheckConstraint("period_end >= period_start", name=op.f("ck_support_insurance_period")),
        sa.CheckConstraint("cover_yuan > 0", name=op.f("ck_support_insurance_cover")),
        sa.ForeignKeyConstraint(["cadre_id"], ["cadres.id"], name=op.f("fk_support_insurance_cadre_id_cadres")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_support_insurance")),
        sa.UniqueConstraint("cadre_id", "year", name=op.f("uq_support_insurance_cadre_id_year")),
    )
    op.create_table(
        "support_transport",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("cadre_id", sa.String(length=64), nullable=False),
        sa.Column("unit_id", sa.String(length=64), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("month", sa.Integer(), nullable=False),
        sa.Column("trip_no", sa.Integer(), nullable=False),
        sa.Column("trip_date", sa.Date(), nullable=False),
        sa.Column("route", sa.String(length=200), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        *_recorded(),
        sa.CheckConstraint("month BETWEEN 1 AND 12", name=op.f("ck_support_transport_month")),
        sa.CheckConstraint("trip_no >= 1", name=op.f("ck_support_transport_trip_no")),
        sa.CheckConstraint("amount_fen > 0", name=op.f("ck_support_transport_amount")),
        sa.ForeignKeyConstraint(["cadre_id"], ["cadres.id"], name=op.f("fk_support_transport_cadre_id_cadres")),
        sa.ForeignKeyConstraint(["unit_id"], ["orgs.id"], name=op.f("fk_support_transport_unit_id_orgs")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_support_transport")),
        sa.UniqueConstraint("cadre_id", "year", "month", "trip_no",
                            name=op.f("uq_support_transport_cadre_id_year_month_trip_no")),
    )
    op.create_table(
        "support_allowances",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("cadre_id", sa.String(length=64), nullable=False),
        sa.Column("unit_id", sa.String(length=64), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("month", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        *_recorded(),
        sa.CheckConstraint("month BETWEEN 1 AND 12", name=op.f("ck_support_allowances_month")),
        sa.CheckConstraint("kind IN ('living', 'phone')", name=op.f("ck_support_allowances_kind")),
        sa.CheckConstraint("amount_fen >= 0", name=op.f("ck_support_allowances_amount")),
        sa.ForeignKeyConstraint(["cadre_id"], ["cadres.id"], name=op.f("fk_support_allowances_cadre_id_cadres")),
        sa.ForeignKeyConstraint(["unit_id"], ["orgs.id"], name=op.f("fk_support_allowances_unit_id_orgs")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_support_allowances")),
        sa.UniqueConstraint("cadre_id", "year", "month", "kind",
                            name=op.f("uq_support_allowances_cadre_id_year_month_kind")),
    )
    op.create_table(
        "support_health_checks",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("cadre_id", sa.String(length=64), nullable=False),
        sa.Column("unit_id", sa.String(length=64), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("done", sa.Boolean(), nullable=False),
        sa.Column("check_date", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        *_recorded(),
        sa.CheckConstraint("(done AND check_date IS NOT NULL) OR (NOT done AND check_date IS NULL)",
                           name=op.f("ck_support_health_checks_date_when_done")),
        sa.ForeignKeyConstraint(["cadre_id"], ["cadres.id"],
                                name=op.f("fk_support_health_checks_cadre_id_cadres")),
        sa.ForeignKeyConstraint(["unit_id"], ["orgs.id"], name=op.f("fk_support_health_checks_unit_id_orgs")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_support_health_checks")),
        sa.UniqueConstraint("cadre_id", "year", name=op.f("uq_support_health_checks_cadre_id_year")),
    )
    _entity_check(ENTITIES + NEW_ENTITIES)


def downgrade() -> None:
    # The log keeps its entries (it is append-only); entries of the support ledger would break the
    # narrower check, so a database that has any cannot go back below this revision.
    rows = op.get_bind().execute(sa.text(
        "SELECT COUNT(*) FROM roster_changes WHERE " + _in("entity", NEW_ENTITIES))).scalar()
    if rows:
        raise RuntimeError(f"名册变更记录中已有 {rows} 条工作保障台账记录，不能降级到 0017_support 之前。")
    _entity_check(ENTITIES)
    for table in ("support_health_checks", "support_allowances", "support_transport", "support_insurance"):
        op.drop_table(table)
