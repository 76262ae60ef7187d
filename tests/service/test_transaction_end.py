"""A request's leftover transaction: COMMIT when it only read, ROLLBACK when it wrote or failed.

(COMMIT keeps psycopg's prepared statements, which a ROLLBACK discards; see service.persistence.transaction_end.)
"""

from __future__ import annotations

from collections import Counter

import pytest
import sqlalchemy as sa
from app_support import build_app, dispose

from service.persistence.db import db
from service.persistence.models import Notification, User


@pytest.fixture
def probe(db_url):  # type: ignore[no-untyped-def]
    app = build_app(db_url)
    ends: Counter[str] = Counter()

    @app.get("/_probe/read")
    def read():  # type: ignore[no-untyped-def]
        return {"users": db.session.execute(sa.select(sa.func.count()).select_from(User)).scalar()}

    @app.post("/_probe/write-then-fail")
    def write_then_fail():  # type: ignore[no-untyped-def]
        db.session.add(Notification(login="county", kind="urge", message="失败请求的写入"))
        db.session.flush()
        raise RuntimeError("boom")

    @app.post("/_probe/write-no-commit")
    def write_no_commit():  # type: ignore[no-untyped-def]
        db.session.add(Notification(login="county", kind="urge", message="未提交的写入"))
        db.session.flush()  # written inside the transaction, never committed
        return {"ok": True}

    @app.post("/_probe/bulk-write-no-commit")
    def bulk_write_no_commit():  # type: ignore[no-untyped-def]
        db.session.execute(sa.insert(Notification).values(login="county", kind="urge", message="批量写入"))
        return {"ok": True}

    with app.app_context():
        sa.event.listen(db.engine, "commit", lambda conn: ends.update(["commit"]))
        sa.event.listen(db.engine, "rollback", lambda conn: ends.update(["rollback"]))
    app.testing = False  # the failing view answers 500 instead of raising into the test
    yield app, ends
    dispose(app)


def notifications_with(app, message: str) -> int:  # type: ignore[no-untyped-def]
    with app.app_context():
        return db.session.execute(sa.select(sa.func.count()).select_from(Notification)
                                  .where(Notification.message == message)).scalar()


def test_a_read_only_request_ends_with_commit(probe):
    app, ends = probe
    assert app.test_client().get("/_probe/read").status_code == 200
    assert ends == {"commit": 1}


@pytest.mark.parametrize("path, message", [("/_probe/write-no-commit", "未提交的写入"),
                                           ("/_probe/bulk-write-no-commit", "批量写入")])
def test_a_request_that_wrote_without_committing_is_rolled_back(probe, path, message):
    app, ends = probe
    assert app.test_client().post(path).status_code == 200
    assert ends["commit"] == 0 and ends["rollback"] == 1
    assert notifications_with(app, message) == 0


def test_a_failed_request_is_rolled_back(probe):
    app, ends = probe
    assert app.test_client().post("/_probe/write-then-fail").status_code == 500
    assert ends["commit"] == 0
    assert notifications_with(app, "失败请求的写入") == 0


def test_objects_read_in_the_request_stay_loaded_after_it(probe):
    app, _ = probe
    with app.app_context():
        user = db.session.get(User, "county")
    assert user.login == "county" and user.display_name  # not expired by the read-only COMMIT


def test_a_command_refused_before_writing_ends_with_commit(probe, tokens):
    app, ends = probe
    response = app.test_client().post("/api/v1/tasks/no-such-task/complete",
                                      headers={"Authorization": f"Bearer {tokens['county']}"},
                                      json={"decision": "approve", "comment": "同意"})
    assert response.status_code == 404
    assert ends == {"commit": 1}


def test_a_command_that_wrote_and_then_failed_is_rolled_back(probe):
    from service.commands.uow import unit_of_work

    app, ends = probe
    with app.app_context(), pytest.raises(RuntimeError):
        with unit_of_work():
            db.session.add(Notification(login="county", kind="urge", message="命令写入后失败"))
            db.session.flush()
            raise RuntimeError("refused after writing")
    assert ends["commit"] == 0 and ends["rollback"] >= 1
    assert notifications_with(app, "命令写入后失败") == 0


def test_a_command_whose_read_the_database_refused_is_rolled_back(probe):
    from service.commands.uow import unit_of_work

    app, ends = probe
    with app.app_context(), pytest.raises(sa.exc.DBAPIError):
        with unit_of_work():
            db.session.execute(sa.text("SELECT no_such_column FROM users"))
    assert ends["commit"] == 0 and ends["rollback"] >= 1
