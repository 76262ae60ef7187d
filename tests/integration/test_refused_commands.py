"""A refused command keeps nothing, and on PostgreSQL one that wrote nothing ends with a COMMIT
(a ROLLBACK would make psycopg forget every statement it prepared on the connection)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from flask import Flask

from service.commands.uow import unit_of_work
from service.core.errors import Conflict, NotFound
from service.persistence.db import db
from service.persistence.models import Notification

MESSAGE = "拒绝的命令不应留下这条提醒"


@contextmanager
def transaction_ends() -> Iterator[list[str]]:
    """How the transactions ended while inside: 'commit' / 'rollback', in order."""
    ends: list[str] = []

    def on_commit(_conn: object) -> None:
        ends.append("commit")

    def on_rollback(_conn: object) -> None:
        ends.append("rollback")

    sa.event.listen(db.engine, "commit", on_commit)
    sa.event.listen(db.engine, "rollback", on_rollback)
    try:
        yield ends
    finally:
        sa.event.remove(db.engine, "commit", on_commit)
        sa.event.remove(db.engine, "rollback", on_rollback)


def _kept() -> int:
    return db.session.execute(sa.select(sa.func.count()).select_from(Notification)
                              .where(Notification.message == MESSAGE)).scalar_one()


def _refuse(error: Exception, write: Callable[[], None] | None = None) -> None:
    with pytest.raises(type(error)), unit_of_work():
        db.session.execute(sa.select(Notification.id).limit(1))  # the command read something
        if write is not None:
            write()
        raise error


def _insert() -> None:
    db.session.execute(sa.insert(Notification), [{"login": "hr_edu", "kind": "task", "message": MESSAGE,
                                                   "created_at": datetime.now(UTC)}])


def _add_unflushed() -> None:
    db.session.add(Notification(login="hr_edu", kind="task", message=MESSAGE, created_at=datetime.now(UTC)))


def test_a_refusal_that_wrote_nothing_commits_on_postgresql(app: Flask, backend: str) -> None:
    with app.app_context(), transaction_ends() as ends:
        _refuse(NotFound("任务不存在。"))
        db.session.remove()
    assert ends == (["commit"] if backend == "postgresql" else ["rollback"])


@pytest.mark.parametrize("write", [_insert, _add_unflushed], ids=["written", "pending"])
def test_a_refusal_after_a_write_keeps_nothing(app: Flask, write: Callable[[], None]) -> None:
    with app.app_context():
        with transaction_ends() as ends:
            _refuse(Conflict("已被他人办理。"), write)
        assert ends == ["rollback"]
        assert _kept() == 0
        db.session.remove()

