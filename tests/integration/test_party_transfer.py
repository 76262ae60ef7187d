"""Who confirms a handover's Party relation transfer: the organisation that supplies the new cadre
(commands/party_transfer.py), for every kind of handover."""

from __future__ import annotations

import pytest
from command_helpers import open_tasks, request, who

from service import commands
from service.commands.party_transfer import party_transfer
from service.persistence.loading import load


@pytest.mark.parametrize(("payload", "expected"), [
    # a rotation names the new posting's supplier
    ({"posting_supplier_id": "tw-qingshan", "new_cadre_id": "c-xuming", "unit_id": None},
     ("township", "tw-qingshan")),
    ({"posting_supplier_id": "unit-hospital", "new_cadre_id": "c-zhoujie", "unit_id": "unit-hospital"},
     ("unit_hr", "unit-hospital")),
    # a replacement or a recall: the new cadre's organisation, whatever the case's unit
    ({"new_cadre_id": "c-sunhao", "unit_id": "unit-edu"}, ("unit_hr", "unit-edu")),
    ({"new_cadre_id": "c-xuming", "unit_id": "unit-edu"}, ("township", "tw-qingshan")),
    # nobody known: the case's dispatch unit, as before there was a choice
    ({"new_cadre_id": "c-nobody", "unit_id": "unit-edu"}, ("unit_hr", "unit-edu")),
    ({"posting_supplier_id": "county", "new_cadre_id": "c-sunhao", "unit_id": "unit-edu"},
     ("unit_hr", "unit-edu")),
])
def test_the_new_cadres_supplier_confirms(app, payload, expected):
    with app.app_context():
        found = party_transfer(payload)
    assert (found["party_transfer_role"], found["party_transfer_org_id"]) == expected


def test_a_replacement_by_the_townships_own_cadre_sends_the_step_to_the_township(app, clock):
    """A unit's team member replaced by a team member the township supplies (驻村工作队员由乡镇补齐):
    徐明's Party relation is 青山镇's to transfer, not 教育局's."""
    with app.app_context():
        row = commands.submit_adjustment(who("hr_edu"), request(
            cadre_id="c-liuyang", role="team_member", nominee_id="c-xuming"))
        for login in ("tw_qingshan", "county", "rrb"):
            clock.advance(hours=1)
            (task,) = open_tasks(row.id)
            result = commands.complete_task(who(login), task.id, "approve", "同意")
        (handover,) = result.started
        data = load(handover.id, read_only=True).instance.data
        assert (data["party_transfer_role"], data["party_transfer_org_id"]) == ("township", "tw-qingshan")
        assert (handover.unit_id, handover.township_id) == ("unit-edu", "tw-qingshan")
