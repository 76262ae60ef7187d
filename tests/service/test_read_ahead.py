"""Reads announced ahead (service/read_ahead.py): on PostgreSQL a completion's task read goes out
with the token lookup, one round trip for both, and is used by the command only while nothing
has been written and the transaction is the same; a refused caller is refused first."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from service.commands.core import fetch_task, task_read
from service.core.errors import NotFound
from service.http.auth import _principal_statement
from service.persistence.db import db
from service.persistence.models import HumanTask, User
from service.persistence.raw_reads import read_rows
from service.persistence.read_ahead import KEPT, read_ahead
from tests.service.pg_trace import completed, messages, start_trace, waits
from tests.service.test_process_commands import new_replacement_task


@pytest.fixture(scope="module")
def task_id(app):  # type: ignore[no-untyped-def]
    with app.app_context():
        return new_replacement_task()


@pytest.fixture
def pg(app, backend):  # type: ignore[no-untyped-def]
    if backend != "postgresql":
        pytest.skip("reads are announced ahead on PostgreSQL only")
    with app.app_context():
        db.session.commit()
        yield
        db.session.rollback()
        db.session.expunge_all()


def _token_lookup(login: str) -> tuple[sa.Connection, str]:
    """A new transaction's connection and the token hash `login` authenticates with."""
    token_hash = db.session.get(User, login).token_hash
    db.session.commit()
    conn = db.session.connection()
    return conn, token_hash


def _watch():  # type: ignore[no-untyped-def]
    seen: list[str] = []

    def note(_conn, _cursor, statement, *_args):  # type: ignore[no-untyped-def]
        seen.append(statement.split()[0])

    sa.event.listen(db.engine, "before_cursor_execute", note)
    return seen, lambda: sa.event.remove(db.engine, "before_cursor_execute", note)


def test_the_announced_read_goes_out_with_the_token_lookup_and_the_command_uses_it(pg, task_id, tmp_path):
    conn, token_hash = _token_lookup("tw_qingshan")
    path = str(tmp_path / "trace")
    untrace = start_trace(conn, path)
    seen, stop = _watch()
    try:
        read_ahead(conn, *task_read(task_id, with_names=True))
        (principal,) = read_rows(conn, _principal_statement(), {"token_hash": token_hash})
        before_fetch = len(seen)
        task, found = fetch_task(task_id, with_names=True)
    finally:
        stop()
        untrace()
    assert principal.login == "tw_qingshan" and task.id == task_id and found[0].id == task.instance_id
    assert before_fetch == 2 and len(seen) == 2  # the command's read asked nothing more
    traced = messages(path)
    assert len(waits(traced)) == 1
    assert completed(traced) == ['"BEGIN"', '"SELECT 1"', '"SELECT 1"']


def test_a_task_that_does_not_exist_is_not_found_without_asking_again(pg):
    conn, token_hash = _token_lookup("tw_qingshan")
    read_ahead(conn, *task_read("没有这个任务", with_names=True))
    read_rows(conn, _principal_statement(), {"token_hash": token_hash})
    seen, stop = _watch()
    try:
        with pytest.raises(NotFound):
            fetch_task("没有这个任务", with_names=True)
    finally:
        stop()
    assert seen == []


def test_a_write_or_the_end_of_the_transaction_drops_what_was_read_ahead(pg, task_id):
    conn, token_hash = _token_lookup("tw_qingshan")
    read_ahead(conn, *task_read(task_id, with_names=True))
    read_rows(conn, _principal_statement(), {"token_hash": token_hash})
    assert conn.info.get(KEPT)
    conn.execute(sa.update(HumanTask).where(HumanTask.id == task_id).values(comment="读后改写"))
    assert not conn.info.get(KEPT)
    task, _found = fetch_task(task_id, with_names=True)
    assert task.comment == "读后改写"  # read again, after the write
    db.session.rollback()

    for end in (db.session.commit, db.session.rollback):
        conn, token_hash = _token_lookup("tw_qingshan")
        read_ahead(conn, *task_read(task_id, with_names=True))
        read_rows(conn, _principal_statement(), {"token_hash": token_hash})
        end()
        seen, stop = _watch()
        try:
            fetch_task(task_id, with_names=True)  # a new transaction: read again
        finally:
            stop()
        assert seen == ["SELECT"], end
        db.session.rollback()
    token_hash = db.session.get(User, "tw_qingshan").token_hash
    with db.engine.connect() as conn:  # a connection that stays checked out across its transactions
        for end in (conn.commit, conn.rollback):
            read_ahead(conn, *task_read(task_id, with_names=True))
            read_rows(conn, _principal_statement(), {"token_hash": token_hash})
            assert conn.info.get(KEPT)
            end()
            assert not conn.info.get(KEPT), end


def test_a_caller_without_a_valid_token_is_refused_before_anything_read_ahead_is_used(app, client, task_id):
    response = client.post(f"/api/v1/tasks/{task_id}/complete", headers={"Authorization": "Bearer 不是令牌"},
                           json={"decision": "approve", "comment": "同意"})
    assert response.status_code == 401
    with app.app_context():
        assert db.session.get(HumanTask, task_id).status == "open"
