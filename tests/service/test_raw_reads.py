"""Plain-row reads (service/raw_reads.py): on PostgreSQL sent to psycopg without SQLAlchemy's
execution, with the same rows, after any queued write, inside the transaction, errors as
SQLAlchemy's; a column SQLAlchemy must convert, and SQLite, read through SQLAlchemy."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from service.http.auth import _principal_statement, hash_token
from service.persistence.db import db
from service.persistence.deferred_writes import write
from service.persistence.models import Notification, User
from service.persistence.raw_reads import _direct_form, read_rows
from tests.service.pg_trace import completed, messages, start_trace, waits

NOTES: sa.Table = Notification.__table__


@pytest.fixture
def ctx(app):  # type: ignore[no-untyped-def]
    with app.app_context():
        yield
        db.session.rollback()


def _principal_rows(login: str) -> tuple[list[tuple], list[tuple]]:
    """The token lookup of `login` read both ways: (read_rows, SQLAlchemy)."""
    token_hash = db.session.get(User, login).token_hash
    conn = db.session.connection()
    direct = read_rows(conn, _principal_statement(), {"token_hash": token_hash})
    through = conn.execute(_principal_statement(), {"token_hash": token_hash}).all()
    return [tuple(r) for r in direct], [tuple(r) for r in through]


def test_the_rows_are_the_ones_sqlalchemy_reads(ctx, backend):
    conn = db.session.connection()
    direct_form = _direct_form(conn, _principal_statement(), {"token_hash": "x"})
    assert (direct_form is not None) == (backend == "postgresql")
    direct, through = _principal_rows("county")
    assert direct == through and direct[0][0] == "county"
    row = read_rows(conn, _principal_statement(), {"token_hash": hash_token("没有这个令牌")})
    assert list(row) == []
    orgdept = db.session.get(User, "orgdept").token_hash
    first = read_rows(conn, _principal_statement(), {"token_hash": orgdept})[0]
    assert (first.login, first.active) == ("orgdept", True)  # by column name


def test_a_read_sees_the_writes_queued_before_it(ctx):
    conn = db.session.connection()
    write(conn, NOTES.insert().inline(), {"login": "county", "kind": "urge", "message": "先写后读",
                                          "created_at": datetime.now(UTC)})
    query = sa.select(NOTES.c.message).where(NOTES.c.message == sa.bindparam("message"))
    assert [r.message for r in read_rows(conn, query, {"message": "先写后读"})] == ["先写后读"]


def test_a_column_sqlalchemy_converts_is_read_through_it(ctx):
    conn = db.session.connection()
    conn.execute(NOTES.insert().values(login="county", kind="urge", message="有时间的行",
                                       created_at=datetime(2026, 12, 4, 12, 0, tzinfo=UTC)))
    query = sa.select(NOTES.c.created_at).where(NOTES.c.message == sa.bindparam("message"))
    assert _direct_form(conn, query, {"message": "有时间的行"}) is None
    (row,) = read_rows(conn, query, {"message": "有时间的行"})
    assert row.created_at == datetime(2026, 12, 4, 12, 0, tzinfo=UTC)  # aware, as UTCDateTime returns it


def test_a_refused_read_is_an_sqlalchemy_error(ctx):
    conn = db.session.connection()
    with pytest.raises(sa.exc.DBAPIError, match="no_such_function"):
        read_rows(conn, sa.select(sa.func.no_such_function(sa.bindparam("value")).label("n")), {"value": 1})
    db.session.rollback()
    plus_one = sa.select((sa.bindparam("value", type_=sa.Integer) + 1).label("n"))
    assert [tuple(r) for r in read_rows(db.session.connection(), plus_one, {"value": 6})] == [(7,)]


def test_the_first_read_of_a_transaction_carries_its_begin(ctx, backend, tmp_path):
    if backend != "postgresql":
        pytest.skip("round trips are PostgreSQL's")
    token_hash = db.session.get(User, "county").token_hash
    db.session.commit()
    conn = db.session.connection()
    path = str(tmp_path / "trace")
    untrace = start_trace(conn, path)
    try:
        (row,) = read_rows(conn, _principal_statement(), {"token_hash": token_hash})
        assert row.login == "county"
        db.session.execute(_principal_statement(), {"token_hash": token_hash})
    finally:
        untrace()
    traced = messages(path)
    assert completed(traced[:waits(traced)[0]]) == ['"BEGIN"', '"SELECT 1"']
    assert conn.connection.driver_connection.info.transaction_status.name == "INTRANS"


def test_a_read_outside_a_transaction_begins_one_as_sqlalchemy_does(app, backend):
    with app.app_context(), db.engine.connect() as conn:
        assert not conn.in_transaction()
        read_rows(conn, sa.select(sa.literal(1).label("n")), {})
        assert conn.in_transaction()  # so its commit or rollback ends what the read began
        if backend == "postgresql":
            assert conn.connection.driver_connection.info.transaction_status.name == "INTRANS"
