"""The command layer directly: one transaction per command, projections, history chain, replay."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from command_helpers import open_tasks, request, who

from service import commands
from service.core.errors import Conflict, Forbidden, ValidationFailed
from service.persistence import runtime
from service.persistence.db import db
from service.persistence.history import event_fields, event_hash, to_command
from service.persistence.history.append import HistoryIsAppendOnly
from service.persistence.models import (
    HistoryEvent,
    PendingTimer,
    ProcessDefinition,
    ProcessInstance,
)
from workflows.replay import replay


def new_replacement_task() -> str:
    """The id of the first open task of a new mid-term replacement (hr_edu's demo request)."""
    row = commands.submit_adjustment(who("hr_edu"), request())
    (task,) = open_tasks(row.id)
    return task.id


def events(instance_id):
    return db.session.execute(sa.select(HistoryEvent).where(HistoryEvent.instance_id == instance_id)
                              .order_by(HistoryEvent.seq)).scalars().all()


@pytest.fixture
def ctx(app, clock):
    with app.app_context():
        yield clock


def test_bundled_definitions_are_deployed_by_seed(ctx):
    keys = set(db.session.execute(sa.select(ProcessDefinition.key)).scalars())
    assert {"mid_term_replacement", "handover", "recall"} <= keys


def test_submit_then_complete_writes_state_projections_and_chained_events(ctx):
    row = commands.submit_adjustment(who("hr_edu"), request())
    assert row.status == "running" and row.revision == 2  # inserted, then state saved
    (task,) = open_tasks(row.id)
    assert (task.spec_id, task.role, task.scope_id) == ("township_consent", "township", "tw-qingshan")
    assert task.due_at is not None
    timers = db.session.execute(
        sa.select(PendingTimer).where(PendingTimer.instance_id == row.id)).scalars().all()
    assert {t.kind for t in timers} == {"reminder", "escalation"}

    ctx.advance(hours=2)
    with pytest.raises(Forbidden):
        commands.complete_task(who("tw_baishui"), task.id, "approve", "")
    with pytest.raises(ValidationFailed) as err:
        commands.complete_task(who("tw_qingshan"), task.id, "reject", "")
    assert "comment" in err.value.errors
    result = commands.complete_task(who("tw_qingshan"), task.id, "approve", "同意")
    assert result.task.status == "done" and result.task.completed_by == "tw_qingshan"
    with pytest.raises(Conflict):
        commands.complete_task(who("tw_qingshan"), task.id, "approve", "")
    (nxt,) = open_tasks(row.id)
    assert nxt.spec_id == "county_consent"

    evs = events(row.id)
    assert [e.kind for e in evs] == ["start", "complete"]
    assert evs[0].inputs["instance_id"] == row.id
    assert evs[0].inputs["data"]["deadline_approval_reminder"] == "P3D"
    assert evs[0].inputs["data"]["nominee_facts"]["party_status"] == "formal"
    assert evs[1].actor_login == "tw_qingshan" and evs[1].actor_scope == "township:tw-qingshan"
    prev = None
    for e in evs:
        assert e.prev_hash == prev and e.event_hash == event_hash(event_fields(e), prev)
        prev = e.event_hash
    definition = runtime.definition_of(db.session.get(ProcessDefinition, row.definition_id))
    replayed = replay(definition, [to_command(e) for e in evs], runtime.get_engine())
    assert replayed == [e.state_hash for e in evs]


def test_history_events_cannot_be_updated_or_deleted(ctx):
    event = db.session.execute(sa.select(HistoryEvent).limit(1)).scalar_one()
    event.comment = "篡改"
    with pytest.raises(HistoryIsAppendOnly):
        db.session.flush()
    db.session.rollback()
    with pytest.raises(HistoryIsAppendOnly):
        db.session.execute(sa.delete(HistoryEvent))
    db.session.rollback()


def test_database_refuses_history_rewrites_on_postgresql(ctx, backend):
    if backend != "postgresql":
        pytest.skip("the append-only trigger exists on PostgreSQL only (SQLite relies on the ORM guard)")
    with pytest.raises(sa.exc.DBAPIError):
        db.session.connection().exec_driver_sql("UPDATE history_events SET comment = 'x'")
    db.session.rollback()


def test_domain_rules_refuse_with_rule_named(ctx):
    with pytest.raises(ValidationFailed) as err:
        commands.submit_adjustment(who("hr_edu"), request(nominee_id="c-luoyi"))
    rules = {(v["rule"], v["field"]) for v in err.value.extra["violations"]}
    assert ("nominee_temporary_staff", "nominee_id") in rules
    assert "派出单位不得选派临聘人员驻村" in err.value.errors["nominee_id"]  # no rule code for people
    with pytest.raises(ValidationFailed) as err:
        commands.submit_adjustment(who("hr_edu"), request())  # the first request is still open
    assert "duplicate_open_request" in [v["rule"] for v in err.value.extra["violations"]]
    with pytest.raises(Forbidden):
        commands.submit_adjustment(who("hr_hospital"), request())
    assert db.session.execute(sa.select(sa.func.count()).select_from(ProcessInstance)).scalar() == 1
