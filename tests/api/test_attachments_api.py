"""Attachments (附件) through HTTP: upload, submit with a step, list, download, versions, access.

A file is uploaded first (pending, its uploader's only), then a step names it: the request, its
revision, the recall's finding and the cadre's statement. The step's history event names its
name, size and SHA-256; the download is exactly those bytes, under its Chinese name, to whoever may
see the case (404 to anyone else); a file sent again under the same name is a new version, and the
old one stays listed and downloadable.
"""

from __future__ import annotations

import hashlib
import io
from typing import Any
from urllib.parse import quote

import office_files
import pytest
from process_helpers import FS_REQUEST, HANDOVER_LIST, Api, problem_fields

state: dict[str, Any] = {}


@pytest.fixture
def api(client, auth, clock):
    return Api(client, auth)


def upload(client: Any, auth: Any, login: str, content: bytes, name: str, path: str = "/attachments",
           status: int = 201) -> dict[str, Any]:
    response = client.post(f"/api/v1{path}", headers=auth(login), content_type="multipart/form-data",
                           data={"file": (io.BytesIO(content), name)})
    assert response.status_code == status, response.get_json()
    return response.get_json()


def sha(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


NAME = "医院诊断证明.pdf"
CERTIFICATE = office_files.pdf("hospital certificate v1")
CERTIFICATE_V2 = office_files.pdf("hospital certificate v2")
MINUTES = office_files.docx("党委会议纪要")


def test_a_request_carries_uploaded_files_and_its_event_names_their_hashes(api, client, auth):
    certificate = upload(client, auth, "hr_edu", CERTIFICATE, "医院诊断证明.pdf")
    assert certificate["status"] == "pending" and certificate["sha256"] == sha(CERTIFICATE)
    assert (certificate["name"], certificate["kind"], certificate["size"]) == (
        "医院诊断证明.pdf", "pdf", len(CERTIFICATE))
    minutes = upload(client, auth, "hr_edu", MINUTES, "单位党委会议纪要.docx")
    # Pending: only its uploader sees it, whatever the reader's reach.
    for login in ("auditor", "tw_qingshan", "hr_hospital"):
        api.get(login, f"/attachments/{certificate['id']}", status=404)
    api.get("hr_edu", f"/attachments/{certificate['id']}")

    request = {**FS_REQUEST, "attachments": [certificate["id"], minutes["id"]]}
    body = api.post("hr_edu", "/adjustments", request, status=201)
    iid = state["id"] = body["instance_id"]
    state["certificate"] = certificate["id"]

    files = api.get("tw_qingshan", f"/instances/{iid}/attachments")["items"]
    assert [(f["name"], f["version"], f["step"], f["status"], f["event_seq"]) for f in files] == [
        ("医院诊断证明.pdf", 1, "start", "submitted", 1),
        ("单位党委会议纪要.docx", 1, "start", "submitted", 1)]
    assert files[0]["uploaded_by_name"] and files[0]["step_name"] == "提出调整申请"

    [start] = [e for e in api.get("auditor", f"/audit/instances/{iid}/events?per_page=100")["items"]
               if e["seq"] == 1]
    named = {f["name"]: f for f in start["inputs"]["data"]["attachments"]}
    assert named["医院诊断证明.pdf"]["sha256"] == sha(CERTIFICATE)
    assert named["医院诊断证明.pdf"]["size"] == len(CERTIFICATE)
    assert named["单位党委会议纪要.docx"]["sha256"] == sha(MINUTES)
    history = api.get("tw_qingshan", f"/instances/{iid}/history")["items"]
    assert [f["sha256"] for f in history[0]["attachments"]] == [sha(CERTIFICATE), sha(MINUTES)]
    assert api.instance("auditor", iid)["data"]["attachments"][0]["sha256"] == sha(CERTIFICATE)


def test_download_is_the_recorded_bytes_under_the_chinese_name(client, auth):
    iid = state["id"]
    for ref in (state["certificate"], sha(CERTIFICATE)):
        response = client.get(f"/api/v1/attachments/{ref}/download", headers=auth("auditor"))
        assert response.status_code == 200
        assert sha(response.data) == sha(CERTIFICATE)
        assert response.mimetype == "application/pdf"
        disposition = response.headers["Content-Disposition"]
        assert disposition.startswith("attachment; filename=\"attachment-")
        assert f"filename*=UTF-8''{quote('医院诊断证明.pdf')}" in disposition
        assert response.headers["ETag"] == f'"{sha(CERTIFICATE)}"'
    # The township of the case downloads it too.
    listed = client.get(f"/api/v1/instances/{iid}/attachments", headers=auth("tw_qingshan")).get_json()
    assert client.get(f"/api/v1/attachments/{listed['items'][1]['id']}/download",
                      headers=auth("tw_qingshan")).data == MINUTES


@pytest.mark.parametrize("login", ["tw_baishui", "hr_hospital", "cadre_lina", "cadre_sunhao"])
def test_who_may_not_see_the_case_gets_404(api, login):
    iid, ref = state["id"], state["certificate"]
    for path in (f"/attachments/{ref}", f"/attachments/{ref}/download", f"/attachments/{sha(CERTIFICATE)}",
                 f"/attachments/{sha(CERTIFICATE)}/download", f"/instances/{iid}/attachments"):
        body = api.get(login, path, status=404)
        assert body["status"] == 404 and body["detail"]


def test_a_revision_adds_a_new_version_and_keeps_the_old(api, client, auth, clock):
    iid = state["id"]
    # Nobody attaches to a case without an open step of theirs that carries files.
    upload(client, auth, "hr_edu", CERTIFICATE_V2, NAME, f"/instances/{iid}/attachments", 403)
    upload(client, auth, "tw_baishui", CERTIFICATE_V2, NAME, f"/instances/{iid}/attachments", 404)
    clock.advance(hours=2)
    api.act("tw_qingshan", iid, decision="return", comment="请补充最新诊断证明")
    revised = upload(client, auth, "hr_edu", CERTIFICATE_V2, NAME, f"/instances/{iid}/attachments")
    assert revised["instance_id"] == iid and revised["status"] == "pending"
    clock.advance(hours=2)
    task = api.task_of("hr_edu", iid, "revise_request")
    # A file already submitted is not submitted again (a new upload is a new version).
    again = api.post("hr_edu", f"/tasks/{task['id']}/complete",
                     {"decision": "resubmit", "data": {}, "attachments": [state["certificate"]]}, status=422)
    assert problem_fields(again)["attachments[0]"] == [
        f"附件 {state['certificate']} 不存在，或不是您上传的待提交文件。"]
    api.post("hr_edu", f"/tasks/{task['id']}/complete",
             {"decision": "resubmit", "comment": "已补充", "data": {}, "attachments": [revised["id"]]})

    files = api.get("auditor", f"/instances/{iid}/attachments")["items"]
    versions = [(f["name"], f["version"], f["sha256"], f["step"]) for f in files if f["name"] == NAME]
    assert versions == [(NAME, 1, sha(CERTIFICATE), "start"),
                        (NAME, 2, sha(CERTIFICATE_V2), "revise_request")]
    assert files[-1]["step_name"] == "修改调整申请" and files[-1]["event_seq"] > 1
    # Both versions stay downloadable, each its own bytes.
    same_name = [f for f in files if f["name"] == NAME]
    for f, content in zip(same_name, (CERTIFICATE, CERTIFICATE_V2), strict=True):
        assert client.get(f"/api/v1/attachments/{f['id']}/download", headers=auth("auditor")).data == content
    events = api.get("auditor", f"/audit/instances/{iid}/events?per_page=100")["items"]
    revision = next(e for e in events if e["task_spec_id"] == "revise_request")
    assert [(f["version"], f["sha256"]) for f in revision["inputs"]["trusted_data"]["attachments"]
            if f["name"] == NAME] == [(1, sha(CERTIFICATE)), (2, sha(CERTIFICATE_V2))]
    verify = api.get("auditor", f"/audit/instances/{iid}/verify")
    assert (verify["chain"], verify["replay"], verify["attachments"]) == ("ok", "ok", "ok"), verify


def test_a_step_that_carries_no_files_refuses_them(api, client, auth):
    iid = state["id"]
    task = api.task_of("tw_qingshan", iid, "township_consent")
    body = {"decision": "approve", "comment": "", "data": {}, "attachments": [state["certificate"]]}
    problem = api.post("tw_qingshan", f"/tasks/{task['id']}/complete", body, status=422)
    assert problem_fields(problem)["attachments"] == ["「乡镇党委政府审核」环节不能附带附件。"]
    # Only those who open cases upload files for a request not yet filed.
    upload(client, auth, "tw_qingshan", CERTIFICATE, "证明.pdf", status=403)


def test_the_handover_list_carries_the_signed_list(api, client, auth, clock):
    iid = state["id"]
    for login in ("tw_qingshan", "county", "orgdept"):
        clock.advance(hours=2)
        done = api.act(login, iid, comment="同意")
    [hid] = done["started_instances"]
    clock.advance(days=20)  # after the effective date (2026-12-20)
    api.act("tw_qingshan", hid, data={"arrival_date": "2026-12-20"})
    signed = office_files.xlsx()
    where = f"/instances/{hid}/attachments"
    listed = upload(client, auth, "cadre_zhangwei", signed, "签字交接清单.xlsx", where)
    photo = upload(client, auth, "cadre_zhangwei", office_files.jpeg(), "档案移交照片.jpg", where)
    # The new cadre sees the handover, but the list is the old cadre's step: no files of theirs.
    upload(client, auth, "cadre_sunhao", signed, "签字交接清单.xlsx", where, 403)
    task = api.task_of("cadre_zhangwei", hid, "prepare_handover_list")
    api.post("cadre_zhangwei", f"/tasks/{task['id']}/complete",
             {"decision": "approve", "data": HANDOVER_LIST, "attachments": [listed["id"], photo["id"]]})
    files = api.get("cadre_sunhao", f"/instances/{hid}/attachments")["items"]
    assert [(f["name"], f["step_name"], f["sha256"]) for f in files] == [
        ("签字交接清单.xlsx", "原任干部编制交接清单", sha(signed)),
        ("档案移交照片.jpg", "原任干部编制交接清单", sha(office_files.jpeg()))]
    assert client.get(f"/api/v1/attachments/{files[0]['id']}/download",
                      headers=auth("cadre_sunhao")).data == signed
    api.get("tw_baishui", f"/attachments/{files[0]['id']}/download", status=404)
    assert api.get("auditor", f"/audit/instances/{hid}/verify")["attachments"] == "ok"


def test_a_recall_carries_the_finding_and_the_statement_files(api, client, auth, clock):
    report = office_files.xls()
    opened = upload(client, auth, "orgdept", report, "督查通报.xls")
    recall = {"cadre_id": "c-lina", "source": "supervision", "finding": "长期不在岗",
              "attachments": [opened["id"]]}
    started = api.post("orgdept", "/recalls", recall, status=201)
    iid = started["instance_id"]
    clock.advance(hours=1)
    api.act("orgdept", iid, comment="属实")
    statement = office_files.doc()
    mine = upload(client, auth, "cadre_lina", statement, "本人陈述.doc", f"/instances/{iid}/attachments")
    clock.advance(hours=1)
    task = api.task_of("cadre_lina", iid, "cadre_statement")
    api.post("cadre_lina", f"/tasks/{task['id']}/complete",
             {"decision": "approve", "comment": "", "data": {"statement": "因家中老人患病请假较多"},
              "attachments": [mine["id"]]})
    files = api.get("county", f"/instances/{iid}/attachments")["items"]
    assert [(f["name"], f["kind"], f["step_name"]) for f in files] == [
        ("督查通报.xls", "xls", "启动召回"), ("本人陈述.doc", "doc", "本人陈述")]
    assert api.get("auditor", f"/audit/instances/{iid}/verify")["attachments"] == "ok"


KINDS = [("医院证明.pdf", office_files.pdf(), "pdf", "application/pdf"),
         ("现场照片.png", office_files.png(), "png", "image/png"),
         ("现场照片.JPG", office_files.jpeg(), "jpeg", "image/jpeg"),
         ("交接清单.docx", office_files.docx(), "docx",
          "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
         ("签字表.xlsx", office_files.xlsx(), "xlsx",
          "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
         ("情况说明.doc", office_files.doc(), "doc", "application/msword"),
         ("资金台账.xls", office_files.xls(), "xls", "application/vnd.ms-excel")]


@pytest.mark.parametrize(("name", "content", "kind", "content_type"), KINDS, ids=[k[2] for k in KINDS])
def test_each_accepted_kind_is_told_by_its_content(client, auth, name, content, kind, content_type):
    body = upload(client, auth, "hr_edu", content, name)
    assert (body["name"], body["kind"], body["content_type"], body["sha256"]) == (
        name, kind, content_type, sha(content))


ONLY = "只接受 PDF、PNG/JPEG 图片、Word（doc/docx）、Excel（xls/xlsx）。"
REFUSED = [
    ("伪装.pdf", office_files.png(), "「伪装.pdf」的内容是 PNG 图片，与扩展名 .pdf 不符。"),
    ("表格.xls", office_files.doc(), "「表格.xls」的内容是 Word 文档（doc），与扩展名 .xls 不符。"),
    ("文档.docx", office_files.xlsx(), "「文档.docx」的内容是 Excel 表格（xlsx），与扩展名 .docx 不符。"),
    ("说明.docx", "只是文字".encode(),
     "「说明.docx」的内容不是 Word 文档（docx）（也不是其他受支持的类型），请上传原始文件。"),
    ("程序.exe", b"MZ\x90\x00", f"「程序.exe」的类型不受支持：{ONLY}"),
    ("无扩展名", office_files.pdf(), f"「无扩展名」的类型不受支持：{ONLY}"),
    ("空白.pdf", b"", "「空白.pdf」是空文件。"),
]


@pytest.mark.parametrize(("name", "content", "message"), REFUSED, ids=[r[0] for r in REFUSED])
def test_wrong_type_or_empty_is_422_naming_the_field(client, auth, name, content, message):
    problem = upload(client, auth, "hr_edu", content, name, status=422)
    assert problem_fields(problem) == {"file": [message]}
    assert problem["detail"] == message


def test_missing_or_extra_parts_are_422(client, auth):
    headers = auth("hr_edu")
    missing = client.post("/api/v1/attachments", headers=headers, content_type="multipart/form-data",
                          data={"note": "x"})
    assert missing.status_code == 422 and "note" in problem_fields(missing.get_json())
    nothing = client.post("/api/v1/attachments", headers=headers, content_type="multipart/form-data", data={})
    assert problem_fields(nothing.get_json()) == {"file": ["缺少文件。"]}
    two = client.post("/api/v1/attachments", headers=headers, content_type="multipart/form-data",
                      data={"file": [(io.BytesIO(CERTIFICATE), "a.pdf"), (io.BytesIO(CERTIFICATE), "b.pdf")]})
    assert problem_fields(two.get_json()) == {"file": ["一次上传一个文件。"]}


def test_size_limit_is_a_setting(make_app, tokens):
    """A file over CADREFLOW_ATTACHMENT_MAX_BYTES is 422 naming the field; a body over the
    request cap (the usual cap plus one attachment) is refused before it is read (413)."""
    small = make_app(attachment_max_bytes=2048, max_content_length=1024)
    client = small.test_client()
    headers = {"Authorization": f"Bearer {tokens['hr_edu']}"}

    def send(content: bytes, name: str = "证明.pdf") -> Any:
        return client.post("/api/v1/attachments", headers=headers, content_type="multipart/form-data",
                           data={"file": (io.BytesIO(content), name)})

    fits = office_files.pdf().ljust(2048, b" ")
    assert send(fits).status_code == 201
    over = send(fits + b" ")
    assert over.status_code == 422
    assert problem_fields(over.get_json()) == {"file": ["「证明.pdf」大小为 2049 字节，超过上限 2048 字节。"]}
    too_big = send(fits * 2)
    assert too_big.status_code == 413 and too_big.mimetype == "application/problem+json"
    assert too_big.get_json()["detail"] == "请求内容超过上限（3072 字节）。"
    # Every other request keeps the usual cap.
    other = client.post("/api/v1/adjustments", headers=headers,
                        json={**FS_REQUEST, "justification": "x" * 1100})
    assert other.status_code == 413
