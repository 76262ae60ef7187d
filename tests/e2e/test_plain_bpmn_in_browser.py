"""A process drawn in bpmn.io, deployed as drawn: its instance page in chromium draws the lanes
and plain tasks, the township's task offers its one decision 完成, and an instance stopped with
nothing to wait for tells the administrator where, next to the terminate form."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from element_diagrams import diagram, flows

expect = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (dev extra)").expect

PLAIN = Path(__file__).resolve().parents[1] / "support" / "fixtures" / "plain"
STOPS_AT_JOIN = diagram(
    '<bpmn:startEvent id="s"/><bpmn:exclusiveGateway id="x" default="f1"/><bpmn:task id="a"/>'
    '<bpmn:task id="b"/><bpmn:parallelGateway id="j" name="汇合"/><bpmn:endEvent id="e"/>'
    '<bpmn:sequenceFlow id="f1" sourceRef="x" targetRef="a"/><bpmn:sequenceFlow id="f2" sourceRef="x" '
    'targetRef="b"><bpmn:conditionExpression>${urgent}</bpmn:conditionExpression></bpmn:sequenceFlow>'
    + flows("s", "x", prefix="h") + flows("a", "j", "e", prefix="i") + flows("b", "j", prefix="k"),
    pid="stops_at_join")


def api(page: Any, token: str, method: str, path: str, **kwargs: Any) -> Any:
    response = getattr(page.request, method)(f"/api/v1{path}", headers={"Authorization": f"Bearer {token}"},
                                             **kwargs)
    assert response.ok, response.text()
    return response.json()


def deploy(page: Any, token: str, name: str, xml: bytes) -> dict:
    return api(page, token, "post", "/definitions",
               multipart={"files": {"name": name, "mimeType": "application/xml", "buffer": xml}})


def test_a_bpmn_io_process_runs_from_its_pages(user_page: Any, shoot: Any, databases: Any) -> None:
    tokens = databases.seeded_template("sqlite")[1]
    admin = user_page("admin")
    visit = (PLAIN / "village_visit.bpmn").read_bytes()
    deployed = deploy(admin, tokens["admin"], "village_visit.bpmn", visit)
    assert any("直接通过" in w for w in deployed["warnings"])
    started = api(admin, tokens["tw_qingshan"], "post", "/definitions/Process_0m4x7qa/instances",
                  data={"data": {"cadre_id": "c-zhangwei", "village_id": "v-shangzhuang"}})

    township = user_page("tw_qingshan")
    township.goto(f"/instances/{started['instance_id']}")
    expect(township.locator("#instance-status")).to_have_text("办理中")
    expect(township.locator("#diagram svg").first).to_contain_text("准备走访材料")
    shoot(township, "plain-bpmn-01-instance")
    township.click("#open-tasks a:text-is('乡镇陪同记录')")
    expect(township.locator("input[name=decision][value=complete]")).to_have_count(1)
    shoot(township, "plain-bpmn-02-task-complete")
    township.check("input[name=decision][value=complete]")
    township.click("#submit-decision")
    expect(township.locator(".flash.ok")).to_be_visible()

    deploy(admin, tokens["admin"], "stops_at_join.bpmn", STOPS_AT_JOIN)
    stopped = api(admin, tokens["admin"], "post", "/definitions/stops_at_join/instances",
                  data={"data": {"urgent": False}})
    assert stopped["status"] == "error"
    admin.goto(f"/instances/{stopped['instance_id']}")
    expect(admin.locator("#instance-status")).to_have_text("出错")
    expect(admin.locator("#instance-error")).to_contain_text("j（汇合）")
    expect(admin.locator("#terminate")).to_have_count(1)
    shoot(admin, "plain-bpmn-03-stalled-instance")
