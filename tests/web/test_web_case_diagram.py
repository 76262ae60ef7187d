"""The case page's diagram and step bar through the Flask test client: the BPMN document for the
viewer under the page's access rule, the viewer's files served from node_modules (nothing else from
there), no inline code for the CSP, and the step bar readable without scripts."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from page_client import Browser

from service.http.web.vendor import VENDOR_FILES

# What the case page's viewer loads (the rest of VENDOR_FILES is the administrators' modeller's).
VIEWER_FILES = ("bpmn-js/bpmn-navigated-viewer.js", "bpmn-js/diagram-js.css", "bpmn-js/bpmn-js.css")

REQUEST = {"cadre_id": "c-zhangwei", "reason": "health", "justification": "", "nominee_id": "c-sunhao",
           "effective_date": "2026-12-20", "evidence": "体检报告"}
TASK_LINK = re.compile(r'href="/tasks/([^"]+)">乡镇党委政府审核</a>')


@pytest.fixture(scope="module")
def case(app: Any, clock: Any) -> str:
    """A replacement the township has approved: one step done, the county's open."""
    response = Browser(app, "hr_edu").post("/requests/new", REQUEST)
    assert response.status_code == 302, response.get_data(as_text=True)
    township = Browser(app, "tw_qingshan")
    found = TASK_LINK.search(township.get("/inbox"))
    assert found is not None
    task = found.group(1)
    done = township.post(f"/tasks/{task}/complete", {"decision": "approve", "comment": "同意"},
                         page=f"/tasks/{task}")
    assert done.status_code == 302, done.get_data(as_text=True)
    return str(response.headers["Location"].rsplit("/", 1)[1])


def test_the_step_bar_reads_done_current_and_ahead(app: Any, case: str) -> None:
    page = Browser(app, "tw_qingshan").get(f"/instances/{case}")
    bar = page[page.index('id="steps"'):page.index("</ol>", page.index('id="steps"'))]
    states = re.findall(r'<li class="step (\w+)"><span class="state">([^<]+)</span>'
                        r'<span class="name">([^<]+)', bar)
    assert states == [
        ("done", "已完成", "乡镇党委政府审核"),
        ("current", "当前", "县驻村工作领导小组审核"),
        ("todo", "待办理", "县委组织部审核备案"),  # a first secretary: filed by the organisation department
    ]
    assert "同意" in bar and "黄磊" in bar  # the decision and who took it
    assert "林涛" in bar and "剩余" in bar  # who holds the open step and its deadline


def test_the_page_hands_the_viewer_its_progress_without_inline_code(app: Any, case: str) -> None:
    page = Browser(app, "hr_edu").get(f"/instances/{case}")
    completed = json.loads(re.search(r"data-completed='([^']*)'", page).group(1))  # type: ignore[union-attr]
    active = json.loads(re.search(r"data-active='([^']*)'", page).group(1))  # type: ignore[union-attr]
    assert {"start", "check_rules", "township_consent"} <= set(completed)
    assert "county_consent" in active and "county_consent" not in completed
    assert f'data-xml-url="/instances/{case}/diagram.bpmn"' in page
    for name in VIEWER_FILES:
        assert name in VENDOR_FILES and f"/vendor/{name}" in page
    assert not re.search(r"<script(?![^>]*\bsrc=)", page)
    assert "<style" not in page and " style=" not in page


def test_the_bpmn_document_follows_the_pages_access_rule(app: Any, case: str) -> None:
    hr = Browser(app, "hr_edu")
    response = hr.client.get(f"/instances/{case}/diagram.bpmn")
    assert response.status_code == 200
    assert response.content_type == "application/xml; charset=utf-8"
    xml = response.get_data(as_text=True)
    assert "<bpmndi:BPMNDiagram" in xml and 'id="county_consent"' in xml
    # another township: 404 as for a case that does not exist; signed out: the login page
    other = Browser(app, "tw_baishui")
    assert other.client.get(f"/instances/{case}/diagram.bpmn").status_code == 404
    assert other.client.get("/instances/no-such-case/diagram.bpmn").status_code == 404
    anonymous = app.test_client().get(f"/instances/{case}/diagram.bpmn")
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]


def test_the_viewer_files_are_served_from_node_modules_and_nothing_else(client: Any) -> None:
    viewer = client.get("/vendor/bpmn-js/bpmn-navigated-viewer.js")
    assert viewer.status_code == 200 and "javascript" in viewer.content_type
    assert b"NavigatedViewer" in viewer.get_data() or b"BpmnJS" in viewer.get_data()
    for name in ("bpmn-js/diagram-js.css", "bpmn-js/bpmn-js.css"):
        css = client.get(f"/vendor/{name}")
        assert css.status_code == 200 and css.content_type.startswith("text/css"), name
    assert "script-src 'self'" in viewer.headers["Content-Security-Policy"]
    for name in ("bpmn-js/package.json", "bpmn-js/../bpmn-js/package.json",
                 "bpmn-js/dist/bpmn-modeler.development.js", "../package-lock.json"):
        assert client.get(f"/vendor/{name}").status_code == 404, name
