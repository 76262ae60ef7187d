"""The Alembic migrations produce exactly the schema of the models, on SQLite and PostgreSQL."""

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from service.app import MIGRATIONS_DIR
from service.persistence.db import db


def test_migrations_match_the_models(empty_db_url):
    from app_support import build_app, dispose

    app = build_app(empty_db_url)
    try:
        with app.app_context():
            upgrade(directory=MIGRATIONS_DIR)
            with db.engine.connect() as conn:
                context = MigrationContext.configure(conn, opts={"compare_type": True})
                diff = compare_metadata(context, db.metadata)
            assert diff == []
            inspector = sa.inspect(db.engine)
            inbox = {ix["name"]: ix["column_names"] for ix in inspector.get_indexes("human_tasks")}
            assert inbox["ix_human_tasks_inbox"] == ["status", "role", "scope_id", "due_at"]
            timer_indexes = {ix["name"] for ix in inspector.get_indexes("pending_timers")}
            assert "ix_pending_timers_fire_at" in timer_indexes
            downgrade(directory=MIGRATIONS_DIR, revision="base")
            assert set(sa.inspect(db.engine).get_table_names()) <= {"alembic_version"}
    finally:
        dispose(app)


def test_a_model_change_without_migration_is_detected(empty_db_url):
    """Guards the guard: compare_metadata must see a column the migrations lack."""
    from app_support import build_app, dispose

    app = build_app(empty_db_url)
    try:
        with app.app_context():
            upgrade(directory=MIGRATIONS_DIR)
            metadata = sa.MetaData()
            for table in db.metadata.sorted_tables:
                table.to_metadata(metadata)
            sa.Table("orgs", metadata, sa.Column("extra", sa.String(10)), extend_existing=True)
            with db.engine.connect() as conn:
                diff = compare_metadata(MigrationContext.configure(conn), metadata)
            assert any(d[0] == "add_column" and d[3].name == "extra" for d in diff)
    finally:
        dispose(app)


def test_tokens_issued_before_expiry_existed_get_90_days_from_the_upgrade(empty_db_url):
    from datetime import UTC, datetime, timedelta

    from app_support import build_app, dispose

    from service.persistence.models import User

    app = build_app(empty_db_url)
    try:
        with app.app_context():
            upgrade(directory=MIGRATIONS_DIR, revision="0006_calendar_pins")
            with db.engine.begin() as conn:
                conn.execute(sa.text(
                    "INSERT INTO users (login, display_name, token_hash, active, created_at) VALUES "
                    "('old', 'old', :hash, :yes, :at), ('none', 'none', NULL, :yes, :at)"
                ), {"hash": "ab" * 32, "yes": True, "at": datetime(2026, 1, 1)})
            before = datetime.now(UTC)
            upgrade(directory=MIGRATIONS_DIR)
            expires = {u.login: u.token_expires_at for u in db.session.execute(sa.select(User)).scalars()}
            assert expires["none"] is None
            assert before + timedelta(days=90) <= expires["old"] <= datetime.now(UTC) + timedelta(days=90)
    finally:
        dispose(app)


def test_the_roster_migration_moves_a_populated_county_both_ways(make_app):
    """0009 on a county with data: active postings' term_end becomes planned_end (and back), the
    main category becomes the first of the village's categories, team villages' first secretaries
    lead their teams; on SQLite the table copies keep every row that other rows refer to."""
    app = make_app()
    postings = sa.text("SELECT cadre_id, term_end, planned_end, leads_team FROM postings "
                       "WHERE cadre_id IN ('c-zhangwei', 'c-liuyang', 'c-zhaomin') ORDER BY cadre_id")
    with app.app_context():
        downgrade(directory=MIGRATIONS_DIR, revision="0008_sessions_tokens")
        old = db.session.execute(sa.text(
            "SELECT cadre_id, term_end FROM postings WHERE active ORDER BY cadre_id")).all()
        assert old and all(str(term_end) == "2027-02-28" for _, term_end in old)
        db.session.commit()
        upgrade(directory=MIGRATIONS_DIR)
        rows = [(c, t, str(p), bool(lead)) for c, t, p, lead in db.session.execute(postings)]
        assert rows == [("c-liuyang", None, "2027-02-28", False),  # a team member
                        ("c-zhangwei", None, "2027-02-28", True),  # first secretary of a team village
                        ("c-zhaomin", None, "2027-02-28", False)]  # first secretary of a red village
        categories = db.session.execute(sa.text(
            "SELECT village_id, category FROM village_categories WHERE village_id = 'v-liujia'")).all()
        assert [tuple(r) for r in categories] == [("v-liujia", "weak_party_org")]
        counts = db.session.execute(sa.text(
            "SELECT (SELECT count(*) FROM cadres), (SELECT count(*) FROM orgs), "
            "(SELECT count(*) FROM postings)")).one()
        assert all(n > 0 for n in counts)
        db.session.commit()
