"""POST /dispatches (选派, 期满轮换) and the dispatch rounds, end to end over HTTP.

One module app: each test uses its own villages and cadres of the demo county.
"""

from __future__ import annotations

from datetime import datetime

import pytest
import sqlalchemy as sa
from process_helpers import HANDOVER_LIST, Api, problem_fields, problem_rules

from service.persistence.db import db
from service.persistence.models import Posting, ProcessInstance, RosterChange
from workflows.working_days import SHANGHAI

FS_XIAHE = {"village_id": "v-xiahe", "role": "first_secretary", "cadre_id": "c-sunhao",
            "term_start": "2027-03-01"}


@pytest.fixture
def api(client, auth, clock):
    return Api(client, auth)


def rules(body: dict) -> dict[str, list[str]]:
    return problem_rules(body)


def postings_of(app, cadre_id: str) -> list[Posting]:
    with app.app_context():
        rows = db.session.execute(sa.select(Posting).where(Posting.cadre_id == cadre_id)
                                  .order_by(Posting.id)).scalars().all()
        db.session.expunge_all()
        return list(rows)


def test_an_approved_first_secretary_dispatch_starts_the_posting(app, api):
    body = api.post("hr_edu", "/dispatches", FS_XIAHE, status=201)
    iid = body["instance_id"]
    assert [t["spec_id"] for t in body["open_tasks"]] == ["township_consent"]
    data = api.instance("auditor", iid)["data"]
    # The roster's default planned end: 2 years, both ends counted.
    assert data["planned_end"] == "2029-02-28" and data["leads_team"] is True
    assert data["rule_warnings"][0]["rule"] == "nominee_no_rural_expertise"
    api.act("tw_qingshan", iid)
    api.act("county", iid)
    assert postings_of(app, "c-sunhao") == []  # nothing before the filing
    api.act("orgdept", iid)
    assert api.instance("admin", iid)["status"] == "completed"
    [posting] = postings_of(app, "c-sunhao")
    assert (posting.village_id, posting.role, posting.active, posting.supplier_id) == (
        "v-xiahe", "first_secretary", True, "unit-edu")
    assert str(posting.term_start) == "2027-03-01" and str(posting.planned_end) == "2029-02-28"
    assert posting.leads_team is True and posting.source_instance_id == iid
    with app.app_context():
        change = db.session.execute(sa.select(RosterChange).where(
            RosterChange.source == f"process:{iid}")).scalar_one()
        assert (change.entity, change.action, change.actor_login) == ("posting", "create", "orgdept")
    # A second first secretary for 下河村 is refused.
    again = api.post("hr_hospital", "/dispatches", {**FS_XIAHE, "cadre_id": "c-zhoujie"}, status=422)
    assert rules(again)["village_id"] == ["village_has_first_secretary"]
    # So is a second posting of 孙浩.
    twice = api.post("hr_edu", "/dispatches", {**FS_XIAHE, "village_id": "v-liujia"}, status=422)
    assert "cadre_already_posted" in rules(twice)["cadre_id"]


def test_a_rejected_dispatch_leaves_nothing(app, api):
    request = {"village_id": "v-dongping", "role": "first_secretary", "cadre_id": "c-zhoujie",
               "term_start": "2027-03-01"}
    iid = api.post("hr_hospital", "/dispatches", request, status=201)["instance_id"]
    api.act("tw_baishui", iid, "reject", comment="人选另议")
    assert api.instance("admin", iid)["status"] == "rejected"
    assert postings_of(app, "c-zhoujie") == []


def test_the_township_supplies_a_team_member_without_its_own_consent(app, api):
    request = {"village_id": "v-xiahe", "role": "team_member", "cadre_id": "c-xuming",
               "term_start": "2027-03-01"}
    body = api.post("tw_qingshan", "/dispatches", request, status=201)
    assert [t["spec_id"] for t in body["open_tasks"]] == ["county_consent"]
    api.act("county", body["instance_id"])
    api.act("rrb", body["instance_id"])
    [posting] = postings_of(app, "c-xuming")
    assert (posting.role, posting.supplier_id, posting.leads_team) == ("team_member", "tw-qingshan", False)


def test_jurisdiction(api):
    # Another unit's cadre, another township's cadre: 403.
    api.post("hr_hospital", "/dispatches", {**FS_XIAHE, "cadre_id": "c-zhengkai"}, status=403)
    team = {"village_id": "v-shuikou", "role": "team_member", "cadre_id": "c-xuming",
            "term_start": "2027-03-01"}
    api.post("tw_baishui", "/dispatches", team, status=403)
    api.post("county", "/dispatches", FS_XIAHE, status=403)
    # A township supplies team members of its own villages only.
    own = {**FS_XIAHE, "village_id": "v-liujia", "cadre_id": "c-xuming"}
    body = api.post("tw_qingshan", "/dispatches", own, status=422)
    assert rules(body)["nominee_id"] == ["first_secretary_not_from_dispatch_unit"]
    shuikou = {"village_id": "v-shuikou", "role": "team_member", "cadre_id": "c-xuming",
               "term_start": "2027-03-01"}
    body = api.post("tw_qingshan", "/dispatches", shuikou, status=422)
    assert rules(body)["nominee_id"] == ["team_member_not_from_unit_or_own_township"]
    # A unit's dispatch is not visible to another unit or township.
    request = {"village_id": "v-wangjia", "role": "first_secretary", "cadre_id": "c-zhengkai",
               "term_start": "2027-03-01"}
    iid = api.post("hr_edu", "/dispatches", request, status=201)["instance_id"]
    api.get("hr_hospital", f"/instances/{iid}", status=404)
    api.get("tw_qingshan", f"/instances/{iid}", status=404)
    api.get("tw_hongqi", f"/instances/{iid}")
    api.get("cadre_zhengkai", f"/instances/{iid}")


@pytest.mark.parametrize(("request_changes", "login", "field", "rule"), [
    ({"village_id": "v-liujia", "role": "team_member", "cadre_id": "c-heping"}, "hr_edu", "role",
     "team_member_not_for_village_category"),
    ({"village_id": "v-liujia", "cadre_id": "c-fengxue"}, "hr_edu", "nominee_id",
     "nominee_party_standing_under_1_year"),
    ({"village_id": "v-liujia", "cadre_id": "c-luoyi"}, "hr_edu", "nominee_id", "nominee_temporary_staff"),
    ({"village_id": "v-liujia", "cadre_id": "c-qianli"}, "hr_edu", "nominee_id",
     "nominee_not_formal_party_member"),
    ({"village_id": "v-liujia", "planned_end": "2028-03-01"}, "hr_edu", "planned_end",
     "planned_term_under_2_years"),
    ({"village_id": "v-shangzhuang", "cadre_id": "c-heping"}, "hr_edu", "village_id",
     "village_has_first_secretary"),
    ({"cadre_id": "c-zhangwei"}, "hr_edu", "cadre_id", "cadre_already_posted"),
])
def test_rules_refuse_with_the_field_named(api, request_changes, login, field, rule):
    body = api.post(login, "/dispatches", {**FS_XIAHE, **request_changes}, status=422)
    assert rule in rules(body).get(field, []), body


def test_schema_errors_name_the_fields(api):
    body = api.post("hr_edu", "/dispatches", {"role": "mayor", "colour": 1}, status=422)
    assert {"role", "colour", "village_id", "cadre_id"} <= set(problem_fields(body))
    refused = api.post("admin", "/definitions/dispatch/instances", {"data": {}}, status=403)
    assert list(problem_fields(refused)) == ["key"]


def test_a_round_shows_progress_per_village_and_role(api):
    round_body = api.post("county", "/dispatch-rounds", {
        "term_start": "2027-03-01", "term_end": "2029-02-28", "township_id": "tw-hongqi",
        "roles": ["first_secretary", "team_member"]}, status=201)
    rid = round_body["id"]
    places = [(i["village_id"], i["role"]) for i in round_body["items"]]
    # 红旗镇: 王家村 and 兴隆村 get both roles; 石桥村 (软弱涣散村) and 建设村 (红色名村) only a
    # first secretary.
    assert sorted(places) == [("v-jianshe", "first_secretary"), ("v-shiqiao", "first_secretary"),
                              ("v-wangjia", "first_secretary"), ("v-wangjia", "team_member"),
                              ("v-xinglong", "first_secretary"), ("v-xinglong", "team_member")]
    assert {i["state"] for i in round_body["items"]} == {"none"}
    # The nominator starts from the round: the round's term is the dispatch's.
    nomination = {"village_id": "v-shiqiao", "role": "first_secretary", "cadre_id": "c-wuting",
                  "round_id": rid}
    iid = api.post("hr_power", "/dispatches", nomination, status=201)["instance_id"]
    assert api.instance("admin", iid)["data"]["planned_end"] == "2029-02-28"
    shiqiao = next(i for i in api.get("hr_power", f"/dispatch-rounds/{rid}")["items"]
                   if i["village_id"] == "v-shiqiao")
    assert shiqiao["state"] == "running" and "乡镇党委政府审核" in shiqiao["state_name"]
    assert shiqiao["dispatches"][0]["cadre_name"] == "吴婷"
    # Another unit sees the state, not the instance.
    hidden = next(i for i in api.get("hr_edu", f"/dispatch-rounds/{rid}")["items"]
                  if i["village_id"] == "v-shiqiao")
    assert hidden["state"] == "running" and hidden["dispatches"][0]["instance_id"] is None
    for login in ("tw_hongqi", "county"):
        api.act(login, iid)
    api.act("orgdept", iid, "reject", comment="另选")
    view = api.get("county", f"/dispatch-rounds/{rid}")
    assert next(i for i in view["items"] if i["village_id"] == "v-shiqiao")["state"] == "rejected"
    # Outside the round: refused.
    body = api.post("hr_power", "/dispatches", {"village_id": "v-liujia", "role": "first_secretary",
                                                "cadre_id": "c-wuting", "round_id": rid}, status=422)
    assert rules(body)["village_id"] == ["village_not_in_round"]
    # Only the county bodies open rounds; a round's term is 2 years at least.
    api.post("hr_edu", "/dispatch-rounds", {"term_start": "2027-03-01", "term_end": "2029-02-28"}, status=403)
    short_term = {"term_start": "2027-03-01", "term_end": "2028-03-01"}
    short = api.post("orgdept", "/dispatch-rounds", short_term, status=422)
    assert "term_end" in problem_fields(short)
    api.get("county", "/dispatch-rounds/nope", status=404)


def test_a_rotation_keeps_the_old_first_secretary_until_the_handover_completes(app, api, clock):
    # 李娜 (人民医院) ends her term in 水口村; 周杰 of the same unit follows her.
    request = {"village_id": "v-shuikou", "role": "first_secretary", "cadre_id": "c-zhoujie",
               "term_start": "2027-03-01", "predecessor_cadre_id": "c-lina"}
    twice = {**request, "cadre_id": "c-lina"}
    assert "predecessor_cadre_id" in problem_fields(api.post("hr_hospital", "/dispatches", twice, status=422))
    iid = api.post("hr_hospital", "/dispatches", request, status=201)["instance_id"]
    for login in ("tw_baishui", "county", "orgdept"):
        api.act(login, iid)
    assert api.instance("admin", iid)["status"] == "completed"
    with app.app_context():
        handover = db.session.execute(sa.select(ProcessInstance).where(
            ProcessInstance.business_key == f"handover:{iid}")).scalar_one()
        hid = handover.id
    assert api.postings("v-shuikou", "first_secretary") == ["c-lina"]
    # The successor arrives when the new term starts (2027-03-01, a Monday), not before it.
    too_early = api.act("tw_baishui", hid, data={"arrival_date": "2026-12-01"}, spec_id="confirm_arrival",
                        status=422)
    assert "不能早于生效日期（2027-03-01）" in problem_fields(too_early)["data.arrival_date"][0]
    clock.set(datetime(2027, 3, 1, 8, 0, tzinfo=SHANGHAI))
    steps = [("tw_baishui", "confirm_arrival", {"arrival_date": "2027-03-01"}),
             ("cadre_lina", "prepare_handover_list", HANDOVER_LIST),
             ("cadre_zhoujie", "review_handover_list", {}),
             ("cadre_lina", "sign_old", {}), ("cadre_zhoujie", "sign_new", {}),
             ("tw_baishui", "witness_handover", {}),
             ("hr_hospital", "transfer_party_relation", {"party_transfer_date": "2027-03-01"})]
    for login, spec_id, data in steps:
        assert api.postings("v-shuikou", "first_secretary") == ["c-lina"], spec_id
        clock.advance(hours=2)
        api.act(login, hid, data=data, spec_id=spec_id)
    assert api.postings("v-shuikou", "first_secretary") == ["c-zhoujie"]
    [new] = postings_of(app, "c-zhoujie")
    assert str(new.planned_end) == "2029-02-28" and new.leads_team is True
    assert str(new.term_start) == "2027-03-01"  # the recorded arrival
    assert new.source_instance_id == iid and new.supplier_id == "unit-hospital"
    [old] = [p for p in postings_of(app, "c-lina") if p.village_id == "v-shuikou"]
    assert old.active is False and old.term_end is not None
    # Both changes are in the roster log under the handover that made them, by its last actor, and
    # so is the Party relation's move on each posting (in to 水口村, back to the unit).
    with app.app_context():
        changes = db.session.execute(sa.select(RosterChange).where(
            RosterChange.source == f"process:{hid}").order_by(RosterChange.id)).scalars().all()
        assert [(c.entity, c.action, c.entity_id, c.actor_login) for c in changes] == [
            ("posting", "create", str(new.id), "hr_hospital"), ("posting", "end", str(old.id), "hr_hospital"),
            ("party_relation", "create", str(new.id), "hr_hospital"),
            ("party_relation", "create", str(old.id), "hr_hospital")]
