"""The roster change log: appended in the command's transaction, hash-chained, append-only, and
verified like process history (an edited, removed or relinked change is found and named)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from service.audit.roster_verify import verify_roster_log
from service.commands.roster_log import append_roster_change, changed_fields
from service.commands.uow import unit_of_work
from service.core.errors import Conflict
from service.persistence.db import db
from service.persistence.models import RosterChange
from service.persistence.models.roster_changes import RosterLogIsAppendOnly

CHANGES = RosterChange.__table__


def _append(n: int, entity_id: str = "c-zhangwei") -> None:
    for i in range(n):
        with unit_of_work():
            append_roster_change(actor_login="org_dept", actor_role="org_dept", entity="cadre",
                                 entity_id=entity_id, action="update", before={"post": f"科员{i}"},
                                 after={"post": f"副科长{i}"}, source="api")


def _tamper(backend: str, statement: sa.Executable) -> None:
    conn = db.session.connection()
    if backend == "postgresql":
        conn.exec_driver_sql("SET LOCAL session_replication_role = replica")  # the trigger stays quiet
    conn.execute(statement)


def test_a_chain_of_changes_verifies(make_app):
    app = make_app()
    with app.app_context():
        seeded = verify_roster_log()
        assert seeded.ok and seeded.detail == f"完整：{seeded.changes} 条名册变更记录的哈希链一致"
        _append(3)
        rows = db.session.execute(sa.select(RosterChange).order_by(RosterChange.id)).scalars().all()
        assert [r.id for r in rows] == list(range(1, seeded.changes + 4))
        assert rows[0].prev_hash is None
        pairs = zip(rows, rows[1:], strict=False)
        assert all(later.prev_hash == earlier.change_hash for earlier, later in pairs)
        assert verify_roster_log().ok and verify_roster_log().changes == seeded.changes + 3


@pytest.mark.parametrize("tamper, offset, words", [
    (lambda i: CHANGES.update().where(CHANGES.c.id == i).values(after={"post": "局长"}), 2,
     "内容与其哈希不符"),
    (lambda i: CHANGES.delete().where(CHANGES.c.id == i), 2, "缺失"),
    (lambda i: CHANGES.update().where(CHANGES.c.id == i).values(prev_hash="sha256:" + "0" * 64), 3,
     "前一哈希"),
])
def test_an_edited_removed_or_relinked_change_is_found(make_app, backend, tamper, offset, words):
    app = make_app()
    with app.app_context():
        bad_id = verify_roster_log().changes + offset
        _append(4)
        _tamper(backend, tamper(bad_id))
        result = verify_roster_log()
        db.session.rollback()
        assert (result.chain, result.first_bad_id) == ("broken", bad_id)
        assert words in result.detail


def test_the_log_is_append_only(make_app, backend):
    app = make_app()
    with app.app_context():
        _append(1)
        row = db.session.execute(
            sa.select(RosterChange).order_by(RosterChange.id.desc()).limit(1)).scalar_one()
        row.source = "page"
        with pytest.raises(RosterLogIsAppendOnly, match=f"第 {row.id} 条"):
            db.session.flush()
        db.session.rollback()
        with pytest.raises(RosterLogIsAppendOnly):
            db.session.execute(sa.delete(RosterChange))
        db.session.rollback()
        if backend == "postgresql":
            for statement in ("UPDATE roster_changes SET source = 'x'", "DELETE FROM roster_changes",
                              "TRUNCATE roster_changes"):
                with pytest.raises(sa.exc.DBAPIError, match="append-only"):
                    db.session.connection().exec_driver_sql(statement)
                db.session.rollback()


def test_two_appends_on_the_same_last_change_cannot_both_commit(make_app):
    app = make_app()
    with app.app_context():
        _append(1)
        last = db.session.execute(
            sa.select(RosterChange).order_by(RosterChange.id.desc()).limit(1)).scalar_one()
        last_id, last_at, last_hash = last.id, last.at, last.change_hash
        with pytest.raises(Conflict), unit_of_work():
            append_roster_change(actor_login="a", actor_role=None, entity="cadre", entity_id="x",
                                 action="update", before=None, after={"post": "甲"}, source="api")
            db.session.flush()
            # Another writer appended after the same last change (as a concurrent transaction would).
            db.session.execute(CHANGES.insert().values(
                id=last_id + 99, at=last_at, actor_login="b", entity="cadre",
                entity_id="y", action="update", after={"post": "乙"},
                prev_hash=last_hash, change_hash="sha256:x"))
        assert db.session.execute(sa.select(sa.func.max(RosterChange.id))).scalar() == last_id


def test_changed_fields_keep_only_what_differs_as_json():
    from datetime import date
    before = {"post": "科员", "birth_date": date(1990, 1, 1), "name": "张伟"}
    after = {"post": "副科长", "birth_date": date(1990, 1, 1), "name": "张伟"}
    assert changed_fields(before, after) == ({"post": "科员"}, {"post": "副科长"})
    assert changed_fields({}, {"party_confirmed_on": date(2025, 6, 1)}) == (
        {"party_confirmed_on": None}, {"party_confirmed_on": "2025-06-01"})
