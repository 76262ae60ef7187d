"""One open case per cadre and process, kept by the database (hostile-input issue, finding 2).

The commands check for an open request before they start one, but two requests that check at the
same moment both pass (20 parallel POST /adjustments made 3-4 running requests). The partial
unique index `uq_process_instances_one_open_case` (migration 0007) holds whatever the timing: the
loser's transaction fails, and the unit of work answers 409 naming `cadre_id`.

Sequential tests (both backends) take the command's own check out of the way, as a race does;
the threaded test runs on PostgreSQL only (SQLite serialises every writer).
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade
from process_helpers import FS_REQUEST, Api, problem_fields
from races import race

from service.app import MIGRATIONS_DIR
from service.commands import adjustments, recalls
from service.persistence.db import db
from service.persistence.models import ProcessInstance
from service.persistence.models.instances import ONE_OPEN_CASE_INDEX, ONE_OPEN_CASE_PROCESSES

RECALL = {"cadre_id": "c-wangqiang", "source": "supervision", "finding": "长期不在岗", "evidence": []}


@pytest.fixture
def api(client, auth, clock):
    return Api(client, auth)


def _running(app, process: str, cadre_id: str) -> int:
    with app.app_context():
        return db.session.execute(sa.select(sa.func.count()).select_from(ProcessInstance).where(
            ProcessInstance.process_key == process, ProcessInstance.cadre_id == cadre_id,
            ProcessInstance.status == "running")).scalar_one()


def test_the_index_covers_the_processes_whose_commands_allow_one_open_case():
    assert set(ONE_OPEN_CASE_PROCESSES) == {adjustments.PROCESS_KEY, recalls.PROCESS_KEY}


def test_a_second_replacement_past_the_check_is_409_naming_the_cadre(api, app, monkeypatch):
    first = api.post("hr_edu", "/adjustments", FS_REQUEST, status=201)
    # As in a race: the command's check sees no open request.
    monkeypatch.setattr(adjustments, "open_request_exists", lambda *args: False)
    body = api.post("hr_edu", "/adjustments", FS_REQUEST, status=409)
    assert body["type"].endswith("duplicate-open-case"), body
    assert list(problem_fields(body)) == ["cadre_id"]
    assert "正在办理" in body["errors"]["cadre_id"][0]
    assert _running(app, "mid_term_replacement", "c-zhangwei") == 1
    # Only open cases count: once the first is withdrawn, a new request may start.
    api.post("hr_edu", f"/instances/{first['instance_id']}/withdraw", {"reason": "重复提交"}, status=200)
    api.post("hr_edu", "/adjustments", FS_REQUEST, status=201)
    assert _running(app, "mid_term_replacement", "c-zhangwei") == 1


def test_a_second_recall_past_the_check_is_409_and_a_replacement_may_run_beside_it(api, app, monkeypatch):
    api.post("orgdept", "/recalls", RECALL, status=201)
    monkeypatch.setattr(recalls, "open_request_exists", lambda *args: False)
    body = api.post("rrb", "/recalls", RECALL, status=409)
    assert list(problem_fields(body)) == ["cadre_id"]
    assert _running(app, "recall", "c-wangqiang") == 1
    # One open case per process: the recall does not block the unit's replacement request.
    api.post("hr_power", "/adjustments", {**FS_REQUEST, "cadre_id": "c-wangqiang", "village_id": "v-xinglong",
                                          "nominee_id": "c-wuting"}, status=201)


def test_twenty_parallel_identical_requests_start_one(pg_app, tokens):
    statuses = race(pg_app, tokens["hr_edu"], "/api/v1/adjustments", FS_REQUEST)
    assert statuses.count(201) == 1 and set(statuses) <= {201, 409, 422}, statuses
    assert _running(pg_app, "mid_term_replacement", "c-zhangwei") == 1
    statuses = race(pg_app, tokens["orgdept"], "/api/v1/recalls", RECALL)
    assert statuses.count(201) == 1 and set(statuses) <= {201, 409, 422}, statuses
    assert _running(pg_app, "recall", "c-wangqiang") == 1


def _index_names(app) -> set[str]:
    with app.app_context():
        return {ix["name"] for ix in sa.inspect(db.engine).get_indexes("process_instances")}


def _copy_instance(app, instance_id: str) -> str:
    """A second running case of the same cadre, written as the race left it before 0007 (raw rows:
    the models of later migrations do not match a database at 0006)."""
    copy_id = f"{instance_id[:-4]}dupe"
    with app.app_context(), db.engine.begin() as conn:
        table = sa.Table("process_instances", sa.MetaData(), autoload_with=conn)
        row = dict(conn.execute(sa.select(table).where(table.c.id == instance_id)).mappings().one())
        conn.execute(table.insert().values({**row, "id": copy_id}))
    return copy_id


def test_migration_0007_refuses_a_database_with_duplicates_until_they_are_closed(make_app, tokens, caplog):
    app = make_app()
    api = Api(app.test_client(), lambda login: {"Authorization": f"Bearer {tokens[login]}"})
    first = api.post("hr_edu", "/adjustments", FS_REQUEST, status=201)["instance_id"]
    with app.app_context():
        downgrade(directory=MIGRATIONS_DIR, revision="0006_calendar_pins")
    assert ONE_OPEN_CASE_INDEX not in _index_names(app)
    second = _copy_instance(app, first)
    with app.app_context(), pytest.raises(SystemExit):  # Flask-Migrate logs the error and exits 1
        upgrade(directory=MIGRATIONS_DIR)
    message = "\n".join(r.getMessage() for r in caplog.records if r.name == "flask_migrate")
    assert "迁移 0007 未执行" in message
    assert first in message and second in message and "c-zhangwei" in message
    assert ONE_OPEN_CASE_INDEX not in _index_names(app)  # nothing changed
    with app.app_context(), db.engine.begin() as conn:  # people closed the extra case
        conn.execute(sa.text("UPDATE process_instances SET status = 'withdrawn' WHERE id = :id"),
                     {"id": second})
    with app.app_context():
        upgrade(directory=MIGRATIONS_DIR)
    assert ONE_OPEN_CASE_INDEX in _index_names(app)
