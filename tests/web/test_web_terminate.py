"""The instance page's terminate form (终止流程): administrators only, a reason and an explicit
confirmation, CSRF like every form; an instance in error shows why."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import sqlalchemy as sa
from page_client import Browser

from service import commands
from service.core.principal import Principal
from service.persistence.db import db
from service.persistence.models import ProcessInstance, User

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
ADJUSTMENT = {"cadre_id": "c-zhangwei", "village_id": "v-shangzhuang", "role": "first_secretary",
              "reason": "health", "justification": "", "nominee_id": "c-sunhao",
              "effective_date": date(2026, 12, 20), "evidence": ["体检报告"]}




def submitted(app: Any) -> str:
    """A running request of c-zhangwei (the tests of this module run in order: each ends the one
    before it, so a new request for the same cadre is allowed)."""
    with app.app_context():
        user = db.session.get(User, "hr_edu")
        row = commands.submit_adjustment(Principal.from_user(user), dict(ADJUSTMENT))
        return row.id


def running(app: Any) -> str:
    with app.app_context():
        return db.session.execute(sa.select(ProcessInstance.id).where(
            ProcessInstance.status == "running", ProcessInstance.cadre_id == "c-zhangwei")).scalar_one()


def status_of(app: Any, instance_id: str) -> ProcessInstance:
    with app.app_context():
        return db.session.get(ProcessInstance, instance_id)


def test_only_administrators_see_the_terminate_form(app: Any, clock: Any) -> None:
    iid = submitted(app)
    page = f"/instances/{iid}"
    assert 'id="terminate"' in Browser(app, "admin").get(page)
    submitter = Browser(app, "hr_edu")
    assert 'id="terminate"' not in submitter.get(page)  # the submitter sees the page, not the form
    refused = submitter.post(f"/instances/{iid}/terminate", {"reason": "x", "confirm": "on"}, page=page)
    assert refused.status_code == 403 and "只有系统管理员可以终止" in refused.get_data(as_text=True)
    assert status_of(app, iid).status == "running"


def test_terminating_needs_a_reason_and_the_confirmation(app: Any, clock: Any) -> None:
    iid = running(app)
    admin, page = Browser(app, "admin"), f"/instances/{iid}"
    response = admin.post(f"/instances/{iid}/terminate", {"reason": " "}, page=page)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'data-error-for="reason">请填写终止原因' in html and 'data-error-for="confirm">请勾选确认' in html
    no_token = admin.client.post(f"/instances/{iid}/terminate", data={"reason": "x", "confirm": "on"})
    assert no_token.status_code in (400, 403)  # CSRF refused
    assert status_of(app, iid).status == "running"

    done = admin.post(f"/instances/{iid}/terminate", {"reason": "申请人已调离，终止办理", "confirm": "on"},
                      page=page)
    assert done.status_code == 302 and done.headers["Location"].endswith(page)
    html = admin.get(page)
    assert "已终止该流程实例" in html and 'class="status-terminated">已终止' in html
    assert "申请人已调离，终止办理" in html  # in the timeline
    assert 'id="terminate"' not in html  # nothing left to terminate
    assert status_of(app, iid).status == "terminated"


def test_an_errored_instance_shows_its_reason(app: Any, clock: Any) -> None:
    iid = submitted(app)
    with app.app_context():
        row = db.session.get(ProcessInstance, iid)
        row.status, row.error = "error", "超出运行限制：脚本超出运行预算（流程环节 gw_township_decision）"
        db.session.commit()
    html = Browser(app, "admin").get(f"/instances/{iid}")
    assert 'id="instance-error"' in html and "脚本超出运行预算" in html and 'id="terminate"' in html
