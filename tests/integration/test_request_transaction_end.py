"""A request that only read ends its transaction with COMMIT, not ROLLBACK (psycopg keeps its
prepared statements across a COMMIT and forgets them at a ROLLBACK); one whose view failed still
rolls back, and changes nobody flushed are never committed by the request's end."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from flask import Flask

from service.persistence.db import db
from service.persistence.models import Org


@pytest.fixture
def endings(app: Flask) -> Iterator[list[str]]:
    seen: list[str] = []
    with app.app_context():
        engine = db.engine

    def on_commit(_conn: object) -> None:
        seen.append("commit")

    def on_rollback(_conn: object) -> None:
        seen.append("rollback")

    sa.event.listen(engine, "commit", on_commit)
    sa.event.listen(engine, "rollback", on_rollback)
    yield seen
    sa.event.remove(engine, "commit", on_commit)
    sa.event.remove(engine, "rollback", on_rollback)


def test_a_read_only_request_ends_with_commit(client, auth, endings):
    response = client.get("/api/v1/villages", headers=auth("tw_qingshan"))
    assert response.status_code == 200
    assert endings == ["commit"]


def test_a_failed_view_rolls_back(app: Flask, endings):
    with pytest.raises(RuntimeError), app.app_context():
        db.session.execute(sa.select(Org.id)).first()
        raise RuntimeError("the view failed")
    assert endings == ["rollback"]


def test_unflushed_changes_are_not_committed_by_the_request_end(app: Flask, endings):
    with app.app_context():
        db.session.execute(sa.select(Org.id)).first()
        db.session.add(Org(id="org-never-written", name="不应写入", kind="dispatch_unit"))
    assert endings == ["rollback"]
    with app.app_context():
        assert db.session.get(Org, "org-never-written") is None
