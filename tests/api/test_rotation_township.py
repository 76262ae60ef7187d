"""A term-end rotation (期满轮换) of team members the township supplies (驻村工作队员由乡镇补齐),
over HTTP: nominated by the township, filed, and its handover run to the end, the Party relation
transfer confirmed by the township. And the mixed rotations: the step goes to whoever supplies the
incoming cadre, whose Party relation moves to the village.

One module app: the cadres each test makes are its own.
"""

from __future__ import annotations

from datetime import datetime
from io import BytesIO
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from process_helpers import HANDOVER_LIST, Api, cadre_account, new_cadre, post_team_member

from service.cli import cli
from service.core.clock import ManualClock, install_clock
from service.persistence.db import db
from service.persistence.models import Posting, ProcessInstance

HANDOVER_BPMN = Path(__file__).resolve().parents[2] / "bpmn" / "handover.bpmn"


@pytest.fixture
def api(client, auth, clock):
    return Api(client, auth)


def handover_of(app, dispatch_id: str) -> ProcessInstance:
    with app.app_context():
        row = db.session.execute(sa.select(ProcessInstance).where(
            ProcessInstance.business_key == f"handover:{dispatch_id}")).scalar_one()
        db.session.expunge(row)
        return row


def active_team(app, village_id: str) -> list[tuple[str, str | None, str]]:
    with app.app_context():
        rows = db.session.execute(sa.select(Posting).where(
            Posting.village_id == village_id, Posting.role == "team_member", Posting.active.is_(True))
            .order_by(Posting.cadre_id)).scalars()
        return [(p.cadre_id, p.supplier_id, str(p.planned_end)) for p in rows]


def test_a_township_supplied_rotation_runs_to_the_end_through_the_township(app, api, tokens, db_url):
    # 徐明 (青山镇) has served his term in 下河村; 青山镇 sends 林晓 after him.
    posted = post_team_member(api, "tw_qingshan", "c-xuming", "v-xiahe", "2024-12-01")
    assert posted["planned_end"] == "2026-11-30"  # the roster's default term
    new_cadre(api, "tw_qingshan", "c-linxiao", "林晓", "tw-qingshan")
    newcomer = cadre_account(api, tokens, "c-linxiao", "林晓")
    request = {"village_id": "v-xiahe", "role": "team_member", "cadre_id": "c-linxiao",
               "term_start": "2026-12-01", "predecessor_cadre_id": "c-xuming"}
    body = api.post("tw_qingshan", "/dispatches", request, status=201)
    iid = body["instance_id"]
    assert [t["spec_id"] for t in body["open_tasks"]] == ["county_consent"]  # its own nomination
    data = api.instance("auditor", iid)["data"]
    assert data["unit_id"] is None and data["supplier_id"] == "tw-qingshan"
    assert data["planned_end"] == "2028-11-30"  # the same default as the roster's
    api.act("county", iid)
    api.act("rrb", iid)
    assert api.instance("admin", iid)["status"] == "completed"
    handover = handover_of(app, iid)
    hid = handover.id
    assert handover.unit_id is None and handover.township_id == "tw-qingshan"
    data = api.instance("auditor", hid)["data"]
    assert (data["party_transfer_role"], data["party_transfer_org_id"]) == ("township", "tw-qingshan")
    steps = [("tw_qingshan", "confirm_arrival", {"arrival_date": "2026-12-01"}),
             ("cadre_xuming", "prepare_handover_list", HANDOVER_LIST),
             (newcomer, "review_handover_list", {}),
             ("cadre_xuming", "sign_old", {}), (newcomer, "sign_new", {}),
             ("tw_qingshan", "witness_handover", {})]
    for login, spec_id, form in steps:
        assert [c for c, _, _ in active_team(app, "v-xiahe")] == ["c-xuming"], spec_id
        api.act(login, hid, data=form, spec_id=spec_id)
    # The township holds the Party relation step; no unit's HR does.
    task = api.task_of("tw_qingshan", hid, "transfer_party_relation_township")
    assert (task["name"], task["role"], task["scope_kind"], task["scope_id"]) == (
        "党组织关系转接确认", "township", "township", "tw-qingshan")
    for login in ("hr_edu", "hr_hospital", "hr_power", "tw_baishui"):
        assert not [t for t in api.inbox(login) if t["instance_id"] == hid], login
    detail = api.get("tw_qingshan", f"/tasks/{task['id']}")
    assert detail["can_act"] and [f["id"] for f in detail["form_fields"]] == ["party_transfer_date"]
    assert detail["sections"][0]["id"] == "arrival"
    api.act("tw_qingshan", hid, data={"party_transfer_date": "2026-12-01"},
            spec_id="transfer_party_relation_township")
    assert api.instance("admin", hid)["status"] == "completed"
    assert active_team(app, "v-xiahe") == [("c-linxiao", "tw-qingshan", "2028-11-30")]
    # The history of both cases stays whole: over the API and on the command line.
    for instance_id in (iid, hid):
        verdict = api.get("auditor", f"/audit/instances/{instance_id}/verify")
        assert (verdict["chain"], verdict["replay"]) == ("ok", "ok"), verdict
    result = CliRunner().invoke(cli, ["audit", "verify", iid, hid], env={"CADREFLOW_DATABASE_URL": db_url})
    assert result.exit_code == 0, result.output
    assert result.output.count(" ok（") == 2, result.output


def test_a_township_cadre_following_a_units_cadre_has_the_township_transfer_the_relation(app, api):
    # 刘洋 (教育局) leaves 上庄村's team; 青山镇 supplies 高原. The relation that moves is 高原's.
    new_cadre(api, "tw_qingshan", "c-gaoyuan", "高原", "tw-qingshan")
    request = {"village_id": "v-shangzhuang", "role": "team_member", "cadre_id": "c-gaoyuan",
               "term_start": "2027-03-01", "predecessor_cadre_id": "c-liuyang"}
    iid = api.post("tw_qingshan", "/dispatches", request, status=201)["instance_id"]
    api.get("hr_edu", f"/instances/{iid}")  # the unit whose cadre leaves follows the case
    api.act("county", iid)
    api.act("rrb", iid)
    handover = handover_of(app, iid)
    assert handover.unit_id == "unit-edu"
    data = api.instance("hr_edu", handover.id)["data"]
    assert (data["party_transfer_role"], data["party_transfer_org_id"]) == ("township", "tw-qingshan")


def test_a_units_cadre_following_a_township_cadre_has_the_units_hr_transfer_the_relation(app, api):
    # 水口村's team: 白水乡's 方圆 leaves, 人民医院 sends 周杰.
    new_cadre(api, "tw_baishui", "c-fangyuan", "方圆", "tw-baishui")
    post_team_member(api, "tw_baishui", "c-fangyuan", "v-shuikou", "2024-12-01")
    request = {"village_id": "v-shuikou", "role": "team_member", "cadre_id": "c-zhoujie",
               "term_start": "2027-03-01", "predecessor_cadre_id": "c-fangyuan"}
    iid = api.post("hr_hospital", "/dispatches", request, status=201)["instance_id"]
    for login in ("tw_baishui", "county", "rrb"):
        api.act(login, iid)
    handover = handover_of(app, iid)
    assert handover.unit_id == "unit-hospital"
    data = api.instance("hr_hospital", handover.id)["data"]
    assert (data["party_transfer_role"], data["party_transfer_org_id"]) == ("unit_hr", "unit-hospital")



def test_a_township_rotation_is_refused_while_the_deployed_handover_cannot_reach_the_township(
        make_app, auth):
    """A handover version from before the township's Party relation step (here: its scope put
    back on the village's township, so no step is scoped by party_transfer_org_id) would wait
    for a unit's HR nobody holds: the nomination is refused, naming the cure, and nothing starts."""
    app = make_app()
    install_clock(app, ManualClock(datetime.fromisoformat("2026-12-01T09:00:00+08:00")))
    api = Api(app.test_client(), auth)
    older = HANDOVER_BPMN.read_bytes().replace(b"township:party_transfer_org_id", b"township:township_id")
    response = app.test_client().post("/api/v1/definitions", headers=auth("admin"),
                                      data={"files": (BytesIO(older), "handover.bpmn")},
                                      content_type="multipart/form-data")
    assert response.status_code == 201, response.get_json()
    post_team_member(api, "tw_qingshan", "c-xuming", "v-xiahe", "2024-12-01")
    new_cadre(api, "tw_qingshan", "c-linxiao", "林晓", "tw-qingshan")
    request = {"village_id": "v-xiahe", "role": "team_member", "cadre_id": "c-linxiao",
               "term_start": "2026-12-01", "predecessor_cadre_id": "c-xuming"}
    body = api.post("tw_qingshan", "/dispatches", request, status=409)
    assert "cadreflow deploy bpmn" in body["errors"]["predecessor_cadre_id"][0]
    assert api.get("admin", "/instances?process=dispatch")["total"] == 0
    # A first dispatch of the township's own team member needs no handover: not refused.
    first = {**request, "village_id": "v-shangzhuang", "predecessor_cadre_id": None}
    api.post("tw_qingshan", "/dispatches", first, status=201)
