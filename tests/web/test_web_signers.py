"""The pages of 加签, 抄送 and 会签: the holder's forms with their errors, the added signer's 签署
from their 待办, a reader's read-only case, the signers of a countersign step; a case ended while
an added signer is still to sign closes their row."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from page_client import Browser
from process_helpers import FS_REQUEST, Api

from service import commands
from service.core.principal import Principal
from service.persistence.db import db
from service.persistence.models import AddedSigner, HumanTask, Notification, ProcessInstance, User

COUNTERSIGN = Path(__file__).resolve().parents[1] / "support" / "fixtures" / "countersign.bpmn"


@pytest.fixture
def api(client: Any, auth: Any, clock: Any) -> Api:
    return Api(client, auth)


started: list[str] = []


@pytest.fixture(autouse=True)
def _ended(client: Any, auth: Any) -> Any:
    """One open request per cadre: each test's case is ended after it."""
    yield
    for iid in started:
        client.post(f"/api/v1/instances/{iid}/terminate", json={"reason": "测试结束"}, headers=auth("admin"))
    started.clear()


def _start(api: Api) -> tuple[str, str]:
    iid = api.post("hr_edu", "/adjustments", FS_REQUEST, status=201)["instance_id"]
    started.append(iid)
    return iid, api.task_of("tw_qingshan", iid)["id"]


def _post(browser: Browser, task_id: str, action: str, data: dict[str, Any]) -> Any:
    """POST /tasks/<id>/<action> from the task page's form."""
    return browser.post(f"/tasks/{task_id}/{action}", data, page=f"/tasks/{task_id}")


def test_before_signer_signs_from_their_inbox_then_the_holder_decides(app: Any, api: Api, clock: Any) -> None:
    iid, task_id = _start(api)
    holder, signer = Browser(app, "tw_qingshan"), Browser(app, "county")
    page = holder.get(f"/tasks/{task_id}")
    assert 'id="add-signer"' in page and 'id="cc"' in page and "县驻村工作领导小组 林涛（county）" in page

    # errors next to their fields, nothing written
    empty = _post(holder, task_id, "signers", {"signer": "", "mode": ""})
    body = empty.get_data(as_text=True)
    assert empty.status_code == 422 and "请填写加签人的姓名" in body and "请选择加签方式" in body
    nobody = _post(holder, task_id, "signers", {"signer": "无此人", "mode": "before"})
    assert nobody.status_code == 422 and "没有找到有效用户“无此人”" in nobody.get_data(as_text=True)
    self_added = _post(holder, task_id, "signers", {"signer": "tw_qingshan", "mode": "before"})
    assert self_added.status_code == 422  # not offered, and not taken: the holder is left out
    with app.app_context():
        assert not db.session.execute(sa.select(AddedSigner).where(AddedSigner.task_id == task_id)).all()

    added = _post(holder, task_id, "signers", {"signer": "林涛", "mode": "before", "reason": "请县里先看"})
    assert added.status_code == 302, added.get_data(as_text=True)
    page = holder.get(f"/tasks/{task_id}")
    assert 'id="signer-pending"' in page and "前加签" in page and "请县里先看" in page
    assert 'id="decide-blocked"' in page and 'class="bare" disabled' in page
    assert 'id="add-signer"' not in page  # one added signer at a time
    refused = _post(holder, task_id, "complete", {"decision": "approve", "comment": ""})
    assert refused.status_code == 409 and "须待 county 签署" in refused.get_data(as_text=True)

    # the signer finds it in 待办, marked, and signs on the task page
    inbox = signer.get("/inbox")
    assert f"/tasks/{task_id}" in inbox and "请您加签" in inbox
    assert "待县驻村工作领导小组 林涛加签" in holder.get("/inbox")
    page = signer.get(f"/tasks/{task_id}")
    assert 'id="sign"' in page and 'id="decide"' not in page
    no_reason = _post(signer, task_id, "signers/sign", {"decision": "reject", "comment": ""})
    assert no_reason.status_code == 422 and "不同意时须填写意见" in no_reason.get_data(as_text=True)
    clock.advance(minutes=10)
    signed = _post(signer, task_id, "signers/sign", {"decision": "approve", "comment": "同意"})
    assert signed.status_code == 302
    assert f"/tasks/{task_id}" not in signer.get("/inbox")
    page = holder.get(f"/tasks/{task_id}")
    assert 'id="signer-pending"' not in page and 'id="signers"' in page and "同意" in page
    done = _post(holder, task_id, "complete", {"decision": "approve", "comment": "同意"})
    assert done.status_code == 302, done.get_data(as_text=True)
    assert "前加签：县驻村工作领导小组 林涛" in holder.get(f"/instances/{iid}")  # the timeline says who


def test_after_signer_needs_the_holders_decision_and_applies_it(app: Any, api: Api, clock: Any) -> None:
    iid, task_id = _start(api)
    holder = Browser(app, "tw_qingshan")
    missing = _post(holder, task_id, "signers", {"signer": "county", "mode": "after"})
    assert missing.status_code == 422 and "后加签须同时给出您本人的办理意见" in missing.get_data(as_text=True)
    after = {"signer": "county", "mode": "after"}
    no_comment = _post(holder, task_id, "signers", {**after, "own_decision": "return", "own_comment": ""})
    assert no_comment.status_code == 422 and "须填写意见" in no_comment.get_data(as_text=True)
    added = _post(holder, task_id, "signers", {**after, "own_decision": "approve", "own_comment": "同意"})
    assert added.status_code == 302
    assert "待加签人同意后生效" in holder.get(f"/tasks/{task_id}")
    clock.advance(minutes=10)
    signer = Browser(app, "county")
    assert _post(signer, task_id, "signers/sign", {"decision": "approve"}).status_code == 302
    with app.app_context():
        assert db.session.get(HumanTask, task_id).status == "done"
    assert [t["spec_id"] for t in api.instance("hr_edu", iid)["open_tasks"]] == ["county_consent"]


def test_others_get_404_and_a_reader_reads_without_acting(app: Any, api: Api) -> None:
    iid, task_id = _start(api)
    stranger, holder = Browser(app, "tw_baishui"), Browser(app, "tw_qingshan")
    stranger.get(f"/tasks/{task_id}", status=404)
    stranger.get(f"/instances/{iid}", status=404)
    for path, data in ((f"/tasks/{task_id}/signers", {"signer": "county", "mode": "before"}),
                       (f"/tasks/{task_id}/signers/sign", {"decision": "approve"}),
                       (f"/tasks/{task_id}/cc", {"readers": "county"})):
        assert stranger.post(path, data, page="/inbox").status_code == 404, path

    empty = _post(holder, task_id, "cc", {"readers": ["", ""], "note": ""})
    assert empty.status_code == 422 and "请至少选择一位抄送人" in empty.get_data(as_text=True)
    unknown = _post(holder, task_id, "cc", {"readers": ["查无此人"]})
    assert unknown.status_code == 422 and "没有找到有效用户“查无此人”" in unknown.get_data(as_text=True)
    copied = _post(holder, task_id, "cc", {"readers": ["白水乡党委 徐丽（tw_baishui）"], "note": "请阅知"})
    assert copied.status_code == 302
    assert "已抄送：白水乡党委 徐丽" in holder.get(f"/tasks/{task_id}")

    case = stranger.get(f"/instances/{iid}")  # now a reader of this case
    assert 'id="copied-to-me"' in case and "青山镇党委 黄磊" in case and "请阅知" in case
    assert "抄送" in stranger.get("/notifications")
    page = stranger.get(f"/tasks/{task_id}")
    assert 'id="copied-to-me"' in page
    assert not any(f'id="{panel}"' in page for panel in ("decide", "add-signer", "cc", "sign"))
    assert f"/tasks/{task_id}" not in stranger.get("/inbox")
    # a reader acting anyway is refused by the command (the reader does not hold the task)
    assert stranger.post(f"/tasks/{task_id}/signers", {"signer": "county", "mode": "before"},
                         page=f"/tasks/{task_id}").status_code == 403


def test_an_ended_case_closes_its_open_added_signer(app: Any, api: Api, client: Any, auth: Any) -> None:
    iid, task_id = _start(api)
    holder = Browser(app, "tw_qingshan")
    assert _post(holder, task_id, "signers", {"signer": "county", "mode": "before"}).status_code == 302
    ended = client.post(f"/api/v1/instances/{iid}/terminate", json={"reason": "改派他人"},
                        headers=auth("admin"))
    assert ended.status_code == 200, ended.get_json()
    with app.app_context():
        row = db.session.execute(sa.select(AddedSigner).where(AddedSigner.task_id == task_id)).scalar_one()
        assert row.status == "cancelled"
        told = db.session.execute(sa.select(Notification.message).where(
            Notification.login == "county", Notification.task_id == task_id, Notification.kind == "signer")
        ).scalars().all()
        assert any("无需再签署" in m for m in told), told
    assert f"/tasks/{task_id}" not in Browser(app, "county").get("/inbox")
    body = api.get("admin", f"/audit/instances/{iid}/verify")
    assert body["chain"] == "ok" and body["replay"] == "ok", body


def _as(login: str) -> Principal:
    return Principal.from_user(db.session.get(User, login))


def test_countersign_signers_find_their_tasks_and_the_pages_show_who_signed(app: Any, clock: Any) -> None:
    with app.app_context():
        commands.deploy(_as("admin"), {"countersign.bpmn": COUNTERSIGN.read_bytes().replace(b"RULE", b"all")})
        iid = commands.start_process(_as("admin"), "joint_review", {"signers": ["county", "orgdept"]}).id
        tasks = dict(db.session.execute(sa.select(HumanTask.scope_id, HumanTask.id).where(
            HumanTask.instance_id == iid)).all())
    county, orgdept = Browser(app, "county"), Browser(app, "orgdept")
    assert f"/tasks/{tasks['county']}" in county.get("/inbox")
    assert f"/tasks/{tasks['orgdept']}" not in county.get("/inbox")  # each signer their own
    page = county.get(f"/tasks/{tasks['county']}")
    assert "会签：联合会签" in page and "全部同意方通过" in page and "已签 0/2" in page
    clock.advance(minutes=10)
    signed = _post(county, tasks["county"], "complete", {"decision": "approve", "comment": ""})
    assert signed.status_code == 302, signed.get_data(as_text=True)
    page = orgdept.get(f"/tasks/{tasks['orgdept']}")
    assert "已签 1/2" in page and "待签" in page
    clock.advance(minutes=10)
    signed = _post(orgdept, tasks["orgdept"], "complete", {"decision": "approve", "comment": ""})
    assert signed.status_code == 302
    with app.app_context():
        assert db.session.get(ProcessInstance, iid).status == "completed"
    case = county.get(f"/instances/{iid}")
    assert "已签 2/2" in case and case.count('class="signer-done"') == 2
