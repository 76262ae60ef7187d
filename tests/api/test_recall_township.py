"""The recall (召回) of a team member the township supplies itself (驻村工作队员由乡镇补齐), over
HTTP: the township rectifies and nominates the successor, steps that once waited for a unit's HR
nobody holds. Through rectification to its close; and through recall, nomination and filing into
the handover, whose Party relation transfer the township confirms too. Both histories verify.

One module app: the cadres each test makes are its own.
"""

from __future__ import annotations

from datetime import datetime
from io import BytesIO
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from process_helpers import HANDOVER_LIST, Api, cadre_account, new_cadre, post_team_member, problem_rules

from service.cli import cli
from service.core.clock import ManualClock, install_clock
from service.persistence.db import db
from service.persistence.models import Posting, ProcessInstance

BPMN = Path(__file__).resolve().parents[2] / "bpmn"
UNIT_HRS = ("hr_edu", "hr_hospital", "hr_power")
FINDING = {"source": "supervision", "finding": "连续两月驻村天数不足，群众反映强烈", "evidence": ["督查通报"]}


@pytest.fixture
def api(client, auth, clock):
    return Api(client, auth)


def to_county_decision(api: Api, cadre_id: str, cadre_login: str) -> str:
    """A recall of the township's own team member opened by the RRB, up to the county's decision."""
    body = api.post("rrb", "/recalls", {"cadre_id": cadre_id, **FINDING}, status=201)
    iid = body["instance_id"]
    data = api.instance("auditor", iid)["data"]
    assert (data["supplier_role"], data["supplier_id"], data["unit_id"]) == ("township", "tw-qingshan", None)
    api.act("rrb", iid, comment="经核实属实", spec_id="verify_finding_rrb")
    api.act(cadre_login, iid, data={"statement": "家中有事，已补假"}, spec_id="cadre_statement")
    return iid


def assert_only_the_township_holds(api: Api, iid: str, spec_id: str) -> dict:
    task = api.task_of("tw_qingshan", iid, spec_id)
    assert (task["role"], task["scope_kind"], task["scope_id"]) == ("township", "township", "tw-qingshan")
    for login in (*UNIT_HRS, "tw_baishui"):
        assert not [t for t in api.inbox(login) if t["instance_id"] == iid], login
    return task


def assert_histories_verify(api: Api, db_url: str, *instance_ids: str) -> None:
    for instance_id in instance_ids:
        verdict = api.get("auditor", f"/audit/instances/{instance_id}/verify")
        assert (verdict["chain"], verdict["replay"]) == ("ok", "ok"), verdict
    result = CliRunner().invoke(cli, ["audit", "verify", *instance_ids],
                                env={"CADREFLOW_DATABASE_URL": db_url})
    assert result.exit_code == 0, result.output
    assert result.output.count(" ok（") == len(instance_ids), result.output


def active_team(app, village_id: str) -> list[str]:
    with app.app_context():
        return list(db.session.execute(sa.select(Posting.cadre_id).where(
            Posting.village_id == village_id, Posting.role == "team_member", Posting.active.is_(True))
            .order_by(Posting.cadre_id)).scalars())


def test_the_township_rectifies_for_its_own_team_member(app, api, db_url):
    # 徐明 (青山镇) serves in 下河村's team; the county orders him to rectify.
    post_team_member(api, "tw_qingshan", "c-xuming", "v-xiahe", "2026-03-01")
    iid = to_county_decision(api, "c-xuming", "cadre_xuming")
    api.act("county", iid, "rectify", comment="限期 20 个工作日整改", spec_id="county_decision")
    task = assert_only_the_township_holds(api, iid, "rectification_township")
    assert task["name"] == "乡镇限期整改"
    detail = api.get("tw_qingshan", f"/tasks/{task['id']}")
    assert detail["can_act"] and [f["id"] for f in detail["form_fields"]] == ["rectification_report"]
    assert [s["id"] for s in detail["sections"] if s["focus"]] == ["opinions", "case"]
    api.act("tw_qingshan", iid, data={"rectification_report": "已落实驻村考勤，本人已返岗"},
            spec_id="rectification_township")
    recheck = api.get("rrb", f"/tasks/{api.task_of('rrb', iid)['id']}")
    (rectified,) = [s for s in recheck["sections"] if s["id"] == "rectification"]
    assert {"label": "整改报告", "value": "已落实驻村考勤，本人已返岗"} in rectified["rows"]
    api.act("rrb", iid, comment="整改到位", spec_id="recheck_rectification_rrb")
    case = api.instance("admin", iid)
    assert case["status"] == "completed" and case["open_tasks"] == []
    assert active_team(app, "v-xiahe") == ["c-xuming"]  # rectified: he stays
    assert_histories_verify(api, db_url, iid)


def test_the_township_nominates_the_successor_and_confirms_the_party_transfer(app, api, tokens, db_url):
    # 高原 (青山镇) serves in 上庄村's team and is recalled; 青山镇 names 林晓 after him.
    new_cadre(api, "tw_qingshan", "c-gaoyuan", "高原", "tw-qingshan")
    post_team_member(api, "tw_qingshan", "c-gaoyuan", "v-shangzhuang", "2026-03-01")
    old = cadre_account(api, tokens, "c-gaoyuan", "高原")
    new_cadre(api, "tw_qingshan", "c-linxiao", "林晓", "tw-qingshan")
    newcomer = cadre_account(api, tokens, "c-linxiao", "林晓")
    iid = to_county_decision(api, "c-gaoyuan", old)
    api.act("county", iid, "recall", comment="严重失职，予以召回", spec_id="county_decision")
    api.act("county", iid, data={"accountability_measures": "诫勉谈话"}, spec_id="record_accountability")
    task = assert_only_the_township_holds(api, iid, "nominate_replacement_township")
    assert task["name"] == "乡镇提名接任人选"
    detail = api.get("tw_qingshan", f"/tasks/{task['id']}")
    assert [f["id"] for f in detail["form_fields"]] == ["nominee_id", "effective_date"]
    assert detail["sections"][0]["id"] == "accountability"
    # The township names its own cadre, not a unit's (不得层层下派).
    refused = api.act("tw_qingshan", iid, data={"nominee_id": "c-sunhao", "effective_date": "2026-12-01"},
                      spec_id="nominate_replacement_township", status=422)
    assert problem_rules(refused) == {"data.nominee_id": ["nominee_other_unit"]}
    api.act("tw_qingshan", iid, data={"nominee_id": "c-linxiao", "effective_date": "2026-12-01"},
            spec_id="nominate_replacement_township")
    api.act("rrb", iid, comment="予以备案", spec_id="replacement_filing_rrb")
    assert api.instance("admin", iid)["status"] == "completed"

    with app.app_context():
        handover = db.session.execute(sa.select(ProcessInstance).where(
            ProcessInstance.business_key == f"handover:{iid}")).scalar_one()
        hid, unit_id = handover.id, handover.unit_id
    assert unit_id is None
    data = api.instance("tw_qingshan", hid)["data"]
    assert (data["party_transfer_role"], data["party_transfer_org_id"]) == ("township", "tw-qingshan")
    steps = [("tw_qingshan", "confirm_arrival", {"arrival_date": "2026-12-01"}),
             (old, "prepare_handover_list", HANDOVER_LIST), (newcomer, "review_handover_list", {}),
             (old, "sign_old", {}), (newcomer, "sign_new", {}), ("tw_qingshan", "witness_handover", {})]
    for login, spec_id, form in steps:
        assert "c-gaoyuan" in active_team(app, "v-shangzhuang"), spec_id
        api.act(login, hid, data=form, spec_id=spec_id)
    assert_only_the_township_holds(api, hid, "transfer_party_relation_township")
    api.act("tw_qingshan", hid, data={"party_transfer_date": "2026-12-01"},
            spec_id="transfer_party_relation_township")
    assert api.instance("admin", hid)["status"] == "completed"
    team = active_team(app, "v-shangzhuang")
    assert "c-linxiao" in team and "c-gaoyuan" not in team
    assert_histories_verify(api, db_url, iid, hid)


def test_a_units_cadre_is_still_rectified_by_the_units_hr(api):
    """The unit's side is as before: 王强 (供电公司) is rectified by its HR, scoped by the unit."""
    body = api.post("orgdept", "/recalls", {"cadre_id": "c-wangqiang", **FINDING}, status=201)
    iid = body["instance_id"]
    data = api.instance("auditor", iid)["data"]
    assert (data["supplier_role"], data["supplier_id"], data["unit_id"]) == (
        "unit_hr", "unit-power", "unit-power")
    api.act("orgdept", iid, comment="属实", spec_id="verify_finding_org_dept")
    api.act("cadre_wangqiang", iid, data={"statement": "愿意整改"}, spec_id="cadre_statement")
    api.act("county", iid, "rectify", comment="限期整改", spec_id="county_decision")
    task = api.task_of("hr_power", iid, "rectification")
    assert (task["name"], task["scope_kind"], task["scope_id"]) == ("派出单位限期整改", "unit", "unit-power")
    assert not [t for t in api.inbox("tw_baishui") if t["instance_id"] == iid]


@pytest.mark.parametrize(("process", "older", "slug"), [
    # its township steps scoped back to the village's township: none scoped by supplier_id
    ("recall", (b"township:supplier_id", b"township:township_id"), "recall-version-outdated"),
    ("handover", (b"township:party_transfer_org_id", b"township:township_id"), "handover-version-outdated"),
])
def test_a_township_recall_is_refused_while_a_deployed_version_cannot_reach_the_township(
        make_app, auth, process, older, slug):
    """A recall or handover version from before the township's steps would wait for a unit's HR
    nobody holds: opening the recall is refused, naming the cure, and nothing starts. A unit's
    cadre is recalled as before."""
    app = make_app()
    install_clock(app, ManualClock(datetime.fromisoformat("2026-12-01T09:00:00+08:00")))
    api = Api(app.test_client(), auth)
    content = (BPMN / f"{process}.bpmn").read_bytes().replace(*older)
    response = app.test_client().post("/api/v1/definitions", headers=auth("admin"),
                                      data={"files": (BytesIO(content), f"{process}.bpmn")},
                                      content_type="multipart/form-data")
    assert response.status_code == 201, response.get_json()
    post_team_member(api, "tw_qingshan", "c-xuming", "v-xiahe", "2026-03-01")
    body = api.post("rrb", "/recalls", {"cadre_id": "c-xuming", **FINDING}, status=409)
    assert body["type"].endswith(slug) and "cadreflow deploy bpmn" in body["errors"]["cadre_id"][0]
    assert api.get("admin", "/instances?process=recall")["total"] == 0
    api.post("orgdept", "/recalls", {"cadre_id": "c-wangqiang", **FINDING}, status=201)
