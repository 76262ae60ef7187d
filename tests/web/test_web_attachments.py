"""Attachments on the pages: files chosen on the request form go in with the request (a refused
request keeps none), the township's task page and the case page list them (name, size, step,
uploader, time, short hash, download link), the revision page adds a new version beside the old,
and the download page follows the case's access rule (404 to a township the case is not about)."""

from __future__ import annotations

import hashlib
import io
import re
from typing import Any
from urllib.parse import quote

import office_files
import pytest
import sqlalchemy as sa
from page_client import Browser

from service.persistence.db import db
from service.persistence.models import Attachment, ProcessInstance

REQUEST = {"cadre_id": "张伟", "reason": "health", "justification": "", "nominee_id": "郑凯",
           "effective_date": "2026-12-20", "evidence": "体检报告"}
TASK_LINK = re.compile(r'href="/tasks/([^"]+)">([^<]+)</a>')
DOWNLOAD = re.compile(r'<a class="download" href="(/attachments/[^"]+/download)">([^<]+)</a>')
CERTIFICATE = office_files.pdf("certificate")
CERTIFICATE_V2 = office_files.pdf("certificate, revised")
MINUTES = office_files.docx("党委会议纪要")


@pytest.fixture(scope="module")
def flow(app: Any, clock: Any) -> dict[str, str]:
    return {}


def _task(user: Browser, name: str) -> str:
    ids = [tid for tid, text in TASK_LINK.findall(user.get("/inbox")) if text == name]
    assert len(ids) == 1, (name, ids)
    return ids[0]


def _counts(app: Any) -> tuple[int, int]:
    with app.app_context():
        return (db.session.execute(sa.select(sa.func.count()).select_from(Attachment)).scalar_one(),
                db.session.execute(sa.select(sa.func.count()).select_from(ProcessInstance)).scalar_one())


def test_a_wrong_file_refuses_the_request_and_keeps_nothing(app: Any, clock: Any) -> None:
    before = _counts(app)
    response = Browser(app, "hr_edu").post("/requests/new", {
        **REQUEST, "attachments": [(io.BytesIO(CERTIFICATE), "医院诊断证明.pdf"),
                                   (io.BytesIO(office_files.png()), "会议纪要.pdf")]}, page="/requests/new")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'data-error-for="attachments">「会议纪要.pdf」的内容是 PNG 图片，与扩展名 .pdf 不符。' in html
    assert 'id="reselect-files"' in html and 'value="郑凯"' in html  # the typed values stay
    assert _counts(app) == before


def test_files_chosen_on_the_request_form_go_in_with_the_request(app: Any, clock: Any,
                                                                  flow: dict[str, str]) -> None:
    hr = Browser(app, "hr_edu")
    form = hr.get("/requests/new")
    assert 'enctype="multipart/form-data"' in form and 'type="file" name="attachments"' in form
    assert "每个不超过 20 MB" in form
    response = hr.post("/requests/new", {**REQUEST, "attachments": [
        (io.BytesIO(CERTIFICATE), "医院诊断证明.pdf"), (io.BytesIO(MINUTES), "单位党委会议纪要.docx")]},
        page="/requests/new")
    assert response.status_code == 302, response.get_data(as_text=True)
    flow["instance"] = response.headers["Location"].rsplit("/", 1)[1]
    page = hr.get(f"/instances/{flow['instance']}")
    assert [name for _, name in DOWNLOAD.findall(page)] == ["医院诊断证明.pdf", "单位党委会议纪要.docx"]
    assert f'title="{hashlib.sha256(CERTIFICATE).hexdigest()}"' in page
    assert f"{hashlib.sha256(CERTIFICATE).hexdigest()[:12]}…" in page


def test_the_township_sees_and_downloads_the_files_on_its_task_page(app: Any, clock: Any,
                                                                     flow: dict[str, str]) -> None:
    township = Browser(app, "tw_qingshan")
    page = township.get(f"/tasks/{_task(township, '乡镇党委政府审核')}")
    links = DOWNLOAD.findall(page)
    assert [name for _, name in links] == ["医院诊断证明.pdf", "单位党委会议纪要.docx"]
    files = page[page.index('id="attachments"'):page.index("</table>", page.index('id="attachments"'))]
    assert '<td data-label="环节">提出调整申请</td>' in files
    assert '<td data-label="上传人">教育局人事股 王芳</td>' in files
    assert 'id="attachment-files"' not in page  # consent carries no files of its own
    response = township.client.get(links[0][0])
    assert response.status_code == 200 and response.data == CERTIFICATE
    assert f"filename*=UTF-8''{quote('医院诊断证明.pdf')}" in response.headers["Content-Disposition"]
    flow["download"] = links[0][0]
    # In the timeline: the request's event names each file with its hash.
    assert "附件 医院诊断证明.pdf" in page


def test_who_may_not_see_the_case_gets_404_on_the_download_page(app: Any, clock: Any,
                                                                flow: dict[str, str]) -> None:
    for login in ("tw_baishui", "hr_hospital"):
        Browser(app, login).get(flow["download"], status=404)
    assert Browser(app, "auditor").client.get(flow["download"]).data == CERTIFICATE


def test_the_revision_page_adds_a_new_version_beside_the_old(app: Any, clock: Any,
                                                             flow: dict[str, str]) -> None:
    township = Browser(app, "tw_qingshan")
    task = _task(township, "乡镇党委政府审核")
    response = township.post(f"/tasks/{task}/complete",
                             {"decision": "return", "comment": "请补充最新诊断证明"}, page=f"/tasks/{task}")
    assert response.status_code == 302
    hr = Browser(app, "hr_edu")
    revise = _task(hr, "修改调整申请")
    assert 'id="attachment-files"' in hr.get(f"/tasks/{revise}")
    response = hr.post(f"/tasks/{revise}/complete", {
        "decision": "resubmit", "comment": "已补充", "data.reason": "health", "data.nominee_id": "郑凯",
        "evidence": "体检报告", "attachments": [(io.BytesIO(CERTIFICATE_V2), "医院诊断证明.pdf")]},
        page=f"/tasks/{revise}")
    assert response.status_code == 302, response.get_data(as_text=True)
    page = hr.get(f"/instances/{flow['instance']}")
    names = [name for _, name in DOWNLOAD.findall(page)]
    assert names == ["医院诊断证明.pdf", "单位党委会议纪要.docx", "医院诊断证明.pdf"]
    assert "第 2 版" in page and hashlib.sha256(CERTIFICATE_V2).hexdigest()[:12] in page
    assert hashlib.sha256(CERTIFICATE).hexdigest()[:12] in page  # the first version is still listed
