"""Model behaviour both databases must share: revisions, JSON, aware datetimes, the inbox index."""

from datetime import UTC, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from service.core.principal import Grant, Principal
from service.persistence.db import db
from service.persistence.models import HumanTask, ProcessDefinition, ProcessInstance
from service.queries.tasks import open_tasks_query


@pytest.fixture
def instance_app(make_app):
    app = make_app()
    with app.app_context():
        definition = ProcessDefinition(key="demo", version=1, name="演示", content_hash="sha256:x",
                                       files={"demo.bpmn": "<xml/>"}, deployed_by="admin")
        db.session.add(definition)
        db.session.flush()
        db.session.add(ProcessInstance(id="i-1", definition_id=definition.id, process_key="demo",
                                       state={"data": {"村": "上庄村", "n": [1, 2]}}, status="running"))
        db.session.commit()
    return app


def test_stale_write_raises_instead_of_losing_an_update(instance_app):
    with instance_app.app_context():
        engine = db.engine
        with Session(engine) as first, Session(engine) as second:
            a = first.get(ProcessInstance, "i-1")
            b = second.get(ProcessInstance, "i-1")
            assert a.revision == b.revision == 1
            a.status = "completed"
            first.commit()
            b.status = "withdrawn"
            with pytest.raises(StaleDataError):
                second.commit()
        row = db.session.get(ProcessInstance, "i-1")
        assert (row.status, row.revision) == ("completed", 2)


def test_json_and_aware_datetimes_round_trip(instance_app):
    shanghai = timezone(timedelta(hours=8))
    due = datetime(2026, 12, 1, 9, 30, tzinfo=shanghai)
    with instance_app.app_context():
        db.session.add(HumanTask(id="t-1", instance_id="i-1", spec_id="township_consent", name="乡镇同意",
                                 role="township", scope_kind="township", scope_id="tw-qingshan",
                                 decisions=["approve", "reject", "return"], due_at=due))
        db.session.commit()
        db.session.expire_all()
        task = db.session.get(HumanTask, "t-1")
        assert task.due_at == due and task.due_at.tzinfo is not None
        assert task.due_at.utcoffset() == timedelta(0)
        assert task.decisions == ["approve", "reject", "return"]
        assert db.session.get(ProcessInstance, "i-1").state == {"data": {"村": "上庄村", "n": [1, 2]}}
        with pytest.raises(sa.exc.StatementError):
            db.session.add(HumanTask(id="t-2", instance_id="i-1", spec_id="x", name="x", role="county",
                                     scope_kind="county", scope_id="county", due_at=datetime(2026, 1, 1)))
            db.session.flush()
        db.session.rollback()


def test_inbox_query_uses_the_inbox_index(instance_app, backend):
    query = (
        "SELECT id FROM human_tasks WHERE status = 'open' AND role = 'township' "
        "AND scope_id IN ('tw-qingshan', 'tw-baishui') ORDER BY due_at"
    )
    with instance_app.app_context():
        if backend == "sqlite":
            rows = db.session.execute(sa.text(f"EXPLAIN QUERY PLAN {query}"))
            plan = " ".join(str(row[-1]) for row in rows)
        else:
            # A near-empty table is cheaper to scan; forbid that to see which index the planner has.
            db.session.execute(sa.text("SET LOCAL enable_seqscan = off"))
            plan = " ".join(row[0] for row in db.session.execute(sa.text(f"EXPLAIN {query}")))
        db.session.rollback()
    assert "ix_human_tasks_inbox" in plan, plan



def test_the_inbox_statement_reads_each_branch_from_an_index(instance_app, backend):
    """The real inbox statement of a township that also holds a task naming it (会签): every
    branch of its OR is a range of an index, never a read of every open task. SQLite's plan does
    not depend on the table's contents (PostgreSQL's does: bench/service_step.py prints it at
    100,000 open tasks)."""
    if backend != "sqlite":
        pytest.skip("PostgreSQL plans a near-empty table by its statistics, not by the indexes alone")
    principal = Principal("tw_qingshan", "青山镇", (Grant("township", "township", "tw-qingshan"),
                                                    Grant("unit_hr", "unit", "unit-edu")))
    with instance_app.app_context():
        statement = open_tasks_query(principal).limit(20)
        compiled = statement.compile(db.engine, compile_kwargs={"literal_binds": True})
        plan = " ".join(str(row[-1]) for row in db.session.execute(sa.text(f"EXPLAIN QUERY PLAN {compiled}")))
        db.session.rollback()
    assert "SCAN human_tasks" not in plan, plan
    assert "ix_human_tasks_inbox" in plan and "ix_human_tasks_personal" in plan, plan

def test_now_is_stored_in_utc(instance_app):
    with instance_app.app_context():
        created = db.session.get(ProcessInstance, "i-1").created_at
        assert created.tzinfo is not None
        assert abs(datetime.now(UTC) - created) < timedelta(minutes=5)
