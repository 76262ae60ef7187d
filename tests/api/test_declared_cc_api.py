"""抄送 declared in the BPMN (`cc` on a step or on the process), through the API: when the step is
completed, and when the case ends, the holders of those roles in the case's jurisdiction become
its readers, are told, may read the case and not act on it; the history records it by the
system and the audit verifies it, and catches a record whose roles the definition does not
declare. An unknown role is refused at deploy, naming the element and the role."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import sqlalchemy as sa
from element_diagrams import diagram, flows
from process_helpers import Api, problem_fields

SHANGZHUANG = {"cadre_id": "c-zhangwei", "village_id": "v-shangzhuang"}  # 青山镇, 教育局的干部
KEY = "cc_review"


def cc(value: str) -> str:
    return ('<bpmn:extensionElements><camunda:properties>'
            f'<camunda:property name="cc" value="{value}"/></camunda:properties></bpmn:extensionElements>')


def step(step_id: str, name: str, role: str, scope: str, decisions: str, cc_value: str | None) -> str:
    props = (f'<camunda:property name="decisions" value="{decisions}"/>'
             f'<camunda:property name="scope" value="{scope}"/>'
             + (f'<camunda:property name="cc" value="{cc_value}"/>' if cc_value else ""))
    return (f'<bpmn:userTask id="{step_id}" name="{name}" camunda:candidateGroups="{role}">'
            f'<bpmn:extensionElements><camunda:properties>{props}</camunda:properties>'
            '</bpmn:extensionElements></bpmn:userTask>')


def review(step_cc: str = "township,unit_hr,org_dept", process_cc: str = "县驻村工作领导小组,审计监督",
           key: str = KEY) -> bytes:
    """乡镇审核 copies the case to the unit's HR and the organization department (and to the
    township, which is who completes it); the case's end copies it to the county and the auditors."""
    return diagram(
        cc(process_cc)
        + '<bpmn:startEvent id="start" name="发起"/>'
        + step("township_review", "乡镇审核", "township", "township:township_id", "approve,reject", step_cc)
        + step("filing", "组织部备案", "org_dept", "county", "approve", None)
        + '<bpmn:endEvent id="end" name="结束"/>'
        + flows("start", "township_review", "filing", "end"), pid=key)


@pytest.fixture
def api(client, auth) -> Api:
    return Api(client, auth)


def upload(client, auth, content: bytes, name: str = f"{KEY}.bpmn") -> Any:
    return client.post("/api/v1/definitions", headers=auth("admin"), content_type="multipart/form-data",
                       data={"files": (BytesIO(content), name)})


def readers(app, instance_id: str) -> list[tuple[str, str, str | None]]:
    from service.persistence.db import db
    from service.persistence.models import CaseReader, HumanTask

    with app.app_context():
        rows = db.session.execute(sa.select(CaseReader.login, CaseReader.added_by, HumanTask.spec_id)
                                  .outerjoin(HumanTask, HumanTask.id == CaseReader.task_id)
                                  .where(CaseReader.instance_id == instance_id)
                                  .order_by(CaseReader.id)).all()
        return [tuple(r) for r in rows]


def copied_notes(api: Api, login: str, instance_id: str) -> list[str]:
    return [n["message"] for n in api.get(login, "/notifications?per_page=100")["items"]
            if n["instance_id"] == instance_id and n["kind"] == "cc"]


def test_a_declared_cc_copies_the_case_when_the_step_is_done_and_when_it_ends(client, auth, api, app, clock):
    response = upload(client, auth, review())
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["warnings"] == []
    iid = api.post("admin", f"/definitions/{KEY}/instances", {"data": SHANGZHUANG}, status=201)["instance_id"]
    assert readers(app, iid) == []

    clock.advance(hours=1)
    api.act("tw_qingshan", iid, "approve", "同意", spec_id="township_review")
    # The unit's HR of the case's cadre and the organization department; the township did the step.
    assert readers(app, iid) == [("hr_edu", "system", "township_review"),
                                 ("orgdept", "system", "township_review")]
    (note,) = copied_notes(api, "hr_edu", iid)
    assert note.startswith("【抄送】") and "「乡镇审核」已办理（同意）" in note and "不能办理" in note
    assert copied_notes(api, "tw_qingshan", iid) == []
    history = api.get("admin", f"/instances/{iid}/history")["items"]
    assert [e["kind"] for e in history] == ["start", "complete", "cc_declared"]
    event = history[-1]
    assert event["actor"]["login"] == "system" and event["kind_name"] == "按流程抄送"
    assert event["description"] == "系统按流程抄送（「乡镇审核」办理后）：教育局人事股 王芳、县委组织部 郭静"
    assert event["actor"]["role_name"] is None

    # A reader reads the case but cannot act on it: the filing is the organization department's.
    assert api.instance("hr_edu", iid)["id"] == iid
    filing = api.task_of("orgdept", iid, "filing")
    api.post("hr_edu", f"/tasks/{filing['id']}/complete", {"decision": "approve", "comment": ""}, status=403)
    assert not [t for t in api.inbox("hr_edu") if t["instance_id"] == iid]

    clock.advance(hours=1)
    done = api.act("orgdept", iid, "approve", spec_id="filing")
    assert done["instance_status"] == "completed"
    assert readers(app, iid)[2:] == [("county", "system", None), ("auditor", "system", None)]
    (note,) = copied_notes(api, "county", iid)
    assert "已办结" in note and "县驻村工作领导小组、审计监督" in note
    assert len(copied_notes(api, "orgdept", iid)) == 1  # a reader already: not copied again
    history = api.get("admin", f"/instances/{iid}/history")["items"]
    assert [e["kind"] for e in history] == ["start", "complete", "cc_declared", "complete", "cc_declared"]
    ending = "系统按流程抄送（案件结束时）：县驻村工作领导小组 林涛、审计监督 韩梅"
    assert history[-1]["description"] == ending
    verified = api.get("admin", f"/audit/instances/{iid}/verify")
    assert (verified["chain"], verified["replay"]) == ("ok", "ok"), verified


def test_the_audit_refuses_a_record_of_readers_the_definition_does_not_declare(client, auth, api, app, clock):
    from service.audit.replayer import Replayer
    from service.persistence.db import db
    from service.persistence.models import HistoryEvent, ProcessDefinition, ProcessInstance
    from service.persistence.runtime import definition_of

    upload(client, auth, review())
    iid = api.post("admin", f"/definitions/{KEY}/instances", {"data": SHANGZHUANG}, status=201)["instance_id"]
    clock.advance(hours=1)
    api.act("tw_qingshan", iid, "approve", spec_id="township_review")
    with app.app_context():
        row = db.session.get_one(ProcessInstance, iid)
        definition = definition_of(db.session.get_one(ProcessDefinition, row.definition_id))
        stored = db.session.execute(sa.select(HistoryEvent).where(HistoryEvent.instance_id == iid)
                                    .order_by(HistoryEvent.seq)).scalars().all()
        events = [SimpleNamespace(**{c.key: getattr(e, c.key) for c in HistoryEvent.__table__.columns})
                  for e in stored]
        assert Replayer().run(definition, events, iid).ok
        # Someone adds a role to the record: the definition declares no such copy.
        forged = events[-1]
        forged.inputs = {**forged.inputs, "roles": [*forged.inputs["roles"], "county"]}
        outcome = Replayer().run(definition, events, iid)
        assert not outcome.ok and outcome.first_bad_seq == forged.seq
        assert "抄送" in (outcome.detail or "")


def test_an_unknown_role_in_cc_is_refused_at_deploy_naming_the_element_and_the_role(client, auth, api):
    response = upload(client, auth, review(step_cc="township,mayor", key="cc_refused"), "cc_refused.bpmn")
    assert response.status_code == 422 and response.content_type == "application/problem+json"
    body = response.get_json()
    assert body["element_id"] == "township_review"
    assert "'mayor'" in body["detail"] and "township_review" in body["detail"]
    assert "mayor" in problem_fields(body)["files"][0]

    response = upload(client, auth, review(process_cc="county_org", key="cc_refused"), "cc_refused.bpmn")
    assert response.status_code == 422
    body = response.get_json()
    assert body["element_id"] == "cc_refused" and "'county_org'" in body["detail"]
    assert api.get("admin", "/definitions?key=cc_refused")["items"] == []


COUNTERSIGN = Path(__file__).resolve().parents[1] / "support" / "fixtures" / "countersign.bpmn"


def test_a_countersign_step_copies_once_its_tally_is_decided(client, auth, api, app, clock):
    rule = b'<camunda:property name="countersign" value="RULE"/>'
    content = COUNTERSIGN.read_bytes().replace(rule, rule.replace(b"RULE", b"all")
                                               + b'<camunda:property name="cc" value="rrb"/>')
    assert upload(client, auth, content, "countersign.bpmn").status_code == 201
    iid = api.post("admin", "/definitions/joint_review/instances",
                   {"data": {"signers": ["county", "orgdept"]}}, status=201)["instance_id"]
    clock.advance(minutes=10)
    api.act("county", iid, "approve", spec_id="joint_sign")
    assert readers(app, iid) == []  # the organization department has still to sign
    clock.advance(minutes=10)
    assert api.act("orgdept", iid, "approve", spec_id="joint_sign")["instance_status"] == "completed"
    assert readers(app, iid) == [("rrb", "system", "joint_sign")]
    kinds = [e["kind"] for e in api.get("admin", f"/instances/{iid}/history")["items"]]
    assert kinds == ["start", "complete", "complete", "cc_declared"]
    verified = api.get("admin", f"/audit/instances/{iid}/verify")
    assert (verified["chain"], verified["replay"]) == ("ok", "ok"), verified
