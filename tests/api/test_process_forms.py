"""Form rules through the API: people found by name, unit or village; dates checked against the case
(effective date not in the past, arrival not in the future nor before the effective date, the
Party relation not before the arrival); the new posting starts on the recorded arrival; evidence
replaced on revision; withdrawing needs a reason, recorded and told to the task's holders."""

from __future__ import annotations

import pytest
from process_helpers import FS_REQUEST, HANDOVER_LIST, Api, problem_fields


@pytest.fixture
def api(client, auth, clock):
    return Api(client, auth)


def test_cadres_are_found_by_name_unit_or_village(api):
    by_name = api.get("hr_edu", "/cadres?q=郑凯")["items"]
    assert [c["id"] for c in by_name] == ["c-zhengkai"]
    by_village = api.get("hr_edu", "/cadres?q=上庄")["items"]
    assert sorted(c["id"] for c in by_village) == ["c-liuyang", "c-zhangwei"]  # both posted there
    by_unit = {c["id"] for c in api.get("admin", "/cadres?q=医院&per_page=100")["items"]}
    assert "c-lina" in by_unit and "c-zhangwei" not in by_unit
    # the caller's jurisdiction still applies: another unit's cadre is not found by its name
    assert api.get("hr_edu", "/cadres?q=李娜")["items"] == []
    assert api.get("hr_edu", "/cadres?q=%25")["items"] == []  # a wildcard is a character, not "all"


def test_an_effective_date_in_the_past_is_refused_naming_the_field(api, clock):
    body = api.post("hr_edu", "/adjustments", {**FS_REQUEST, "effective_date": "2026-11-30"}, status=422)
    assert problem_fields(body)["effective_date"] == ["生效日期不能早于今天（2026-12-01），现为 2026-11-30。"]


def _approved(api, effective: str) -> str:
    """A first-secretary replacement filed; returns its handover's id."""
    iid = api.post("hr_edu", "/adjustments", {**FS_REQUEST, "effective_date": effective},
                   status=201)["instance_id"]
    for login in ("tw_qingshan", "county", "orgdept"):
        body = api.act(login, iid, comment="同意")
    (handover,) = body["started_instances"]
    return handover


def test_arrival_and_party_transfer_dates_follow_the_case(api, clock):
    handover = _approved(api, "2026-12-03")
    # arrival in the future (today is 2026-12-01)
    body = api.act("tw_qingshan", handover, data={"arrival_date": "2026-12-02"}, status=422)
    assert problem_fields(body)["data.arrival_date"] == [
        "到岗日期不能晚于今天（2026-12-01），现为 2026-12-02。"]
    clock.advance(days=3)  # Friday 2026-12-04
    body = api.act("tw_qingshan", handover, data={"arrival_date": "2026-12-02"}, status=422)
    assert problem_fields(body)["data.arrival_date"] == [
        "到岗日期不能早于生效日期（2026-12-03），现为 2026-12-02。"]
    api.act("tw_qingshan", handover, data={"arrival_date": "2026-12-03"})
    api.act("cadre_zhangwei", handover, data=HANDOVER_LIST)
    api.act("cadre_sunhao", handover, spec_id="review_handover_list")
    api.act("cadre_zhangwei", handover, spec_id="sign_old")
    api.act("cadre_sunhao", handover, spec_id="sign_new")
    api.act("tw_qingshan", handover)
    body = api.act("hr_edu", handover, data={"party_transfer_date": "2026-12-02"}, status=422)
    assert problem_fields(body)["data.party_transfer_date"] == [
        "党组织关系转接日期不能早于到岗日期（2026-12-03），现为 2026-12-02。"]
    body = api.act("hr_edu", handover, data={"party_transfer_date": "2026-12-05"}, status=422)
    assert "不能晚于今天（2026-12-04）" in problem_fields(body)["data.party_transfer_date"][0]
    api.act("hr_edu", handover, data={"party_transfer_date": "2026-12-04"})
    # the new posting starts on the recorded arrival, not on the day the handover finished
    sunhao = api.get("admin", "/cadres/c-sunhao")
    (posting,) = [p for p in sunhao["postings"] if p["active"]]
    assert posting["term_start"] == "2026-12-03"


def test_a_revision_replaces_the_evidence_and_keeps_dates_current(api, clock):
    iid = api.post("hr_edu", "/adjustments", {**FS_REQUEST, "cadre_id": "c-zhaomin",
                                              "village_id": "v-hongyan", "nominee_id": "c-zhengkai",
                                              "role": "first_secretary",
                                              "effective_date": "2026-12-08"}, status=201)["instance_id"]
    api.act("tw_baishui", iid, "return", "补充材料")
    clock.advance(days=10)  # the effective date passed while the request waited
    body = api.act("hr_edu", iid, "resubmit", data={"justification": "已补充"}, status=422)
    assert "生效日期（2026-12-08）已过" in problem_fields(body)["data.effective_date"][0]
    body = api.act("hr_edu", iid, "resubmit", data={"effective_date": "2026-12-28",
                                                     "evidence": ["体检报告", "医院诊断证明"]})
    data = api.instance("hr_edu", iid)["data"]
    assert data["evidence"] == ["体检报告", "医院诊断证明"] and data["effective_date"] == "2026-12-28"


def test_withdrawing_needs_a_reason_which_the_history_and_the_holders_get(api):
    iid = api.post("hr_edu", "/adjustments", {**FS_REQUEST, "cadre_id": "c-liuyang",
                                              "village_id": "v-shangzhuang", "role": "team_member",
                                              "nominee_id": "c-heping"}, status=201)["instance_id"]
    body = api.post("hr_edu", f"/instances/{iid}/withdraw", {}, status=422)
    assert "reason" in problem_fields(body)
    api.post("hr_edu", f"/instances/{iid}/withdraw", {"reason": "人选另有安排"})
    history = api.get("hr_edu", f"/instances/{iid}/history")["items"]
    assert history[-1]["kind"] == "withdraw" and history[-1]["comment"] == "人选另有安排"
    notices = api.get("tw_qingshan", "/notifications?per_page=100")["items"]
    mine = [n for n in notices if n["instance_id"] == iid and n["kind"] == "withdrawn"]
    assert len(mine) == 1 and "撤回原因：人选另有安排" in mine[0]["message"]
