"""The pages of a process drawn in bpmn.io: its instance page draws the diagram from the file's
own BPMNDI (lanes, plain tasks), and an instance that stopped with nothing to wait for shows the
administrator why, naming the element, with the terminate form."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa
from element_diagrams import diagram, flows
from markupsafe import escape
from page_client import Browser

from service import commands
from service.core.principal import Principal
from service.persistence.db import db
from service.persistence.models import HumanTask, User

PLAIN = Path(__file__).resolve().parents[1] / "support" / "fixtures" / "plain"
STOPS_AT_JOIN = diagram(
    '<bpmn:startEvent id="s"/><bpmn:exclusiveGateway id="x" default="f1"/><bpmn:task id="a"/>'
    '<bpmn:task id="b"/><bpmn:parallelGateway id="j" name="汇合"/><bpmn:endEvent id="e"/>'
    '<bpmn:sequenceFlow id="f1" sourceRef="x" targetRef="a"/><bpmn:sequenceFlow id="f2" sourceRef="x" '
    'targetRef="b"><bpmn:conditionExpression>${urgent}</bpmn:conditionExpression></bpmn:sequenceFlow>'
    + flows("s", "x", prefix="h") + flows("a", "j", "e", prefix="i") + flows("b", "j", prefix="k"),
    pid="stops_at_join")


def as_user(login: str) -> Principal:
    return Principal.from_user(db.session.get(User, login))


def test_a_plain_instance_page_draws_its_diagram_and_an_error_says_where(app: Any, clock: Any) -> None:
    with app.app_context():
        commands.deploy(as_user("admin"), {"village_visit.bpmn": (PLAIN / "village_visit.bpmn").read_bytes()})
        commands.deploy(as_user("admin"), {"stops_at_join.bpmn": STOPS_AT_JOIN})
        visit = commands.start_process(as_user("tw_qingshan"), "Process_0m4x7qa",
                                       {"cadre_id": "c-zhangwei", "village_id": "v-shangzhuang"}).id
        stopped = commands.start_process(as_user("admin"), "stops_at_join", {"urgent": False}).id

    page = Browser(app, "admin").get(f"/instances/{visit}")
    assert "驻村干部入户走访" in page and 'id="diagram"' in page  # drawn in the browser from the file
    assert "乡镇陪同记录" in page  # the step open now, in the step bar

    township = Browser(app, "tw_qingshan")
    with app.app_context():
        task_id = db.session.execute(sa.select(HumanTask.id).where(
            HumanTask.instance_id == visit, HumanTask.spec_id == "Activity_0g2m8kq")).scalar_one()
    task_page = township.get(f"/tasks/{task_id}")
    assert 'value="complete"' in task_page and "完成" in task_page
    done = township.post(f"/tasks/{task_id}/complete", {"decision": "complete", "comment": ""},
                         page=f"/tasks/{task_id}")
    assert done.status_code == 302, done.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(HumanTask, task_id).status == "done"

    page = Browser(app, "admin").get(f"/instances/{stopped}")
    assert 'id="instance-error"' in page and "j（汇合）" in page
    assert 'id="terminate"' in page
    assert "流程停滞" in page  # the timeline's event


def test_the_version_page_shows_what_the_deploy_filled_in(app: Any, clock: Any) -> None:
    with app.app_context():
        row, _ = commands.deploy(as_user("admin"),
                                 {"village_visit.bpmn": (PLAIN / "village_visit.bpmn").read_bytes()})
        warnings, version = list(row.warnings), row.version
    assert warnings
    page = Browser(app, "admin").get(f"/processes/Process_0m4x7qa/v{version}")
    assert 'id="deploy-warnings"' in page
    assert all(str(escape(w)) in page for w in warnings), warnings
