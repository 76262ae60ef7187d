"""Attachments in chromium: unit HR chooses a file on the request form, the township sees it on its
task page, the auditor downloads it, and the downloaded bytes hash to the SHA-256 that the request's
history event recorded; another township gets 404 for the same download; the audit check says the
stored files agree with the history."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import office_files
import pytest

expect = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (dev extra)").expect

NAME = "县人民医院诊断证明.pdf"
CERTIFICATE = office_files.pdf("County hospital: diagnosis certificate")


def recorded_hashes(app: Any, instance_id: str) -> dict[str, str]:
    """{file name: sha256} as the request's history event (seq 1) recorded them."""
    import sqlalchemy as sa

    from service.persistence.db import db
    from service.persistence.models import HistoryEvent

    with app.app_context():
        event = db.session.execute(sa.select(HistoryEvent).where(
            HistoryEvent.instance_id == instance_id, HistoryEvent.seq == 1)).scalar_one()
        db.session.rollback()
        return {f["name"]: f["sha256"] for f in event.inputs["data"]["attachments"]}


def test_a_file_of_the_request_is_the_one_the_auditor_downloads(user_page: Any, shoot: Any, live_app: Any,
                                                                tmp_path: Path) -> None:
    hr = user_page("hr_edu")
    hr.click("#new-request")
    hr.fill("#cadre-picker", "张伟")
    hr.check("input[name=reason][value=health]")
    hr.fill("#nominee-picker", "郑凯")
    hr.fill("input[name=effective_date]", (date.today() + timedelta(days=20)).isoformat())
    hr.fill("textarea[name=evidence]", "县人民医院诊断证明")
    # A file whose content is not what its name says is refused, naming the file.
    hr.set_input_files("#attachment-files", [{"name": "会议纪要.pdf", "mimeType": "application/pdf",
                                              "buffer": office_files.png()}])
    hr.click("#submit-request")
    expect(hr.locator("[data-error-for=attachments]")).to_have_text(
        "「会议纪要.pdf」的内容是 PNG 图片，与扩展名 .pdf 不符。")
    expect(hr.locator("#reselect-files")).to_be_visible()
    shoot(hr, "attachments-01-wrong-type-refused")
    hr.set_input_files("#attachment-files", [
        {"name": NAME, "mimeType": "application/pdf", "buffer": CERTIFICATE},
        {"name": "单位党委会议纪要.docx", "mimeType": "application/octet-stream",
         "buffer": office_files.docx("党委会议同意调整")}])
    shoot(hr, "attachments-02-request-with-files")
    hr.click("#submit-request")
    expect(hr.locator("#instance-status")).to_have_text("办理中")
    expect(hr.locator("#attachments a.download")).to_have_text([NAME, "单位党委会议纪要.docx"])
    instance_id = hr.url.rsplit("/", 1)[1]
    shoot(hr, "attachments-03-case-page")

    township = user_page("tw_qingshan")
    township.click("#inbox a:text-is('乡镇党委政府审核')")
    files = township.locator("#attachments")
    expect(files.locator("a.download")).to_have_text([NAME, "单位党委会议纪要.docx"])
    expect(files).to_contain_text("提出调整申请")
    expect(files).to_contain_text("教育局人事股 王芳")
    expect(files).to_contain_text(hashlib.sha256(CERTIFICATE).hexdigest()[:12])
    expect(township.locator("#timeline .event-files")).to_contain_text(NAME)
    township.locator("#case-files").scroll_into_view_if_needed()
    shoot(township, "attachments-04-township-task-page")
    download_path = files.locator("a.download").first.get_attribute("href")

    other = user_page("tw_baishui")
    response = other.goto(str(download_path))
    assert response is not None and response.status == 404

    auditor = user_page("auditor")
    auditor.goto(f"/instances/{instance_id}")
    with auditor.expect_download() as info:
        auditor.locator("#attachments a.download", has_text=NAME).click()
    download = info.value
    assert download.suggested_filename == NAME  # the Chinese name, from filename*
    saved = tmp_path / "downloaded.pdf"
    download.save_as(saved)
    downloaded = hashlib.sha256(saved.read_bytes()).hexdigest()
    assert downloaded == recorded_hashes(live_app[1], instance_id)[NAME]
    expect(auditor.locator(f"#attachments tr[data-sha256='{downloaded}']")).to_have_count(1)
    shoot(auditor, "attachments-05-auditor-case-page")

    auditor.click("text=审计校验")
    auditor.click("#run-verify")
    expect(auditor.locator("#verify-result")).to_contain_text("与记录一致")
    expect(auditor.locator("#verify-detail")).to_contain_text("完整")
    shoot(auditor, "attachments-06-audit-verify")
