"""The store (service/persistence/store.py): a command that worked on a stale instance loses with
a 409 and leaves nothing of itself behind; the winner's rows stay as it wrote them."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from command_helpers import open_tasks, request, who

from service import commands
from service.commands.actor import SYSTEM
from service.commands.core import EventInfo, save
from service.commands.uow import unit_of_work
from service.core.clock import now
from service.core.errors import Conflict
from service.persistence.db import db
from service.persistence.loading import load
from service.persistence.models import HistoryEvent, HumanTask, PendingTimer, ProcessInstance


def _rows(instance_id: str) -> tuple:
    revision = db.session.get(ProcessInstance, instance_id).revision
    seqs = db.session.execute(sa.select(HistoryEvent.seq).where(HistoryEvent.instance_id == instance_id)
                              .order_by(HistoryEvent.seq)).scalars().all()
    tasks = db.session.execute(sa.select(HumanTask.id, HumanTask.status).where(
        HumanTask.instance_id == instance_id).order_by(HumanTask.id)).all()
    timers = db.session.execute(sa.select(PendingTimer.id).where(
        PendingTimer.instance_id == instance_id).order_by(PendingTimer.id)).scalars().all()
    return revision, seqs, [tuple(t) for t in tasks], timers


def test_a_command_on_a_stale_instance_is_refused_and_writes_nothing(make_app):
    app = make_app()
    with app.app_context():
        instance_id = commands.submit_adjustment(who("hr_edu"), request()).id
        (task,) = open_tasks(instance_id)
        task_id = task.id
    with app.app_context():
        with pytest.raises(Conflict) as refused, unit_of_work():
            stale = load(instance_id)  # read before the approval below commits
            with app.app_context():  # another request, another session
                commands.complete_task(who("tw_qingshan"), task_id, "approve", "同意")
                winner = _rows(instance_id)
            save(stale, now(), EventInfo("timer", {}, SYSTEM, None))
        assert refused.value.status == 409
    with app.app_context():
        assert _rows(instance_id) == winner
        assert winner[0] == 3 and winner[1] == [1, 2]  # submitted, then approved: nothing of the loser


def test_every_command_bumps_the_revision_once(make_app):
    app = make_app()
    with app.app_context():
        instance_id = commands.submit_adjustment(who("hr_edu"), request()).id
        assert db.session.get(ProcessInstance, instance_id).revision == 2  # inserted, then state saved
        (task,) = open_tasks(instance_id)
        commands.complete_task(who("tw_qingshan"), task.id, "approve", "同意")
        db.session.expire_all()
        assert db.session.get(ProcessInstance, instance_id).revision == 3
