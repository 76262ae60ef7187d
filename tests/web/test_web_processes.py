"""The process administration pages (流程管理): administrators manage, the county leading group
office reads, everyone else gets 404; a .bpmn upload and the modeller's save deploy a new version
through the deploy command; the difference between two versions; the instances of a version with
suspend, resume and terminate, each with its reason in the history and the audit still agreeing.
The tests of this module run in order on one database (SQLite, and PostgreSQL when configured)."""

from __future__ import annotations

import re
from datetime import date
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from page_client import CSRF, Browser

from service import commands
from service.audit import verify_instance
from service.core.principal import Principal
from service.persistence.db import db
from service.persistence.models import HistoryEvent, ProcessDefinition, ProcessInstance, User

KEY = "mid_term_replacement"
BPMN = (Path(__file__).resolve().parents[2] / "bpmn" / f"{KEY}.bpmn").read_text(encoding="utf-8")
# Version 2: the township's consent goes to the county leading group office.
TO_COUNTY = BPMN.replace(
    'id="township_consent" name="乡镇党委政府审核" camunda:candidateGroups="township"',
    'id="township_consent" name="乡镇党委政府审核" camunda:candidateGroups="county"').replace(
    '<camunda:property name="scope" value="township:township_id"/>',
    '<camunda:property name="scope" value="county"/>', 1)
OTHERS = ["hr_edu", "tw_qingshan", "orgdept", "rrb", "auditor", "cadre_zhangwei"]
READ_PAGES = ["/processes", f"/processes/{KEY}", f"/processes/{KEY}/v1",
              f"/processes/{KEY}/v1/diagram.bpmn", f"/processes/{KEY}/diff?from=1&to=1",
              f"/processes/{KEY}/instances"]
ADMIN_PAGES = [f"/modeller?key={KEY}", "/modeller", f"/modeller/source.bpmn?key={KEY}"]
ADJUSTMENT = {"cadre_id": "c-zhangwei", "village_id": "v-shangzhuang", "role": "first_secretary",
              "reason": "health", "justification": "", "nominee_id": "c-sunhao",
              "effective_date": date(2026, 12, 20), "evidence": ["体检报告"]}
state: dict[str, Any] = {}


def token_of(browser: Browser, page: str) -> str:
    found = CSRF.search(browser.get(page))
    assert found is not None
    return found.group(1)


def upload(browser: Browser, name: str, content: str, token: str | None = None) -> Any:
    token = token if token is not None else token_of(browser, "/processes")
    return browser.client.post("/processes/upload", content_type="multipart/form-data", data={
        "csrf_token": token, "files": (BytesIO(content.encode("utf-8")), name)})


def model_deploy(browser: Browser, xml: str, token: str | None = None) -> Any:
    token = token if token is not None else token_of(browser, f"/modeller?key={KEY}")
    return browser.client.post("/modeller/deploy", content_type="multipart/form-data", data={
        "csrf_token": token, "xml": (BytesIO(xml.encode("utf-8")), "model.bpmn")})


def start(app: Any, cadre: str = "c-zhangwei", village: str = "v-shangzhuang",
          nominee: str = "c-sunhao") -> str:
    with app.app_context():
        user = db.session.get(User, "hr_edu")
        row = commands.submit_adjustment(Principal.from_user(user), {
            **ADJUSTMENT, "cadre_id": cadre, "village_id": village, "nominee_id": nominee})
        return row.id


def instance(app: Any, iid: str) -> ProcessInstance:
    with app.app_context():
        return db.session.get_one(ProcessInstance, iid)


def kinds(app: Any, iid: str) -> list[tuple[str, str | None, str | None]]:
    with app.app_context():
        events = db.session.execute(sa.select(HistoryEvent).where(HistoryEvent.instance_id == iid)
                                    .order_by(HistoryEvent.seq)).scalars()
        return [(e.kind, e.actor_login, e.comment) for e in events]


def verified(app: Any, iid: str) -> bool:
    with app.app_context():
        result = verify_instance(iid)
        return (result.chain, result.replay) == ("ok", "ok")


def test_who_may_see_and_do_what(app: Any, clock: Any) -> None:
    admin, county = Browser(app, "admin"), Browser(app, "county")
    for page in READ_PAGES + ADMIN_PAGES:
        admin.get(page)
    for page in READ_PAGES:
        county.get(page)
    assert "流程管理" in admin.get("/inbox") and "流程管理" in county.get("/inbox")
    assert 'id="upload"' in admin.get("/processes") and "在建模器中编辑" in admin.get("/processes")
    listing = county.get("/processes")
    assert "只读" in listing and 'id="upload"' not in listing and "在建模器中编辑" not in listing
    for page in ADMIN_PAGES:
        county.get(page, status=403)  # sees the processes, may not model them
    refused = upload(county, f"{KEY}.bpmn", TO_COUNTY)
    assert refused.status_code == 403
    assert model_deploy(county, TO_COUNTY, token_of(county, "/processes")).status_code == 403
    for login in OTHERS:
        other = Browser(app, login)
        assert "流程管理" not in other.get("/inbox")
        for page in READ_PAGES + ADMIN_PAGES:
            other.get(page, status=404)
        token = token_of(other, "/inbox")
        assert upload(other, f"{KEY}.bpmn", TO_COUNTY, token).status_code == 404
        assert model_deploy(other, TO_COUNTY, token).status_code == 404
    anonymous = app.test_client().get("/processes")
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    # Nothing was deployed by any of them.
    with app.app_context():
        assert db.session.execute(sa.select(sa.func.count()).select_from(ProcessDefinition).where(
            ProcessDefinition.key == KEY)).scalar_one() == 1


def test_the_list_and_versions_count_the_instances_by_status(app: Any, clock: Any) -> None:
    state["first"] = start(app)
    admin = Browser(app, "admin")
    html = admin.get("/processes")
    row = re.search(rf'<tr data-key="{KEY}">(.*?)</tr>', html, re.S)
    assert row is not None and "第 1 版" in row.group(1) and "办理中 1" in row.group(1)
    versions = admin.get(f"/processes/{KEY}")
    assert 'data-version="1"' in versions and "system" in versions  # deployed by `cadreflow deploy` / seed
    page = admin.get(f"/processes/{KEY}/v1")
    assert 'data-step="township_consent"' in page and "乡镇党委政府（township）" in page
    assert "予以备案（approve）" in page  # a step's own word for a decision
    assert 'data-xml-url="/processes/mid_term_replacement/v1/diagram.bpmn"' in page
    xml = admin.client.get(f"/processes/{KEY}/v1/diagram.bpmn")
    assert xml.content_type.startswith("application/xml")
    assert 'id="township_consent"' in xml.get_data(as_text=True)
    admin.get(f"/processes/{KEY}/v9", status=404)
    admin.get("/processes/no_such_process", status=404)


def test_an_upload_deploys_a_new_version(app: Any, clock: Any) -> None:
    admin = Browser(app, "admin")
    assert upload(admin, "notes.txt", "x").status_code == 422
    # (a step without candidateGroups now takes its lane's role: an unknown decision cannot run)
    broken = upload(admin, f"{KEY}.bpmn", TO_COUNTY.replace('value="approve,reject,return"',
                                                            'value="approve,maybe"', 1))
    html = broken.get_data(as_text=True)
    assert broken.status_code == 422
    assert "未知的决定" in html and "township_consent" in html
    no_token = admin.client.post("/processes/upload", content_type="multipart/form-data", data={
        "files": (BytesIO(TO_COUNTY.encode()), f"{KEY}.bpmn")})
    assert no_token.status_code == 400

    done = upload(admin, f"{KEY}.bpmn", TO_COUNTY)
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/processes/{KEY}/v2")
    assert "已部署「驻村干部中途调整」第 2 版" in admin.get(f"/processes/{KEY}/v2")
    again = upload(admin, f"{KEY}.bpmn", TO_COUNTY)
    assert again.headers["Location"].endswith(f"/processes/{KEY}/v2")
    assert "未新建版本" in admin.get(f"/processes/{KEY}/v2")
    with app.app_context():
        row = db.session.execute(sa.select(ProcessDefinition).where(
            ProcessDefinition.key == KEY, ProcessDefinition.version == 2)).scalar_one()
        assert row.deployed_by == "admin" and row.deployed_at == clock.now()
    # The next case starts on version 2 and its first step waits on the county.
    state["second"] = start(app, "c-zhaomin", "v-hongyan", "c-zhengkai")
    with app.app_context():
        row = db.session.get_one(ProcessInstance, state["second"])
        assert db.session.get_one(ProcessDefinition, row.definition_id).version == 2
    assert "乡镇党委政府审核" in Browser(app, "county").get("/inbox")


def test_the_difference_between_two_versions(app: Any, clock: Any) -> None:
    county = Browser(app, "county")
    html = county.get(f"/processes/{KEY}/diff?from=1&to=2")
    changed = re.findall(r'<tr data-element="([^"]+)" data-property="([^"]+)">', html)
    assert changed == [("township_consent", "camunda:candidateGroups"), ("township_consent", "prop:scope")]
    assert "乡镇党委政府（township）" in html and "县驻村工作领导小组（county）" in html
    assert 'id="added"' not in html and 'id="removed"' not in html
    assert '<span class="del">-    &lt;bpmn:userTask id=&#34;township_consent&#34;' in html
    scope = "&lt;camunda:property name=&#34;scope&#34; value=&#34;county&#34;/&gt;"
    assert f'<span class="add">+          {scope}' in html
    assert "两个版本的文件完全相同" in county.get(f"/processes/{KEY}/diff?from=2&to=2")
    latest = county.get(f"/processes/{KEY}/diff")  # the latest version against the one before
    assert 'data-element="township_consent"' in latest
    county.get(f"/processes/{KEY}/diff?from=1&to=7", status=404)


def test_the_modeller_deploys_what_it_saved(app: Any, clock: Any) -> None:
    admin = Browser(app, "admin")
    page = admin.get(f"/modeller?key={KEY}")
    assert 'data-source-url="/modeller/source.bpmn?key=mid_term_replacement"' in page
    assert "/vendor/bpmn-js/bpmn-modeler.js" in page and "/vendor/camunda-bpmn-moddle/camunda.json" in page
    source = admin.client.get(f"/modeller/source.bpmn?key={KEY}").get_data(as_text=True)
    assert 'camunda:candidateGroups="county"' in source  # the latest version opens
    blank = admin.client.get("/modeller/source.bpmn").get_data(as_text=True)
    assert 'id="new_process"' in blank

    unchanged = model_deploy(admin, source)
    assert unchanged.status_code == 200 and unchanged.get_json()["created"] is False
    assert unchanged.get_json()["version"] == 2
    wrong = model_deploy(admin, source.replace('value="approve,reject,return"', 'value="approve,maybe"', 1))
    body = wrong.get_json()
    assert wrong.status_code == 422 and not body["ok"] and "未知的决定" in body["message"]
    assert body["element_id"] == "township_consent"
    assert model_deploy(admin, source, token="wrong").status_code == 400
    assert admin.client.post("/modeller/deploy", data={"csrf_token": token_of(admin, "/modeller")}
                             ).status_code == 422  # no drawing sent

    back = source.replace('camunda:candidateGroups="county"', 'camunda:candidateGroups="township"', 1)
    back = back.replace('<camunda:property name="scope" value="county"/>',
                        '<camunda:property name="scope" value="township:township_id"/>', 1)
    same_as_first = model_deploy(admin, back).get_json()
    assert same_as_first["created"] is False and same_as_first["version"] == 1
    assert "最新版本仍为第 2 版" in same_as_first["message"]
    done = model_deploy(admin, back.replace("return:退回修改", "return:退回补充", 1))
    body = done.get_json()
    assert done.status_code == 201 and body["created"] and body["version"] == 3
    assert body["url"] == f"/processes/{KEY}/v3" and "第 3 版" in body["message"]
    with app.app_context():
        row = db.session.execute(sa.select(ProcessDefinition).where(
            ProcessDefinition.key == KEY, ProcessDefinition.version == 3)).scalar_one()
        assert sorted(row.files) == [f"{KEY}.bpmn"] and row.deployed_by == "admin"  # the file keeps its name


def test_instances_by_version_with_suspend_resume_and_terminate(app: Any, clock: Any) -> None:
    first, second = state["first"], state["second"]
    admin, county = Browser(app, "admin"), Browser(app, "county")
    listing = f"/processes/{KEY}/instances?version=2"
    html = admin.get(listing)
    assert f'data-instance="{second}"' in html and f'data-instance="{first}"' not in html
    assert 'data-action="suspend"' in html and 'data-action="terminate"' in html
    assert 'data-action="resume"' not in html
    read_only = county.get(listing)
    assert f'data-instance="{second}"' in read_only and "data-action" not in read_only
    assert f'data-instance="{first}"' in admin.get(f"/processes/{KEY}/instances?status=running&version=1")

    # From the list: a reason is needed; the answer returns to the list.
    blank = admin.post(f"/instances/{second}/suspend", {"reason": " ", "back": listing}, page=listing)
    assert blank.status_code == 302 and blank.headers["Location"] == listing
    assert "请填写挂起原因" in admin.get(listing) and instance(app, second).status == "running"
    refused = county.post(f"/instances/{second}/suspend", {"reason": "越权", "back": listing}, page=listing)
    assert refused.status_code == 403 and instance(app, second).status == "running"
    done = admin.post(f"/instances/{second}/suspend", {"reason": "核对新版本的审批路径", "back": listing},
                      page=listing)
    assert done.status_code == 302 and done.headers["Location"] == listing
    html = admin.get(listing)
    assert "已挂起该流程实例" in html and 'class="status-suspended">已挂起' in html
    assert 'data-action="resume"' in html and 'data-action="suspend"' not in html
    assert f'data-instance="{second}"' in admin.get(f"/processes/{KEY}/instances?status=suspended")
    assert "已挂起 1" in admin.get(f"/processes/{KEY}")
    # Elsewhere than the process pages, `back` is not followed.
    outside = admin.post(f"/instances/{second}/resume", {"reason": "x", "back": "https://example.org/"},
                         page=listing)
    assert outside.status_code == 302 and outside.headers["Location"] == f"/instances/{second}"
    assert instance(app, second).status == "running"
    admin.post(f"/instances/{second}/suspend", {"reason": "再次核对", "back": listing}, page=listing)

    # The case page says so; its task cannot be decided meanwhile.
    case = admin.get(f"/instances/{second}")
    assert 'id="instance-suspended"' in case and 'id="resume"' in case and 'id="suspend"' not in case
    task = re.search(r'href="/tasks/([^"]+)"', case)
    assert task is not None
    assert '<span class="tag suspended"' in county.get("/inbox")
    county_task = county.get(f"/tasks/{task.group(1)}")
    assert 'id="task-suspended"' in county_task and 'id="decide"' not in county_task
    forced = county.post(f"/tasks/{task.group(1)}/complete", {"decision": "approve"},
                         page=f"/instances/{second}")
    assert forced.status_code == 409 and "挂起" in forced.get_data(as_text=True)

    resumed = admin.post(f"/instances/{second}/resume", {"reason": "路径无误，继续办理"},
                         page=f"/instances/{second}")
    assert resumed.status_code == 302 and instance(app, second).status == "running"
    no_confirm = admin.post(f"/instances/{first}/terminate", {"reason": "重复申请", "back": listing},
                            page=listing)
    assert no_confirm.status_code == 302 and instance(app, first).status == "running"
    assert "请勾选确认" in admin.get(listing)
    admin.post(f"/instances/{first}/terminate", {"reason": "重复申请", "confirm": "on", "back": listing},
               page=listing)
    assert instance(app, first).status == "terminated"

    assert kinds(app, second)[-4:] == [
        ("suspend", "admin", "核对新版本的审批路径"), ("resume", "admin", "x"),
        ("suspend", "admin", "再次核对"), ("resume", "admin", "路径无误，继续办理")]
    assert kinds(app, first)[-1] == ("terminate", "admin", "重复申请")
    assert verified(app, first) and verified(app, second)


def test_the_case_page_answers_a_missing_reason_in_place(app: Any, clock: Any) -> None:
    iid = state["second"]
    admin = Browser(app, "admin")
    response = admin.post(f"/instances/{iid}/suspend", {"reason": ""}, page=f"/instances/{iid}")
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and 'data-error-for="reason">请填写挂起原因' in html
    assert re.search(r'<section class="panel" id="suspend">\s*<h2>挂起流程</h2>\s*<details open>', html)
    assert instance(app, iid).status == "running"


@pytest.mark.parametrize("page", ["/processes", f"/processes/{KEY}/instances"])
def test_the_pages_carry_no_inline_script(app: Any, clock: Any, page: str) -> None:
    html = Browser(app, "admin").get(page)
    assert "<script>" not in html and " style=" not in html and "onclick" not in html


def test_the_modeller_files_are_served_from_node_modules(client: Any) -> None:
    modeler = client.get("/vendor/bpmn-js/bpmn-modeler.js")
    assert modeler.status_code == 200 and "javascript" in modeler.content_type
    assert b"BpmnJS" in modeler.get_data()
    font_css = client.get("/vendor/bpmn-js/bpmn-font/css/bpmn.css")
    assert font_css.status_code == 200 and b"../font/bpmn.woff2" in font_css.get_data()
    assert client.get("/vendor/bpmn-js/bpmn-font/font/bpmn.woff2").status_code == 200  # beside it, as named
    descriptor = client.get("/vendor/camunda-bpmn-moddle/camunda.json").get_json()
    assert descriptor["prefix"] == "camunda" and any(t["name"] == "FormField" for t in descriptor["types"])
    assert client.get("/vendor/camunda-bpmn-moddle/package.json").status_code == 404
