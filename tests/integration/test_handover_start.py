"""The org department's approval starts the handover with the names of both cadres and the
village, read with the source instance: no query of its own for them."""

from __future__ import annotations

import sqlalchemy as sa
from command_helpers import open_tasks, request, who

from service import commands
from service.persistence.db import db
from service.persistence.loading import load
from service.persistence.models import Cadre, Village


def test_the_handover_gets_the_names_read_with_the_source_instance(app, clock):
    with app.app_context():
        row = commands.submit_adjustment(who("hr_edu"), request())
        for login in ("tw_qingshan", "county"):
            clock.advance(hours=1)
            (task,) = open_tasks(row.id)
            commands.complete_task(who(login), task.id, "approve", "同意")
        (task,) = open_tasks(row.id)
        task_id, approver = task.id, who("orgdept")
        clock.advance(hours=1)
        statements: list[str] = []

        def note(_conn, _cursor, statement, *_args):  # type: ignore[no-untyped-def]
            statements.append(statement)

        sa.event.listen(db.engine, "before_cursor_execute", note)
        try:
            result = commands.complete_task(approver, task_id, "approve", "同意")
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", note)
        (started,) = result.started
        data = load(started.id, read_only=True).instance.data
        names = {c.id: c.name for c in db.session.execute(sa.select(Cadre)).scalars()}
        village = db.session.get(Village, "v-shangzhuang").name
        assert (data["old_cadre_name"], data["new_cadre_name"], data["village_name"]) == (
            names["c-zhangwei"], names["c-sunhao"], village)
        # (service/names.py's query: the approval's own read carries them as subqueries)
        assert not [s for s in statements if " AS kind" in s], statements
        db.session.rollback()
