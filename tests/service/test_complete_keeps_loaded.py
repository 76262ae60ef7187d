"""A completion's commit keeps its rows loaded (unit_of_work(keep_loaded=True)): what the caller
reads afterwards costs no query and is exactly what the database holds."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from service import commands
from service.commands.uow import unit_of_work
from service.persistence.db import db
from service.persistence.models import HumanTask, ProcessInstance, User
from tests.service.test_process_commands import open_tasks, request, who

COLUMNS = {
    ProcessInstance: ("id", "status", "revision", "state", "updated_at", "cadre_id", "new_cadre_id"),
    HumanTask: ("id", "status", "completed_at", "completed_by", "decision", "comment", "due_at"),
}


@pytest.fixture
def ctx(app, clock):
    with app.app_context():
        yield clock


def _statements_during(action):  # type: ignore[no-untyped-def]
    seen: list[str] = []

    def note(_conn, _cursor, statement, *_args):  # type: ignore[no-untyped-def]
        seen.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", note)
    try:
        action()
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", note)
    return seen


def _stored(model, ident):  # type: ignore[no-untyped-def]
    with db.engine.connect() as conn:  # another connection: what was committed
        table = model.__table__
        row = conn.execute(sa.select(*(table.c[c] for c in COLUMNS[model])).where(table.c.id == ident)).one()
        return tuple(row)


def _loaded(obj):  # type: ignore[no-untyped-def]
    return tuple(getattr(obj, c) for c in COLUMNS[type(obj)])


def test_the_completed_task_and_its_instance_are_read_without_a_query_and_match_the_database(ctx):
    row = commands.submit_adjustment(who("hr_edu"), request())
    (task,) = open_tasks(row.id)
    ctx.advance(hours=1)
    result = commands.complete_task(who("tw_qingshan"), task.id, "approve", "同意")

    loaded = {}
    assert _statements_during(lambda: loaded.update(
        instance=_loaded(result.instance), task=_loaded(result.task))) == []
    assert loaded["instance"] == _stored(ProcessInstance, row.id)
    assert loaded["task"] == _stored(HumanTask, task.id)
    assert result.task.status == "done" and result.instance.revision == 3
    db.session.rollback()


def test_other_commands_still_expire_what_they_committed(ctx):
    user = db.session.get(User, "county")
    with unit_of_work():
        user.display_name = "县领导小组（测试）"
    assert "display_name" not in sa.inspect(user).dict  # expired: the next access reads it again
    with unit_of_work(keep_loaded=True):
        user.display_name = "县领导小组"
    assert sa.inspect(user).dict["display_name"] == "县领导小组"
