"""Other paths of mid-term replacement through HTTP: team member via RRB, reject, return + revise +
resubmit, withdraw, claim / unclaim / transfer."""

from __future__ import annotations

import pytest
from process_helpers import Api, problem_fields, problem_rules

from service.commands.tokens import token_expiry
from service.core.credentials import issue_token
from service.persistence.db import db
from service.persistence.models import User, UserRole


@pytest.fixture
def api(client, auth, clock):
    return Api(client, auth)


def submit(api, login, **fields):
    body = {"reason": "health", "justification": "", "effective_date": "2026-12-20", "evidence": [], **fields}
    return api.post(login, "/adjustments", body, status=201)["instance_id"]


def test_team_member_goes_to_rrb_and_starts_a_handover(api, clock):
    iid = submit(api, "hr_hospital", cadre_id="c-chenjing", village_id="v-shuikou", role="team_member",
                 nominee_id="c-zhoujie")
    api.act("tw_baishui", iid)
    api.act("county", iid)
    assert not [t for t in api.inbox("orgdept") if t["instance_id"] == iid]
    clock.advance(hours=1)
    done = api.act("rrb", iid, spec_id="rrb_filing")
    assert done["instance_status"] == "completed" and len(done["started_instances"]) == 1
    handover = api.instance("cadre_zhoujie", done["started_instances"][0])
    assert handover["process"] == "handover" and handover["status"] == "running"
    assert [t["spec_id"] for t in handover["open_tasks"]] == ["confirm_arrival"]
    assert api.postings("v-shuikou", "team_member") == ["c-chenjing"]  # nobody leaves early


def test_reject_needs_a_comment_and_ends_the_request(api):
    iid = submit(api, "hr_power", cadre_id="c-wangqiang", village_id="v-xinglong", role="first_secretary",
                 nominee_id="c-wuting")
    errors = problem_fields(api.act("tw_hongqi", iid, decision="reject", status=422))
    assert "comment" in errors
    errors = problem_fields(api.act("tw_hongqi", iid, decision="recall", comment="x", status=422))
    assert "decision" in errors
    api.act("tw_hongqi", iid, decision="reject", comment="村里工作正处关键期，暂不同意")
    detail = api.instance("hr_power", iid)
    assert detail["status"] == "rejected" and detail["open_tasks"] == [] and detail["timers"] == []
    assert not [t for t in api.inbox("county") if t["instance_id"] == iid]
    history = api.get("hr_power", f"/instances/{iid}/history")["items"]
    assert history[-1]["decision"] == "reject" and history[-1]["comment"].startswith("村里")


def test_return_revise_and_resubmit(api, clock):
    iid = submit(api, "hr_edu", cadre_id="c-zhaomin", village_id="v-hongyan", role="first_secretary",
                 nominee_id="c-zhengkai")
    api.act("tw_baishui", iid, decision="return", comment="请补充体检报告")
    task = api.task_of("hr_edu", iid, "revise_request")
    assert set(task["decisions"]) == {"resubmit", "withdraw"}
    detail = api.get("hr_edu", f"/tasks/{task['id']}")
    assert {f["id"] for f in detail["form_fields"]} >= {"reason", "justification", "nominee_id"}
    # Withdrawal through the endpoint is only before the first decision.
    api.post("hr_edu", f"/instances/{iid}/withdraw", {"reason": "不再需要"}, status=409)
    path = f"/tasks/{task['id']}/complete"
    bad = {"decision": "resubmit", "data": {"nominee_id": "c-qianli"}}
    problem = api.post("hr_edu", path, bad, status=422)
    assert "nominee_not_formal_party_member" in problem_rules(problem)["data.nominee_id"]
    assert "驻村第一书记须为中共正式党员" in problem_fields(problem)["data.nominee_id"]
    problem = api.post("hr_edu", path, {"decision": "resubmit", "data": {"reason": "other"}}, status=422)
    assert "justification_required" in problem_rules(problem)["data.justification"]
    errors = problem_fields(api.post("hr_edu", path, {"decision": "resubmit", "data": {"colour": "red"}},
                                     status=422))
    assert "data.colour" in errors
    clock.advance(hours=1)
    api.post("hr_edu", path, {"decision": "resubmit", "comment": "已补充",
                              "data": {"reason": "other", "justification": "配偶重病需照顾"}})
    detail = api.instance("hr_edu", iid)
    assert [t["spec_id"] for t in detail["open_tasks"]] == ["township_consent"]
    assert detail["data"]["reason"] == "other" and detail["data"]["justification"] == "配偶重病需照顾"
    api.act("tw_baishui", iid)
    assert api.task_of("county", iid)["spec_id"] == "county_consent"


def test_withdraw_before_first_decision(api):
    iid = submit(api, "hr_edu", cadre_id="c-liuyang", village_id="v-shangzhuang", role="team_member",
                 nominee_id="c-sunhao")
    reason = {"reason": "人选另有安排"}
    api.post("hr_hospital", f"/instances/{iid}/withdraw", reason, status=404)
    api.post("tw_qingshan", f"/instances/{iid}/withdraw", reason, status=403)
    api.post("hr_edu", f"/instances/{iid}/withdraw", status=422)  # no reason
    body = api.post("hr_edu", f"/instances/{iid}/withdraw", reason)
    assert body["status"] == "withdrawn"
    assert not [t for t in api.inbox("tw_qingshan") if t["instance_id"] == iid]
    api.post("hr_edu", f"/instances/{iid}/withdraw", reason, status=409)
    history = api.get("hr_edu", f"/instances/{iid}/history")["items"]
    assert [e["kind"] for e in history] == ["start", "withdraw"]
    # The cadre may be proposed again once the earlier request is closed.
    submit(api, "hr_edu", cadre_id="c-liuyang", village_id="v-shangzhuang", role="team_member",
           nominee_id="c-sunhao")


def test_claim_unclaim_transfer(api, app, auth, tokens):
    with app.app_context():
        user = User(login="tw_baishui2", display_name="白水乡党委 周新", active=True)
        user.roles.append(UserRole(role="township", scope_kind="township", scope_id="tw-baishui"))
        db.session.add(user)
        tokens["tw_baishui2"] = issue_token(user, token_expiry())
        db.session.commit()
    iid = submit(api, "hr_hospital", cadre_id="c-lina", village_id="v-shuikou", role="first_secretary",
                 nominee_id="c-zhoujie")
    tid = api.task_of("tw_baishui", iid)["id"]
    api.post("tw_qingshan", f"/tasks/{tid}/claim", status=404)  # not its township: not even visible
    unclaimed = api.post("tw_baishui", f"/tasks/{tid}/transfer", {"to_user": "tw_baishui2"}, status=409)
    assert unclaimed["type"].endswith("task-not-claimed")  # api.md: only the claimant transfers
    assert api.post("tw_baishui", f"/tasks/{tid}/claim")["claimed_by"] == "tw_baishui"
    api.post("tw_baishui2", f"/tasks/{tid}/claim", status=409)
    api.post("tw_baishui2", f"/tasks/{tid}/complete", {"decision": "approve"}, status=409)
    errors = problem_fields(api.post("tw_baishui", f"/tasks/{tid}/transfer", {"to_user": "tw_qingshan"},
                                     status=422))
    assert "to_user" in errors
    moved = api.post("tw_baishui", f"/tasks/{tid}/transfer", {"to_user": "tw_baishui2"})
    assert moved["claimed_by"] == "tw_baishui2"
    api.post("tw_baishui", f"/tasks/{tid}/unclaim", status=409)
    assert api.post("tw_baishui2", f"/tasks/{tid}/unclaim")["claimed_by"] is None
    api.post("tw_baishui2", f"/tasks/{tid}/complete", {"decision": "approve", "comment": "同意"})
    api.post("tw_baishui", f"/tasks/{tid}/complete", {"decision": "approve"}, status=409)
    kinds = [e["kind"] for e in api.get("auditor", f"/instances/{iid}/history")["items"]]
    assert kinds == ["start", "claim", "transfer", "unclaim", "complete"]
