"""Diagrams drawn in bpmn.io / Camunda Modeler (tests/support/fixtures/plain: plain tasks, lanes
named 乡镇 / 组织部 / 驻村干部, exclusive gateways with ${...} conditions, timers written P2D, no
cadreflow properties) deploy through POST /definitions with warnings naming what was filled in,
and run to `completed` through the API, each instance's audit verifying; what cannot run is
refused at deploy naming every element; an instance that has nothing left to wait for goes to
`error` saying where it stopped, and the audit still verifies."""

from __future__ import annotations

from datetime import datetime
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from element_diagrams import diagram, flows
from process_helpers import Api, problem_fields
from timer_helpers import bj, firer, who

from service import commands
from service.core.errors import Conflict

PLAIN = Path(__file__).resolve().parents[1] / "support" / "fixtures" / "plain"
SHANGZHUANG = {"cadre_id": "c-zhangwei", "village_id": "v-shangzhuang"}  # 青山镇, 教育局的干部


@pytest.fixture
def api(client, auth) -> Api:
    return Api(client, auth)


def lane(name: str, member: str) -> str:
    return f'<bpmn:lane id="Lane_0" name="{name}"><bpmn:flowNodeRef>{member}</bpmn:flowNodeRef></bpmn:lane>'


def upload(client, auth, name: str, content: bytes | None = None) -> Any:
    xml = content if content is not None else (PLAIN / name).read_bytes()
    return client.post("/api/v1/definitions", headers=auth("admin"), content_type="multipart/form-data",
                       data={"files": (BytesIO(xml), name)})


def deployed(client, auth, name: str, content: bytes | None = None) -> dict[str, Any]:
    """The version of the file (a new one, or the one a test before this deployed)."""
    response = upload(client, auth, name, content)
    assert response.status_code in (200, 201), response.get_json()
    return response.get_json()


def start(api: Api, login: str, key: str, data: dict[str, Any]) -> dict[str, Any]:
    return api.post(login, f"/definitions/{key}/instances", {"data": data}, status=201)


def finish(api: Api, login: str, instance_id: str, spec_id: str, data: dict | None = None) -> dict:
    task = api.task_of(login, instance_id, spec_id)
    assert task["decisions"] == ["complete"], task
    return api.act(login, instance_id, "complete", data=data, spec_id=spec_id)


def verified(api: Api, instance_id: str) -> None:
    result = api.get("admin", f"/audit/instances/{instance_id}/verify")
    assert (result["chain"], result["replay"]) == ("ok", "ok"), result


def test_a_camunda_modeler_diagram_deploys_with_warnings_and_runs_to_completed(client, auth, api, clock):
    body = deployed(client, auth, "cadre_leave.bpmn")
    assert body["key"] == "cadre_leave" and body["version"] == 1
    warnings = body["warnings"]
    assert len(warnings) == 4
    assert warnings[0].startswith("用户任务 Activity_0y4hx2n（填写请假申请）：按所在泳道“驻村干部”")
    assert any(w.startswith("人工任务 Activity_0n7e3wb（组织部备案）") and "org_dept" in w for w in warnings)
    listed = api.get("admin", "/definitions?key=cadre_leave")["items"]
    assert [d["warnings"] for d in listed] == [warnings], "kept with the version"

    # The start event is in the 驻村干部 lane: the cadre starts it, for themself.
    started = start(api, "cadre_zhangwei", "cadre_leave", SHANGZHUANG)
    iid = started["instance_id"]
    assert started["status"] == "running"
    finish(api, "cadre_zhangwei", iid, "Activity_0y4hx2n", {"days": 3, "leave_reason": "家中有事"})
    finish(api, "tw_qingshan", iid, "Activity_1c8rq5d", {"approved": True})
    done = finish(api, "orgdept", iid, "Activity_0n7e3wb")
    assert done["instance_status"] == "completed"
    assert api.instance("admin", iid)["status"] == "completed"
    verified(api, iid)


def test_a_refusal_on_the_gateway_ends_at_its_other_end(api, client, auth, clock):
    deployed(client, auth, "cadre_leave.bpmn")
    iid = start(api, "cadre_zhangwei", "cadre_leave", SHANGZHUANG)["instance_id"]
    finish(api, "cadre_zhangwei", iid, "Activity_0y4hx2n", {"days": 30})
    refused = finish(api, "tw_qingshan", iid, "Activity_1c8rq5d", {"approved": False})
    assert refused["instance_status"] == "completed"
    history = api.get("admin", f"/instances/{iid}/history")["items"]
    assert [e["kind"] for e in history] == ["start", "complete", "complete"]
    verified(api, iid)


def test_a_gateway_none_of_whose_conditions_holds_refuses_the_decision_and_keeps_the_task(api, client, auth,
                                                                                          clock):
    deployed(client, auth, "cadre_leave.bpmn")
    iid = start(api, "cadre_zhangwei", "cadre_leave", SHANGZHUANG)["instance_id"]
    finish(api, "cadre_zhangwei", iid, "Activity_0y4hx2n", {"days": 2})
    # 是否同意 left empty: neither ${approved} nor ${!approved} can be evaluated.
    task = api.task_of("tw_qingshan", iid, "Activity_1c8rq5d")
    refused = api.post("tw_qingshan", f"/tasks/{task['id']}/complete", {"decision": "complete", "data": {}},
                       status=422)
    assert "Gateway_0h9f2vu" in refused["detail"] and "approved" in refused["detail"], refused
    assert "decision" in problem_fields(refused)
    assert api.instance("admin", iid)["status"] == "running"
    assert api.task_of("tw_qingshan", iid, "Activity_1c8rq5d")["id"] == task["id"]
    verified(api, iid)


def test_a_bpmn_io_diagram_with_plain_tasks_and_a_parallel_split_runs_to_completed(client, auth, api, clock):
    body = deployed(client, auth, "village_visit.bpmn")
    assert (body["key"], body["name"]) == ("Process_0m4x7qa", "驻村干部入户走访")
    assert any("Activity_1w0s6ya" in w and "直接通过" in w for w in body["warnings"])
    # The start event is in the 乡镇党委 lane: the township starts it, for its own village.
    started = start(api, "tw_qingshan", "Process_0m4x7qa", SHANGZHUANG)
    iid = started["instance_id"]
    assert sorted(t["spec_id"] for t in started["open_tasks"]) == ["Activity_0g2m8kq", "Activity_1a3y5pl"]
    start_refused = api.post("tw_baishui", "/definitions/Process_0m4x7qa/instances", {"data": SHANGZHUANG},
                             status=403)
    assert "无权" in start_refused["detail"]
    finish(api, "cadre_zhangwei", iid, "Activity_1a3y5pl")
    finish(api, "tw_qingshan", iid, "Activity_0g2m8kq")
    assert finish(api, "county", iid, "Activity_0v9c4tr")["instance_status"] == "completed"
    verified(api, iid)


def test_a_diagram_with_timers_and_a_default_exit_runs_to_completed(client, auth, api, app, clock):
    deployed(client, auth, "funds_review.bpmn")
    clock.set(bj(2026, 12, 7, 9, 0))  # a Monday
    iid = start(api, "hr_edu", "funds_review", {"unit_id": "unit-edu"})["instance_id"]
    finish(api, "hr_edu", iid, "Activity_1s4mf0d", {"amount": 80000, "purpose": "道路硬化"})
    (reminder,) = api.instance("admin", iid)["timers"]
    assert reminder["task"]["spec_id"] == "Activity_0r2jv7k"
    assert datetime.fromisoformat(reminder["fire_at"]) == bj(2026, 12, 9, 9, 0)  # two working days
    clock.set(bj(2026, 12, 9, 9, 0, 1))
    with app.app_context():  # the reminder branch ends at its own end event; the task stays
        assert list(firer().fire_due(clock.now()).fired) == [iid]
    finish(api, "rrb", iid, "Activity_0r2jv7k")
    (publicity,) = api.instance("admin", iid)["timers"]  # 公示 3 天: three working days
    assert publicity["task"] is None
    assert datetime.fromisoformat(publicity["fire_at"]) == bj(2026, 12, 14, 9, 0, 1)
    clock.set(bj(2026, 12, 14, 9, 0, 2))
    with app.app_context():
        assert list(firer().fire_due(clock.now()).fired) == [iid]
    assert api.instance("admin", iid)["status"] == "completed"
    small = start(api, "hr_edu", "funds_review", {"unit_id": "unit-edu"})["instance_id"]
    assert finish(api, "hr_edu", small, "Activity_1s4mf0d", {"amount": 3000})["instance_status"] == \
        "completed"
    verified(api, iid)
    verified(api, small)


def test_what_cannot_run_is_refused_at_deploy_naming_every_element(client, auth, api):
    response = upload(client, auth, "credit_check.bpmn")
    assert response.status_code == 422
    assert response.content_type == "application/problem+json"
    body = response.get_json()
    assert body["element_ids"] == ["Activity_0q9credit", "Activity_1k2reply"]
    files = problem_fields(body)["files"]
    assert len(files) == 2
    assert "服务任务" in files[0] and "Activity_0q9credit" in files[0] and "credit_check.bpmn" in files[0]
    assert "credit_reply" in files[1] and "Activity_1k2reply" in files[1]
    assert api.get("admin", "/definitions?key=credit_check")["items"] == []


STALLING = diagram(
    '<bpmn:startEvent id="s"/><bpmn:userTask id="u" name="审核"/><bpmn:exclusiveGateway id="x" default="f1"/>'
    '<bpmn:task id="a"/><bpmn:task id="b"/><bpmn:parallelGateway id="j" name="汇合"/><bpmn:endEvent id="e"/>'
    '<bpmn:sequenceFlow id="f1" sourceRef="x" targetRef="a"/><bpmn:sequenceFlow id="f2" sourceRef="x" '
    'targetRef="b"><bpmn:conditionExpression>${urgent}</bpmn:conditionExpression></bpmn:sequenceFlow>'
    + flows("s", "u", "x", prefix="h") + flows("a", "j", "e", prefix="i") + flows("b", "j", prefix="k"),
    pid="stalling_review", lanes=lane("组织部", "u"))


def test_an_instance_left_with_nothing_to_wait_for_goes_to_error_naming_where(client, auth, api, app, clock):
    deployed(client, auth, "stalling_review.bpmn", STALLING)
    iid = start(api, "admin", "stalling_review", {"urgent": False})["instance_id"]
    answer = api.act("orgdept", iid, "complete", spec_id="u")
    assert answer["instance_status"] == "error" and answer["open_tasks"] == []
    detail = api.instance("admin", iid)
    assert detail["status"] == "error" and "j（汇合）" in detail["error"]
    assert iid in [i["id"] for i in api.get("admin", "/instances?status=error&per_page=100")["items"]]
    history = api.get("admin", f"/instances/{iid}/history")["items"]
    assert [e["kind"] for e in history] == ["start", "complete", "stalled"]
    assert history[-1]["kind_name"] == "流程停滞" and "j（汇合）" in history[-1]["comment"]
    verified(api, iid)

    with app.app_context():  # resuming would stop at the same place: only termination ends it
        with pytest.raises(Conflict) as refused:
            commands.resume_instance(who("admin"), iid, "再试一次")
        assert refused.value.slug == "stalled" and "只能终止" in refused.value.detail
    ended = api.post("admin", f"/instances/{iid}/terminate", {"reason": "流程图有误，停在汇合处"})
    assert ended["status"] == "terminated"
    verified(api, iid)


def test_an_instance_whose_task_no_one_can_hold_is_in_error_from_its_start(client, auth, api, clock):
    xml = diagram('<bpmn:startEvent id="s"/><bpmn:userTask id="u" name="乡镇签收"/><bpmn:endEvent id="e"/>'
                  + flows("s", "u", "e"), pid="township_receipt", lanes=lane("乡镇", "u"))
    deployed(client, auth, "township_receipt.bpmn", xml)
    started = start(api, "admin", "township_receipt", {})  # no village, no township: nobody holds it
    assert started["status"] == "error"
    detail = api.instance("admin", started["instance_id"])
    assert "u（乡镇签收）" in detail["error"] and "township" in detail["error"]
    verified(api, started["instance_id"])


def test_a_user_task_in_a_subprocess_is_one_task(client, auth, api, clock):
    xml = diagram('<bpmn:startEvent id="s"/><bpmn:subProcess id="sp"><bpmn:startEvent id="ss"/>'
                  '<bpmn:userTask id="su" name="子流程审核"/><bpmn:endEvent id="se"/>'
                  + flows("ss", "su", "se", prefix="x") + '</bpmn:subProcess><bpmn:endEvent id="e"/>'
                  + flows("s", "sp", "e"), pid="nested_review", lanes=lane("组织部", "sp"))
    deployed(client, auth, "nested_review.bpmn", xml)
    started = start(api, "admin", "nested_review", {})
    assert [t["spec_id"] for t in started["open_tasks"]] == ["su"]
    assert finish(api, "orgdept", started["instance_id"], "su")["instance_status"] == "completed"
    verified(api, started["instance_id"])


def test_warnings_of_a_version_are_kept_when_the_same_files_come_again(client, auth, api):
    first = upload(client, auth, "village_visit.bpmn").get_json()
    again = upload(client, auth, "village_visit.bpmn")
    assert again.status_code == 200, again.get_json()
    assert again.get_json()["created"] is False and again.get_json()["warnings"] == first["warnings"]
