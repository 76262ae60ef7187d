"""Verification of every scenario instance, and of tampered copies of their history.

Tampering goes around the guards on purpose: Core statements on the session's connection (the ORM
guard only watches ORM statements) and, on PostgreSQL, session_replication_role = replica for the
transaction (the append-only trigger does not fire). Every tamper is rolled back afterwards.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from audit_scenarios import build

from service.audit import verify_instance
from service.persistence.db import db
from service.persistence.history import EVENT_HASH_FIELDS, event_hash
from service.persistence.models import HistoryEvent, ProcessInstance

EVENTS = HistoryEvent.__table__
INSTANCES = ProcessInstance.__table__
FAKE_HASH = "sha256:" + "0" * 64
# In the first secretary replacement: 1 start, 2 claim, 3 unclaim, 4 claim, 5 transfer,
# 6 complete (return), 7 complete (resubmit), 8-10 complete (approvals).
EDITED = 6
PASSIVE = 3


@pytest.fixture(scope="module")
def scenarios(app, clock):
    with app.app_context():
        return build(clock)


@pytest.fixture
def ctx(app, scenarios):
    with app.app_context():
        yield scenarios


@contextmanager
def tampering(backend: str) -> Iterator[sa.Connection]:
    conn = db.session.connection()
    if backend == "postgresql":
        conn.exec_driver_sql("SET LOCAL session_replication_role = replica")
    try:
        yield conn
        db.session.expire_all()
    except BaseException:
        db.session.rollback()
        raise


def untamper() -> None:
    db.session.rollback()


def row_of(conn: sa.Connection, instance_id: str, seq: int) -> dict[str, Any]:
    return dict(conn.execute(sa.select(EVENTS).where(
        EVENTS.c.instance_id == instance_id, EVENTS.c.seq == seq)).mappings().one())


def edit(conn: sa.Connection, instance_id: str, seq: int, values: dict[str, Any]) -> None:
    conn.execute(EVENTS.update().where(EVENTS.c.instance_id == instance_id, EVENTS.c.seq == seq)
                 .values(**values))


def rehash_from(conn: sa.Connection, instance_id: str, seq: int) -> None:
    """What a careful forger does: recompute every hash from the edited event on."""
    rows = conn.execute(sa.select(EVENTS).where(EVENTS.c.instance_id == instance_id)
                        .order_by(EVENTS.c.seq)).mappings().all()
    prev = None
    for r in rows:
        if r["seq"] >= seq:
            new = event_hash(dict(r), prev)
            conn.execute(EVENTS.update().where(EVENTS.c.id == r["id"]).values(prev_hash=prev, event_hash=new))
            prev = new
        else:
            prev = r["event_hash"]


def changed(field: str, row: dict[str, Any], other_instance: str) -> Any:
    return {
        "instance_id": other_instance, "seq": 99, "at": row["at"] + timedelta(seconds=1),
        "actor_login": "tw_baishui", "actor_role": "county", "actor_scope": "township:tw-baishui",
        "kind": "claim", "inputs": {**row["inputs"], "comment": "同意"}, "task_id": "00000000",
        "task_spec_id": "county_consent", "decision": "approve", "comment": "同意",
        "state_hash": FAKE_HASH, "prev_hash": FAKE_HASH, "event_hash": FAKE_HASH,
    }[field]


def test_every_scenario_instance_verifies(ctx):
    assert set(ctx.ids) == {"fs_replacement", "fs_handover", "tm_replacement", "tm_handover", "withdrawn",
                            "recall_rectified", "recall_recalled", "recall_handover"}
    for name, instance_id in ctx.ids.items():
        result = verify_instance(instance_id)
        assert (result.chain, result.replay, result.first_bad_seq) == ("ok", "ok", None), (name, result)
        assert result.events == db.session.execute(sa.select(sa.func.count()).select_from(EVENTS).where(
            EVENTS.c.instance_id == instance_id)).scalar()


def test_scenario_covers_the_event_kinds(ctx):
    kinds = set(db.session.execute(sa.select(EVENTS.c.kind)).scalars())
    assert kinds >= {"start", "complete", "claim", "unclaim", "transfer", "timer", "withdraw"}
    fs = [r.kind for r in db.session.execute(sa.select(EVENTS.c.kind).where(
        EVENTS.c.instance_id == ctx.ids["fs_replacement"]).order_by(EVENTS.c.seq))]
    assert fs[:7] == ["start", "claim", "unclaim", "claim", "transfer", "complete", "complete"]


@pytest.mark.parametrize("field", [*EVENT_HASH_FIELDS, "event_hash"])
def test_editing_any_field_breaks_the_chain(ctx, backend, field):
    fs = ctx.ids["fs_replacement"]
    with tampering(backend) as conn:
        row = row_of(conn, fs, EDITED)
        edit(conn, fs, EDITED, {field: changed(field, row, ctx.ids["tm_replacement"])})
        result = verify_instance(fs)
    untamper()
    assert (result.chain, result.first_bad_seq) == ("broken", EDITED), result
    assert "第 6 条" in result.detail
    assert verify_instance(fs).ok  # rolled back: the original is intact


@pytest.mark.parametrize("field", ["at", "actor_login", "actor_role", "actor_scope", "kind", "inputs",
                                   "task_id", "task_spec_id", "decision", "comment", "state_hash"])
def test_forged_edit_with_recomputed_chain_diverges_on_replay(ctx, backend, field):
    fs = ctx.ids["fs_replacement"]
    with tampering(backend) as conn:
        row = row_of(conn, fs, EDITED)
        edit(conn, fs, EDITED, {field: changed(field, row, ctx.ids["tm_replacement"])})
        rehash_from(conn, fs, EDITED)
        result = verify_instance(fs)
    untamper()
    assert (result.chain, result.replay, result.first_bad_seq) == ("ok", "diverged", EDITED), result


def test_forged_state_hash_of_a_claim_diverges(ctx, backend):
    fs = ctx.ids["fs_replacement"]
    with tampering(backend) as conn:
        edit(conn, fs, PASSIVE, {"state_hash": FAKE_HASH})
        rehash_from(conn, fs, PASSIVE)
        result = verify_instance(fs)
    untamper()
    assert (result.chain, result.replay, result.first_bad_seq) == ("ok", "diverged", PASSIVE), result


@pytest.mark.parametrize("name", ["fs_replacement", "recall_recalled", "fs_handover"])
@pytest.mark.parametrize("seq", [1, 2, 5])
def test_deleting_an_event_breaks_the_chain(ctx, backend, name, seq):
    instance_id = ctx.ids[name]
    with tampering(backend) as conn:
        conn.execute(EVENTS.delete().where(EVENTS.c.instance_id == instance_id, EVENTS.c.seq == seq))
        result = verify_instance(instance_id)
    untamper()
    assert (result.chain, result.first_bad_seq) == ("broken", seq), result


@pytest.mark.parametrize("name", ["fs_replacement", "recall_recalled", "withdrawn"])
def test_deleting_the_last_event_diverges_at_its_seq(ctx, backend, name):
    instance_id = ctx.ids[name]
    with tampering(backend) as conn:
        last = conn.execute(sa.select(sa.func.max(EVENTS.c.seq)).where(
            EVENTS.c.instance_id == instance_id)).scalar()
        conn.execute(EVENTS.delete().where(EVENTS.c.instance_id == instance_id, EVENTS.c.seq == last))
        result = verify_instance(instance_id)
    untamper()
    # The chain that is left is intact; the stored state is explained by no recorded event.
    assert (result.chain, result.replay, result.first_bad_seq) == ("ok", "diverged", last), result


@pytest.mark.parametrize("first", [1, 2, 6, 9])
def test_reordering_two_events_breaks_the_chain(ctx, backend, first):
    fs = ctx.ids["fs_replacement"]
    with tampering(backend) as conn:
        edit(conn, fs, first, {"seq": -1})
        edit(conn, fs, first + 1, {"seq": first})
        edit(conn, fs, -1, {"seq": first + 1})
        result = verify_instance(fs)
    untamper()
    assert (result.chain, result.first_bad_seq) == ("broken", first), result


@pytest.mark.parametrize("name", ["fs_replacement", "tm_handover", "recall_rectified"])
def test_editing_the_stored_state_diverges_after_the_last_event(ctx, backend, name):
    instance_id = ctx.ids[name]
    with tampering(backend) as conn:
        state = conn.execute(sa.select(INSTANCES.c.state).where(INSTANCES.c.id == instance_id)).scalar()
        state["data"] = {**state.get("data", {}), "old_cadre_released": True}
        conn.execute(INSTANCES.update().where(INSTANCES.c.id == instance_id).values(state=state))
        last = conn.execute(sa.select(sa.func.max(EVENTS.c.seq)).where(
            EVENTS.c.instance_id == instance_id)).scalar()
        result = verify_instance(instance_id)
    untamper()
    assert (result.chain, result.replay, result.first_bad_seq) == ("ok", "diverged", last + 1), result
    assert "实例当前保存的状态" in result.detail


def test_orm_and_database_refuse_rewrites(ctx, backend):
    from service.persistence.history.append import HistoryIsAppendOnly

    event = db.session.execute(sa.select(HistoryEvent).limit(1)).scalar_one()
    db.session.delete(event)
    with pytest.raises(HistoryIsAppendOnly):
        db.session.flush()
    db.session.rollback()
    if backend == "postgresql":
        with pytest.raises(sa.exc.DBAPIError):
            db.session.connection().exec_driver_sql("DELETE FROM history_events")
        db.session.rollback()
