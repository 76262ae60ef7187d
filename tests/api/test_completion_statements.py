"""What one approval sends to the database: the notices of the step it closes and the task it
opens are built from one holders query and written by one INSERT, and the words of the step come
from the definition the command already restored (no definition lookups)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from process_helpers import FS_REQUEST, Api

from service.persistence.db import db
from service.persistence.models import Notification


@pytest.fixture
def api(client, auth, clock):
    return Api(client, auth)


def test_an_approval_reads_holders_once_and_writes_its_notices_in_one_insert(app, api):
    body = api.post("hr_edu", "/adjustments", FS_REQUEST, status=201)
    [task] = body["open_tasks"]
    statements: list[str] = []

    def note(_conn, _cursor, statement, *_args):  # type: ignore[no-untyped-def]
        statements.append(" ".join(statement.split()))

    with app.app_context():
        sa.event.listen(db.engine, "before_cursor_execute", note)
    try:
        done = api.post("tw_qingshan", f"/tasks/{task['id']}/complete",
                        {"decision": "approve", "comment": "同意"})
    finally:
        with app.app_context():
            sa.event.remove(db.engine, "before_cursor_execute", note)
    [opened] = done["open_tasks"]
    assert done["task"]["decision_name"] and opened["decision_names"]["approve"]
    selects = [s for s in statements if s.startswith("SELECT")]
    assert not [s for s in selects if "FROM process_definitions" in s], selects
    holder_reads = [s for s in selects if "FROM users" in s and "user_roles.scope_id" in s
                    and "token" not in s]
    assert len(holder_reads) == 1, selects
    notices = [s for s in statements if s.startswith("INSERT INTO notifications")]
    assert len(notices) == 1, statements
    # the token, the task with its instance and whether an added signer (加签) holds it up, the
    # holders: nothing else is read
    assert len(selects) == 3, selects
    [task_read] = [s for s in selects if "FROM human_tasks" in s]
    assert "added_signers" in task_read, task_read
    with app.app_context():
        told = set(db.session.execute(sa.select(Notification.login, Notification.kind).where(
            Notification.instance_id == body["instance_id"])).all())
    assert {("county", "task"), ("hr_edu", "progress")} <= told, told
