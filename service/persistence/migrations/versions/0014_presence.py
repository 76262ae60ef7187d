"""presence in the village: leave requests beside their processes, months in the village, a
posting's Party relation; the roster change log takes their changes

Revision ID: 0014_presence
Revises: 0013_attachments
Create Date: 2026-12-08

leave_requests holds the dates of each `leave` instance (the tally and the overlap check read a
cadre's leaves by date); presence_months one row per cadre and month; party_relations the Party
relation's move to the village and back, per posting. Their changes go to roster_changes, whose
entity and action checks gain `presence`, `party_relation` and `confirm`.
"""
import sqlalchemy as sa
from alembic import op

from service.persistence.models.types import UTCDateTime

revision = "0014_presence"
down_revision = "0013_attachments"
branch_labels = None
depends_on = None

ENTITIES = ("township", "village", "unit", "cadre", "posting", "user")
ACTIONS = ("create", "update", "deactivate", "reactivate", "end")
NEW_ENTITIES = ("presence", "party_relation")
NEW_ACTIONS = ("confirm",)


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _roster_checks(entities: tuple[str, ...], actions: tuple[str, ...]) -> None:
    # SQLite copies the table to change a CHECK; the copy keeps every row and its hash as it was.
    with op.batch_alter_table("roster_changes", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_roster_changes_entity"), type_="check")
        batch_op.drop_constraint(op.f("ck_roster_changes_action"), type_="check")
        batch_op.create_check_constraint("entity", _in("entity", entities))
        batch_op.create_check_constraint("action", _in("action", actions))


def upgrade() -> None:
    op.create_table(
        "leave_requests",
        sa.Column("instance_id", sa.String(length=36), nullable=False),
        sa.Column("cadre_id", sa.String(length=64), nullable=False),
        sa.Column("leave_type", sa.String(length=16), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.Column("working_days", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("return_date", sa.Date(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint(_in("leave_type", ("personal", "sick", "annual", "family_visit",
                                              "marriage_funeral", "maternity", "other")),
                           name=op.f("ck_leave_requests_leave_type")),
        sa.CheckConstraint(_in("state", ("pending", "approved", "returned", "rejected", "withdrawn",
                                         "terminated")), name=op.f("ck_leave_requests_state")),
        sa.CheckConstraint("end_date >= start_date", name=op.f("ck_leave_requests_dates")),
        sa.ForeignKeyConstraint(["cadre_id"], ["cadres.id"], name=op.f("fk_leave_requests_cadre_id_cadres")),
        sa.ForeignKeyConstraint(["instance_id"], ["process_instances.id"],
                                name=op.f("fk_leave_requests_instance_id_process_instances")),
        sa.PrimaryKeyConstraint("instance_id", name=op.f("pk_leave_requests")),
    )
    op.create_index("ix_leave_requests_cadre_id_start_date", "leave_requests", ["cadre_id", "start_date"])

    op.create_table(
        "presence_months",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("cadre_id", sa.String(length=64), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("month", sa.Integer(), nullable=False),
        sa.Column("village_id", sa.String(length=64), nullable=False),
        sa.Column("township_id", sa.String(length=64), nullable=False),
        sa.Column("days_present", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("recorded_by", sa.String(length=64), nullable=False),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
        sa.Column("confirmed_by", sa.String(length=64), nullable=True),
        sa.Column("confirmed_at", UTCDateTime(), nullable=True),
        sa.Column("source", sa.String(length=100), nullable=False),
        sa.Column("alerted_at", UTCDateTime(), nullable=True),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.CheckConstraint("month BETWEEN 1 AND 12", name=op.f("ck_presence_months_month")),
        sa.CheckConstraint("days_present BETWEEN 0 AND 31", name=op.f("ck_presence_months_days_present")),
        sa.CheckConstraint("status IN ('recorded', 'confirmed')", name=op.f("ck_presence_months_status")),
        sa.ForeignKeyConstraint(["cadre_id"], ["cadres.id"], name=op.f("fk_presence_months_cadre_id_cadres")),
        sa.ForeignKeyConstraint(["township_id"], ["orgs.id"], name=op.f("fk_presence_months_township_id_orgs")),
        sa.ForeignKeyConstraint(["village_id"], ["villages.id"],
                                name=op.f("fk_presence_months_village_id_villages")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_presence_months")),
        sa.UniqueConstraint("cadre_id", "year", "month", name=op.f("uq_presence_months_cadre_id_year_month")),
    )
    op.create_index(op.f("ix_presence_months_township_id"), "presence_months", ["township_id"])

    op.create_table(
        "party_relations",
        sa.Column("posting_id", sa.Integer(), nullable=False),
        sa.Column("transferred_in_on", sa.Date(), nullable=True),
        sa.Column("transferred_in_org", sa.String(length=200), nullable=True),
        sa.Column("transferred_out_on", sa.Date(), nullable=True),
        sa.Column("transferred_out_org", sa.String(length=200), nullable=True),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint("transferred_out_on IS NULL OR transferred_in_on IS NULL "
                           "OR transferred_out_on >= transferred_in_on", name=op.f("ck_party_relations_dates")),
        sa.ForeignKeyConstraint(["posting_id"], ["postings.id"], ondelete="CASCADE",
                                name=op.f("fk_party_relations_posting_id_postings")),
        sa.PrimaryKeyConstraint("posting_id", name=op.f("pk_party_relations")),
    )
    _roster_checks(ENTITIES + NEW_ENTITIES, ACTIONS + NEW_ACTIONS)


def downgrade() -> None:
    # The log's rows about presence and Party relations would break the narrower checks: a
    # downgrade is refused while any exists (the log is append-only; they cannot be removed).
    found = op.get_bind().execute(sa.text(
        "SELECT count(*) FROM roster_changes WHERE " + _in("entity", NEW_ENTITIES)
        + " OR " + _in("action", NEW_ACTIONS))).scalar()
    if found:
        raise RuntimeError(f"名册变更记录中已有 {found} 条在村或党组织关系记录，不能降级到 0013_attachments。")
    _roster_checks(ENTITIES, ACTIONS)
    op.drop_table("party_relations")
    op.drop_index(op.f("ix_presence_months_township_id"), table_name="presence_months")
    op.drop_table("presence_months")
    op.drop_index("ix_leave_requests_cadre_id_start_date", table_name="leave_requests")
    op.drop_table("leave_requests")
