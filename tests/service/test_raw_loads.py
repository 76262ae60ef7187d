"""One ORM row read through psycopg (service/raw_loads.py): the same objects and values the ORM
loads, persistent and clean, the session's own object where it holds one; anything the ORM must
do itself (pending changes to flush, queued writes, other shapes, SQLite) goes through the ORM."""

from __future__ import annotations

from datetime import UTC

import pytest
import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value

from service.commands.core import _load_statement
from service.persistence.db import db
from service.persistence.deferred_writes import write
from service.persistence.models import HumanTask, Notification, ProcessInstance
from service.persistence.raw_loads import load_row, load_row_plan
from tests.service.test_process_commands import new_replacement_task


@pytest.fixture(scope="module")
def task_id(app):  # type: ignore[no-untyped-def]
    with app.app_context():
        return new_replacement_task()


@pytest.fixture
def ctx(app):  # type: ignore[no-untyped-def]
    with app.app_context():
        yield
        db.session.rollback()
        db.session.expunge_all()


STATEMENT = _load_statement(True, by_task=True)


def _columns(obj: object) -> dict[str, object]:
    return {a.key: getattr(obj, a.key) for a in sa.inspect(type(obj)).column_attrs}


def _through_the_orm(task_id: str) -> tuple:
    db.session.expunge_all()
    found = db.session.execute(STATEMENT, {"task_id": task_id}).one()
    values = (_columns(found[0]), _columns(found[1]), tuple(found[2:]))
    db.session.rollback()
    db.session.expunge_all()
    return values


def test_the_objects_and_values_are_the_ones_the_orm_loads(ctx, backend, task_id):
    expected = _through_the_orm(task_id)
    plan = load_row_plan(db.session(), STATEMENT, {"task_id": task_id})
    if backend == "sqlite":
        assert plan is None
        return
    # a session time zone other than UTC: the columns' own conversion (UTCDateTime) still applies
    db.session.execute(sa.text("SET LOCAL TIME ZONE 'Asia/Shanghai'"))
    task, instance, *plain = load_row(db.session(), plan, {"task_id": task_id})
    assert (_columns(task), _columns(instance), tuple(plain)) == expected
    assert task.created_at.tzinfo is UTC and instance.updated_at.tzinfo is UTC
    assert isinstance(instance.state, dict) and isinstance(task.decisions, list)
    for obj in (task, instance):
        state = sa.inspect(obj)
        assert state.persistent and not state.modified and not state.unloaded
        assert db.session.identity_map.get(state.key) is obj
    assert load_row(db.session(), plan, {"task_id": "没有这个任务"}) is None


def test_an_object_the_session_holds_is_returned_with_its_loaded_values(ctx, backend, task_id):
    if backend == "sqlite":
        pytest.skip("SQLite reads through the ORM")
    held = db.session.get(HumanTask, task_id)
    db.session.expire(held, ["due_at"])
    original_name = held.name
    set_committed_value(held, "name", "会话中的值")  # a loaded value the row does not overwrite
    statements: list[str] = []

    def note(_conn, _cursor, statement, *_args):  # type: ignore[no-untyped-def]
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", note)
    try:
        plan = load_row_plan(db.session(), STATEMENT, {"task_id": task_id})
        task, instance, *_ = load_row(db.session(), plan, {"task_id": task_id})
        due = task.due_at  # filled in from the row: no refresh query
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", note)
    assert task is held and task.name == "会话中的值" and due is not None
    assert isinstance(instance, ProcessInstance)
    assert len(statements) == 1, statements
    set_committed_value(held, "name", original_name)


def test_what_the_orm_must_do_itself_goes_through_it(ctx, backend, task_id):
    session = db.session()
    held = session.get(HumanTask, task_id)
    held.comment = "未刷新的修改"  # pending: a query flushes it first, so the ORM reads
    assert load_row_plan(session, STATEMENT, {"task_id": task_id}) is None
    session.rollback()
    write(session.connection(), Notification.__table__.insert().inline(),
          {"login": "county", "kind": "urge", "message": "排队中"})  # queued writes go first
    assert load_row_plan(session, STATEMENT, {"task_id": task_id}) is None
    session.rollback()
    columns_only = sa.select(HumanTask.id, HumanTask.status).where(HumanTask.id == sa.bindparam("task_id"))
    assert load_row_plan(session, columns_only, {"task_id": task_id}) is None
