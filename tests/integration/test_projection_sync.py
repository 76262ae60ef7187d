"""The projection rows (human_tasks, pending_timers) follow the engine without being read back.

save() compares the engine's view before the command with the view after it; these tests check
the rows against a fresh restore after every step of a handover, including the two signatures
that run in parallel (a task that stays open keeps its row, its claim and its timers' locks).
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from process_helpers import FS_REQUEST, HANDOVER_LIST, Api

from service.persistence.db import db
from service.persistence.loading import load
from service.persistence.models import HumanTask, PendingTimer
from service.persistence.projections import EngineView


@pytest.fixture
def api(client, auth, clock):
    return Api(client, auth)


def rows_match_engine(app, instance_id: str) -> dict[str, tuple[str, str | None]]:
    """Assert the open task rows and timer rows equal a fresh restore's view;
    returns {spec_id: (task id, claimed_by)} of the open rows."""
    with app.app_context():
        view = EngineView.of(load(instance_id, read_only=True).instance)
        tasks = db.session.execute(sa.select(HumanTask).where(
            HumanTask.instance_id == instance_id, HumanTask.status == "open")).scalars().all()
        timers = db.session.execute(sa.select(PendingTimer).where(
            PendingTimer.instance_id == instance_id)).scalars().all()
        assert {t.id: t.due_at for t in tasks} == {t.id: t.due_at for t in view.tasks.values()}
        assert {t.id: t.fire_at for t in timers} == {t.id: t.fire_at for t in view.timers.values()}
        return {t.spec_id: (t.id, t.claimed_by) for t in tasks}


def test_rows_follow_the_engine_through_a_handover_with_parallel_signatures(api, app, clock):
    # effective on the clock's first day (2026-12-01), so the arrival can be confirmed at once
    iid = api.post("hr_edu", "/adjustments", {**FS_REQUEST, "effective_date": "2026-12-01"},
                   status=201)["instance_id"]
    rows_match_engine(app, iid)
    for login in ("tw_qingshan", "county"):
        api.act(login, iid, comment="同意")
        rows_match_engine(app, iid)
    [hid] = api.act("orgdept", iid, comment="备案")["started_instances"]
    assert rows_match_engine(app, iid) == {}
    for login, spec_id, data in (("tw_qingshan", "confirm_arrival", {"arrival_date": "2026-12-01"}),
                                 ("cadre_zhangwei", "prepare_handover_list", HANDOVER_LIST),
                                 ("cadre_sunhao", "review_handover_list", {})):
        clock.advance(hours=1)
        api.act(login, hid, data=data, spec_id=spec_id)
        rows_match_engine(app, hid)
    assert set(rows_match_engine(app, hid)) == {"sign_old", "sign_new"}

    sign_new = api.task_of("cadre_sunhao", hid, "sign_new")
    api.post("cadre_sunhao", f"/tasks/{sign_new['id']}/claim")
    with app.app_context():  # a scheduler holds the lease of one of sign_new's timers
        kept_timer = db.session.execute(sa.select(PendingTimer).where(
            PendingTimer.instance_id == hid, PendingTimer.task_id == sign_new["id"])).scalars().first()
        assert kept_timer is not None
        kept_timer.lock_owner = "scheduler-test"
        kept_timer_id = kept_timer.id
        db.session.commit()

    clock.advance(hours=1)
    done = api.act("cadre_zhangwei", hid, spec_id="sign_old")
    # The parallel task stayed open: it is in the response with its claim, its row was not touched.
    assert [(t["spec_id"], t["claimed_by"]) for t in done["open_tasks"]] == [("sign_new", "cadre_sunhao")]
    open_rows = rows_match_engine(app, hid)
    assert set(open_rows) == {"sign_new"} and open_rows["sign_new"][1] == "cadre_sunhao"
    with app.app_context():
        assert db.session.get(PendingTimer, kept_timer_id).lock_owner == "scheduler-test"
        statuses = db.session.execute(sa.select(HumanTask.spec_id, HumanTask.status).where(
            HumanTask.instance_id == hid)).all()
        assert sorted(statuses).count(("sign_old", "done")) == 1
        assert len(statuses) == len({s for s, _ in statuses})  # no task row written twice

    party = {"party_transfer_date": "2026-12-01"}
    for login, spec_id, data in (("cadre_sunhao", "sign_new", {}), ("tw_qingshan", "witness_handover", {}),
                                 ("hr_edu", "transfer_party_relation", party)):
        clock.advance(hours=1)
        api.act(login, hid, data=data, spec_id=spec_id)
        rows_match_engine(app, hid)
    assert rows_match_engine(app, hid) == {}
    with app.app_context():
        assert db.session.get(PendingTimer, kept_timer_id) is None  # the instance ended: no timers left


def test_withdrawal_cancels_the_open_task_and_drops_its_timers(api, app):
    request = FS_REQUEST | {"cadre_id": "c-liuyang", "role": "team_member", "nominee_id": "c-zhengkai"}
    iid = api.post("hr_edu", "/adjustments", request, status=201)["instance_id"]
    [(task_id, _)] = rows_match_engine(app, iid).values()
    api.post("hr_edu", f"/instances/{iid}/withdraw", {"reason": "人选另有安排"})
    assert rows_match_engine(app, iid) == {}
    with app.app_context():
        assert db.session.get(HumanTask, task_id).status == "cancelled"
        assert not db.session.execute(sa.select(PendingTimer).where(
            PendingTimer.instance_id == iid)).scalars().all()
