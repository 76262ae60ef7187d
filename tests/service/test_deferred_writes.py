"""Queued writes (service/deferred_writes.py): on PostgreSQL sent together in one pipeline before
anything else runs on their connection, checked, never committed unsent, dropped on rollback; on
SQLite run at once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from sqlalchemy.orm.exc import StaleDataError

from service import commands
from service.persistence.db import db
from service.persistence.deferred_writes import pipelines, queued, write
from service.persistence.models import Notification
from service.persistence.raw_statements import raw_form
from service.persistence.transaction_end import read_only
from tests.service.pg_trace import completed, messages, start_trace, waits
from tests.service.test_process_commands import open_tasks, request, who

NOTES: sa.Table = Notification.__table__
INSERT = NOTES.insert().inline()  # written without asking its id back, as queued writes must be


@pytest.fixture
def ctx(app):  # type: ignore[no-untyped-def]
    with app.app_context():
        yield
        db.session.rollback()


def _note(message: str, **columns: object) -> dict[str, object]:
    """A notifications row with every column the INSERT names given: on PostgreSQL it is sent
    without SQLAlchemy (service/raw_statements.py), as the commands' writes are."""
    return {"login": "county", "kind": "urge", "message": message, "created_at": datetime.now(UTC),
            **columns}


def _count(message: str) -> int:
    with db.engine.connect() as other:  # what is committed, seen from another connection
        return other.execute(sa.select(sa.func.count()).select_from(NOTES)
                             .where(NOTES.c.message == message)).scalar_one()


def _existing_id() -> int:
    db.session.execute(NOTES.insert().values(**_note("已有的行")))
    db.session.commit()
    return db.session.execute(sa.select(sa.func.max(NOTES.c.id))).scalar_one()


def _watch_statements():  # type: ignore[no-untyped-def]
    """(statements seen so far, whether the driver was in pipeline mode for each)."""
    seen: list[tuple[str, bool]] = []

    def note(conn, _cursor, statement, *_args):  # type: ignore[no-untyped-def]
        pgconn = getattr(conn.connection.driver_connection, "pgconn", None)
        seen.append((statement.split()[0], bool(pgconn is not None and pgconn.pipeline_status)))

    sa.event.listen(db.engine, "before_cursor_execute", note)
    return seen, lambda: sa.event.remove(db.engine, "before_cursor_execute", note)


def test_writes_wait_for_the_next_statement_and_go_out_together_in_order(ctx, backend):
    conn = db.session.connection()
    seen, stop = _watch_statements()
    try:
        write(conn, INSERT, _note("排队一"))
        write(conn, NOTES.update().where(NOTES.c.message == "排队一").values(message="排队二"))
        written_before_next = list(seen)
        # the next statement sees both writes: they were sent before it, in order
        renamed = db.session.execute(sa.select(sa.func.count()).select_from(NOTES)
                                     .where(NOTES.c.message == "排队二")).scalar_one()
    finally:
        stop()
    assert renamed == 1
    if backend == "postgresql":
        assert pipelines(conn) and written_before_next == []
        assert seen == [("INSERT", True), ("UPDATE", True), ("SELECT", False)]
    else:
        assert not pipelines(conn)
        assert written_before_next == [("INSERT", False), ("UPDATE", False)]
    db.session.commit()
    assert _count("排队二") == 1


def test_commit_sends_the_queue_first(ctx):
    write(db.session.connection(), INSERT, _note("提交前发送"))
    db.session.commit()
    assert _count("提交前发送") == 1 and queued(db.session.connection()) == 0


def test_a_connection_committed_directly_sends_its_queue_too(ctx):
    with db.engine.connect() as conn:
        write(conn, INSERT, _note("直接提交"))
        conn.commit()
    assert _count("直接提交") == 1


def test_rollback_drops_the_queue_and_nothing_of_it_is_written_later(ctx):
    write(db.session.connection(), INSERT, _note("回滚丢弃"))
    db.session.rollback()
    assert queued(db.session.connection()) == 0
    db.session.execute(NOTES.insert().values(**_note("回滚之后")))
    db.session.commit()
    assert _count("回滚丢弃") == 0 and _count("回滚之后") == 1


def test_a_queued_write_makes_the_transaction_one_that_wrote(ctx):
    db.session.execute(sa.select(1))
    assert read_only(db.session())
    write(db.session.connection(), INSERT, _note("写过"))
    assert not read_only(db.session())  # so an abandoned request is rolled back, not committed


def test_a_versioned_write_that_matched_no_row_is_stale(ctx):
    with pytest.raises(StaleDataError, match="改过了"):
        write(db.session.connection(), NOTES.update().where(NOTES.c.id == -1).values(message="x"),
              expect_one="改过了")
        db.session.commit()
    db.session.rollback()


# A versioned UPDATE by id has a raw form: on PostgreSQL the database itself fails it on no row
# (and the transaction with it). One with an IN list goes through SQLAlchemy, and its count is
# checked once the pipeline's answers are in.
STALE_UPDATES = {
    "checked_by_the_database": NOTES.update().where(NOTES.c.id == -1).values(message="x"),
    "checked_by_its_count": NOTES.update().where(NOTES.c.id.in_([-1])).values(message="x"),
}


@pytest.mark.parametrize("checked", sorted(STALE_UPDATES))
def test_stale_wins_over_a_later_write_that_failed_because_of_it(ctx, backend, checked):
    taken = _existing_id()
    conn = db.session.connection()
    with pytest.raises(StaleDataError, match="版本已变") as raised:
        write(conn, STALE_UPDATES[checked], expect_one="版本已变")
        write(conn, INSERT, _note("重复主键", id=taken))  # as a seq the winner took first
        db.session.commit()
    if backend == "postgresql" and checked == "checked_by_its_count":
        assert isinstance(raised.value.__cause__, sa.exc.IntegrityError)
    db.session.rollback()
    assert _count("重复主键") == 0


@pytest.mark.parametrize("checked", sorted(STALE_UPDATES))
def test_a_stale_write_leaves_nothing_of_its_transaction_committed(ctx, checked):
    conn = db.session.connection()
    with pytest.raises(StaleDataError):
        write(conn, INSERT, _note(f"过期之前 {checked}"))
        write(conn, STALE_UPDATES[checked], expect_one="过期")
        write(conn, INSERT, _note(f"过期之后 {checked}"))
        db.session.commit()
    db.session.rollback()
    assert _count(f"过期之前 {checked}") == 0 and _count(f"过期之后 {checked}") == 0


@pytest.mark.parametrize("position", ["last", "first"])
def test_a_refused_write_is_an_sqlalchemy_error_and_nothing_of_the_batch_stays(ctx, position):
    # "last": its answer arrives at the pipeline's sync, past SQLAlchemy; "first": while sending.
    taken = _existing_id()
    conn = db.session.connection()
    duplicate, fine = _note("批量中的重复", id=taken), _note(f"批量中的正常行 {position}")
    with pytest.raises(sa.exc.IntegrityError):
        for values in ([fine, duplicate] if position == "last" else [duplicate, fine, fine]):
            write(conn, INSERT, values)
        db.session.commit()
    db.session.rollback()
    assert _count(f"批量中的正常行 {position}") == 0
    db.session.execute(NOTES.insert().values(**_note(f"之后照常 {position}")))  # still usable
    db.session.commit()
    assert _count(f"之后照常 {position}") == 1


def test_a_versioned_write_that_failed_itself_is_its_failure_not_a_stale_revision(ctx):
    # (a lost connection or a refused value must not read as "someone else changed it": 409)
    taken = _existing_id()
    with pytest.raises(sa.exc.IntegrityError):
        write(db.session.connection(), NOTES.update().where(NOTES.c.id == taken).values(login="无此用户"),
              expect_one="不应报告为版本冲突")
        db.session.commit()
    db.session.rollback()


def test_an_approval_sends_all_its_writes_in_one_pipeline_on_postgresql(app, clock, backend, tmp_path):
    with app.app_context():
        row = commands.submit_adjustment(who("hr_edu"), request())
        (task,) = open_tasks(row.id)
        task_id, approver = task.id, who("tw_qingshan")
        db.session.commit()  # the command starts a transaction of its own, on the traced connection
        clock.advance(hours=1)
        seen, stop = _watch_statements()
        path = str(tmp_path / "trace")
        untrace = start_trace(db.session.connection(), path) if backend == "postgresql" else None
        try:
            commands.complete_task(approver, task_id, "approve", "同意")
        finally:
            stop()
            if untrace is not None:
                untrace()
        writes = [(verb, piped) for verb, piped in seen if verb != "SELECT"]
        # the instance (on PostgreSQL its UPDATE in a WITH that fails on no row), the completed
        # task, the next task, the old timers, the new ones, the event
        instance = "WITH" if backend == "postgresql" else "UPDATE"
        assert [verb for verb, _ in writes] == [instance, "UPDATE", "INSERT", "DELETE", "INSERT", "INSERT"]
        assert all(piped for _, piped in writes) == (backend == "postgresql")
        assert [verb for verb, _ in seen].count("SELECT") == 1  # the task with its instance
        db.session.rollback()
    if backend == "postgresql":  # two waits: BEGIN with the read, then the writes with the COMMIT
        traced = messages(path)
        first, second = waits(traced)
        assert completed(traced[:first]) == ['"BEGIN"', '"SELECT 1"']
        # the guarded instance UPDATE, the task, the next task, 2 timers out, 2 in, the event
        assert len(completed(traced[first:second])) == 9
        assert completed(traced[first:second])[-1] == '"COMMIT"'


def test_queued_writes_go_to_the_driver_as_sqlalchemy_would_send_them(ctx, backend):
    conn = db.session.connection()
    row = _note("原样发送", created_at=datetime(2026, 12, 4, 20, 30, tzinfo=timezone(timedelta(hours=8))))
    form = raw_form(INSERT, tuple(sorted(row)), conn.dialect)
    if backend == "postgresql":
        assert form is not None
        assert form.sql == str(INSERT.compile(dialect=conn.dialect, column_keys=list(row)))
    write(conn, INSERT, row)
    db.session.commit()
    stored = db.session.execute(sa.select(NOTES.c.created_at)
                                .where(NOTES.c.message == "原样发送")).scalar_one()
    assert stored == datetime(2026, 12, 4, 12, 30, tzinfo=UTC)
    # the column's type processes the value as SQLAlchemy would: a naive datetime is refused
    with pytest.raises((ValueError, sa.exc.StatementError), match="naive"):
        write(db.session.connection(), INSERT, _note("无时区", created_at=datetime(2026, 12, 4, 20, 30)))
        db.session.commit()
    db.session.rollback()
    assert _count("无时区") == 0


def test_a_write_that_needs_sqlalchemy_is_executed_by_it(ctx):
    conn = db.session.connection()
    without_default = {"login": "county", "kind": "urge", "message": "缺省值由 SQLAlchemy 计算"}
    assert raw_form(INSERT, tuple(sorted(without_default)), conn.dialect) is None  # created_at's default
    expanding = NOTES.delete().where(NOTES.c.id.in_(sa.bindparam("ids", expanding=True)))
    assert raw_form(expanding, ("ids",), conn.dialect) is None  # an IN list expanded at execution
    write(conn, INSERT, without_default)
    write(conn, expanding, {"ids": [-1, -2]})
    db.session.commit()
    created = db.session.execute(sa.select(NOTES.c.created_at)
                                 .where(NOTES.c.message == without_default["message"])).scalar_one()
    assert created is not None

