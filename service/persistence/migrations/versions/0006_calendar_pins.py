"""calendar_pins: the calendar of each year as first counted, so a replay never asks the library

Revision ID: 0006_calendar_pins
Revises: 0005_state_lz4
Create Date: 2026-12-07

Until now a year without an admin entry came from the installed chinese-calendar (or weekends
only), both when a command computed a deadline and when the audit replay recomputed it; a release
that adds a year made old events replay to other state hashes. From now on the first command that
counts in such a year stores it in calendar_pins, and the replay reads only stored rows.

The events recorded before this migration counted with the installed release, chinese-calendar
1.11.0 (pinned exactly in pyproject.toml): it covers 2004-2026 and raised NotImplementedError for
later years, whose days counted weekends only. So its years 2004-2026 are stored here as in force
since the epoch, and later years are left out: a replay counts a year with no row weekends only,
as those events did. The years are read from the installed package rather than copied in, but
capped at 2026, so running this with a newer release does not back-date a year those events never
had. Append-only on PostgreSQL, like calendar_entries (migration 0004).
"""
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa
from alembic import op

from service.persistence.models.types import JSONType, UTCDateTime

revision = "0006_calendar_pins"
down_revision = "0005_state_lz4"
branch_labels = None
depends_on = None

LEGACY_YEARS = range(2004, 2027)  # what chinese-calendar 1.11.0 covers
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _legacy_rows() -> list[dict]:
    """The years the pre-migration events counted with, as the days that differ from the weekday rule."""
    import chinese_calendar

    rows = []
    for year in LEGACY_YEARS:
        holidays: list[str] = []
        workdays: list[str] = []
        day = date(year, 1, 1)
        try:
            while day.year == year:
                works = chinese_calendar.is_workday(day)
                if works != (day.weekday() < 5):
                    (workdays if works else holidays).append(day.isoformat())
                day += timedelta(days=1)
        except NotImplementedError:
            continue  # not covered by the installed release: counted weekends only, as without a row
        rows.append({"year": year, "source": "library", "holidays": holidays, "workdays": workdays,
                     "library_version": getattr(chinese_calendar, "__version__", None),
                     "pinned_at": EPOCH})
    return rows


def upgrade() -> None:
    pins = op.create_table(
        "calendar_pins",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("holidays", JSONType, nullable=False),
        sa.Column("workdays", JSONType, nullable=False),
        sa.Column("library_version", sa.String(length=32), nullable=True),
        sa.Column("pinned_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_pins")),
        sa.UniqueConstraint("year", name=op.f("uq_calendar_pins_year")),
    )
    op.bulk_insert(pins, _legacy_rows())
    if op.get_bind().dialect.name != "postgresql":
        return
    # cadreflow_append_only() comes from migration 0004.
    op.execute("""
        CREATE TRIGGER calendar_pins_append_only
        BEFORE UPDATE OR DELETE ON calendar_pins
        FOR EACH ROW EXECUTE FUNCTION cadreflow_append_only()
    """)
    op.execute("""
        CREATE TRIGGER calendar_pins_no_truncate
        BEFORE TRUNCATE ON calendar_pins
        FOR EACH STATEMENT EXECUTE FUNCTION cadreflow_append_only()
    """)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS calendar_pins_no_truncate ON calendar_pins")
        op.execute("DROP TRIGGER IF EXISTS calendar_pins_append_only ON calendar_pins")
    op.drop_table("calendar_pins")
