"""Transactions on PostgreSQL (service/pipelined_begin.py): psycopg is in autocommit mode and the
BEGIN goes out with each transaction's first statement, in one round trip; transactions stay
whole: nothing is seen before the commit, everything is undone by a rollback or a failure."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from service.persistence.db import db
from service.persistence.models import Notification
from tests.service.pg_trace import completed, waits
from tests.service.pg_trace import traced as trace_of

NOTES: sa.Table = Notification.__table__


@pytest.fixture
def pg(app, backend) -> Iterator[None]:  # type: ignore[no-untyped-def]
    if backend != "postgresql":
        pytest.skip("the pipelined BEGIN is for psycopg connections")
    with app.app_context():
        yield
        db.session.rollback()


def _insert(message: str) -> sa.Executable:
    return NOTES.insert().values(login="county", kind="urge", message=message)


def _committed(message: str) -> int:
    with db.engine.connect() as other:  # what other transactions see
        return other.execute(sa.select(sa.func.count()).select_from(NOTES)
                             .where(NOTES.c.message == message)).scalar_one()


def test_the_driver_is_in_autocommit_and_sqlalchemy_keeps_the_transaction(pg):
    conn = db.session.connection()
    driver = conn.connection.driver_connection
    assert driver.autocommit
    db.session.execute(_insert("未提交的行"))
    assert _committed("未提交的行") == 0  # inside a transaction, not committed statement by statement
    db.session.commit()
    assert _committed("未提交的行") == 1


def test_rollback_undoes_every_statement_of_the_transaction(pg):
    db.session.execute(_insert("回滚一"))
    db.session.execute(_insert("回滚二"))
    db.session.rollback()
    assert _committed("回滚一") == 0 and _committed("回滚二") == 0


def test_a_failed_statement_leaves_nothing_of_its_transaction(pg):
    db.session.execute(_insert("失败前写入"))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.execute(NOTES.insert().values(login=None, kind="urge", message="缺少必填列"))
    db.session.rollback()
    assert _committed("失败前写入") == 0
    db.session.execute(_insert("之后的事务"))  # the connection goes on with a new transaction
    db.session.commit()
    assert _committed("之后的事务") == 1


def test_a_first_statement_that_fails_is_an_sqlalchemy_error_and_the_connection_recovers(pg):
    with pytest.raises(sa.exc.ProgrammingError):
        db.session.execute(sa.text("SELECT no_such_column FROM notifications"))
    db.session.rollback()
    assert db.session.execute(sa.text("SELECT 1")).scalar_one() == 1


def test_begin_and_the_first_statement_share_one_round_trip(pg, tmp_path):
    db.session.commit()

    def two_selects() -> None:
        db.session.execute(sa.text("SELECT 1")).scalar_one()
        db.session.execute(sa.text("SELECT 2")).scalar_one()
        db.session.commit()

    traced = trace_of(db.session.connection(), str(tmp_path / "trace"), two_selects)
    # each wait for the server ends with its ReadyForQuery: BEGIN + SELECT 1, SELECT 2, COMMIT
    assert len(waits(traced)) == 3, traced
    assert completed(traced[:waits(traced)[0]]) == ['"BEGIN"', '"SELECT 1"']


def test_a_transaction_in_which_nothing_ran_sends_nothing(pg, tmp_path):
    db.session.commit()
    assert trace_of(db.session.connection(), str(tmp_path / "trace"), db.session.commit) == []


def test_savepoints_as_a_first_statement_are_inside_the_transaction(pg):
    db.session.commit()
    with db.session.begin_nested():
        db.session.execute(_insert("保存点内"))
    assert _committed("保存点内") == 0
    db.session.rollback()
    assert _committed("保存点内") == 0


def test_an_autocommit_connection_gets_no_begin(pg):
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(_insert("自动提交"))
        assert conn.connection.driver_connection.info.transaction_status.name == "IDLE"
        assert _committed("自动提交") == 1
    # SQLAlchemy restored the pooled connection's isolation level (psycopg's own BEGIN then):
    # its transactions are still whole.
    with db.engine.connect() as conn:
        conn.execute(_insert("恢复之后"))
        assert _committed("恢复之后") == 0
        conn.rollback()
    assert _committed("恢复之后") == 0
