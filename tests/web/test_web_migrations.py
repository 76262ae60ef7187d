"""The 迁移实例 page of a version (流程管理): the plan with each step's target, editable; the dry run
of the version's running instances with each one's reasons; the move, for administrators only
(the county reads, everyone else gets 404). The tests of this module run in order on one database."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from page_client import CSRF, Browser
from process_helpers import FS_REQUEST

from service.audit import verify_instance
from service.persistence.db import db
from service.persistence.models import HistoryEvent, ProcessDefinition, ProcessInstance

KEY = "mid_term_replacement"
V2 = (Path(__file__).resolve().parents[1] / "support" / "fixtures" / "mid_term_replacement_v2_migration.bpmn")
PAGE = f"/processes/{KEY}/v1/migrate"
state: dict[str, Any] = {}


def version_of(app: Any, iid: str) -> int:
    with app.app_context():
        row = db.session.get_one(ProcessInstance, iid)
        return db.session.get_one(ProcessDefinition, row.definition_id).version


def row_of(html: str, instance_id: str) -> str:
    found = re.search(rf'<tr data-instance="{instance_id}".*?</tr>', html, re.S)
    assert found is not None, html
    return found.group(0)


def test_one_version_has_nowhere_to_go(app: Any, clock: Any, auth: Any) -> None:
    admin = Browser(app, "admin")
    assert 'id="migrate-instances"' in admin.get(f"/processes/{KEY}/v1")
    assert 'id="no-target"' in admin.get(PAGE)
    body = app.test_client().post("/api/v1/adjustments", json=FS_REQUEST, headers=auth("hr_edu"))
    state["id"] = body.get_json()["instance_id"]
    clock.advance(hours=1)
    tasks = app.test_client().get("/api/v1/tasks", headers=auth("tw_qingshan")).get_json()["items"]
    task = next(t for t in tasks if t["instance_id"] == state["id"])
    done = app.test_client().post(f"/api/v1/tasks/{task['id']}/complete", headers=auth("tw_qingshan"),
                                  json={"decision": "approve", "comment": "同意", "data": {}})
    assert done.status_code == 200
    deployed = app.test_client().post("/api/v1/definitions", headers=auth("admin"),
                                      content_type="multipart/form-data",
                                      data={"files": (V2.open("rb"), "mid_term_replacement.bpmn")})
    assert deployed.status_code == 201


def test_the_plan_and_the_dry_run(app: Any, clock: Any) -> None:
    admin = Browser(app, "admin")
    html = admin.get(PAGE)  # the newest other version by default
    assert '<option value="2" selected>第 2 版（最新）</option>' in html
    step = re.search(r'<tr data-step="county_consent".*?</tr>', html, re.S).group(0)
    assert '<option value="county_consent" selected>县驻村工作领导小组审议（county_consent）</option>' in step
    assert "调整结果公示（county_publicity）" in step and "可迁移" in step
    row = row_of(html, state["id"])
    assert 'class="movable"' in row and 'name="instance"' in row and "县驻村工作领导小组审核" in row
    assert "可迁移 1 个，不能迁移 0 个" in html

    unmapped = admin.get(f"{PAGE}?to=2&map.county_consent=")
    row = row_of(unmapped, state["id"])
    assert 'class="not-movable"' in row and 'name="instance"' not in row
    assert "实例停在「县驻村工作领导小组审核」（county_consent）：目标版本中没有对应环节" in row
    assert 'name="map.county_consent" value=""' in unmapped  # the move would use the plan shown
    bad = admin.client.get(f"{PAGE}?to=2&map.county_consent=nowhere")
    assert bad.status_code == 422 and "目标环节「nowhere」在目标版本中不存在" in bad.get_data(as_text=True)
    assert admin.client.get(f"{PAGE}?to=9").status_code == 422
    admin.get(f"/processes/{KEY}/v7/migrate", status=404)
    with app.app_context():
        assert db.session.execute(sa.select(sa.func.count()).select_from(HistoryEvent).where(
            HistoryEvent.kind == "migrated")).scalar() == 0


def test_the_county_reads_and_others_do_not_see_it(app: Any, clock: Any) -> None:
    county = Browser(app, "county")
    html = county.get(PAGE)
    assert 'id="read-only"' in html and 'id="migrate"' not in html and 'name="instance"' not in html
    token = CSRF.search(html).group(1)
    refused = county.client.post(PAGE, data={"csrf_token": token, "to": "2", "instance": state["id"]})
    assert refused.status_code == 403
    for login in ("hr_edu", "tw_qingshan", "orgdept", "auditor"):
        other = Browser(app, login)
        other.get(PAGE, status=404)
        assert other.client.post(PAGE, data={"to": "2", "instance": state["id"]}).status_code in (400, 404)
    assert version_of(app, state["id"]) == 1


def test_an_administrator_moves_the_checked_instances(app: Any, clock: Any) -> None:
    admin = Browser(app, "admin")
    assert admin.client.post(PAGE, data={"to": "2", "instance": state["id"]}).status_code == 400  # no token
    nothing = admin.post(PAGE, {"to": "2"}, page=PAGE)
    assert nothing.status_code == 422 and "请勾选要迁移的实例" in nothing.get_data(as_text=True)
    clock.advance(minutes=10)
    done = admin.post(PAGE, {"to": "2", "map.county_consent": "county_consent", "instance": state["id"],
                             "reason": "新版增加公示环节"}, page=PAGE)
    assert done.status_code == 302 and done.headers["Location"].endswith(f"{PAGE}?to=2")
    after = admin.get(f"{PAGE}?to=2")
    assert "已将 1 个实例迁移到第 2 版" in after and state["id"] not in after
    assert version_of(app, state["id"]) == 2
    with app.app_context():
        event = db.session.execute(sa.select(HistoryEvent).where(
            HistoryEvent.instance_id == state["id"], HistoryEvent.kind == "migrated")).scalar_one()
        assert (event.actor_login, event.comment) == ("admin", "新版增加公示环节")
        assert verify_instance(state["id"]).ok
    case = admin.get(f"/instances/{state['id']}")
    assert "迁移版本：第 1 版 → 第 2 版" in case and "县驻村工作领导小组审议" in case
