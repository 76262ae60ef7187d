"""20 real threads complete one task at once: exactly one 200, the rest 409, one history event.

PostgreSQL only: SQLite serialises writers on one file lock, which proves nothing about races.
"""

from __future__ import annotations

import sqlalchemy as sa
from process_helpers import FS_REQUEST
from races import THREADS, race

from service.persistence.db import db
from service.persistence.models import HistoryEvent, HumanTask


def test_twenty_simultaneous_completions(pg_app, tokens):
    client = pg_app.test_client()
    hr = {"Authorization": f"Bearer {tokens['hr_edu']}"}
    started = client.post("/api/v1/adjustments", json=FS_REQUEST, headers=hr)
    assert started.status_code == 201
    instance_id = started.get_json()["instance_id"]
    task_id = started.get_json()["open_tasks"][0]["id"]
    statuses = race(pg_app, tokens["tw_qingshan"], f"/api/v1/tasks/{task_id}/complete",
                    {"decision": "approve", "comment": "同意"})
    assert statuses == [200] + [409] * (THREADS - 1), statuses
    with pg_app.app_context():
        events = db.session.execute(sa.select(HistoryEvent).where(
            HistoryEvent.instance_id == instance_id, HistoryEvent.task_id == task_id)).scalars().all()
        assert len(events) == 1
        assert db.session.get(HumanTask, task_id).status == "done"
        open_ = db.session.execute(sa.select(HumanTask.spec_id).where(
            HumanTask.instance_id == instance_id, HumanTask.status == "open")).scalars().all()
        assert open_ == ["county_consent"]
