"""The auditor downloads a year's ledger (审批台账) from 审计查询 in chromium: a workbook with the case
sheet and the event sheet."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from openpyxl import load_workbook

expect = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (dev extra)").expect


def test_auditor_downloads_the_years_ledger(user_page: Any, shoot: Any, tmp_path: Any) -> None:
    hr = user_page("hr_edu")  # a case this year, so the ledger has rows
    hr.click("text=提出调整申请")
    hr.fill("input[name=cadre_id]", "张伟")
    hr.check("input[name=reason][value=health]")
    hr.fill("input[name=nominee_id]", "孙浩")
    hr.fill("input[name=effective_date]", (date.today() + timedelta(days=20)).isoformat())
    hr.click("#submit-request")
    expect(hr.locator("#instance-status")).to_have_text("办理中")
    instance_id = hr.url.rsplit("/", 1)[1]

    auditor = user_page("auditor")
    auditor.click("nav >> text=审计查询")
    panel = auditor.locator("#ledger-export")
    expect(panel.locator("input[name=year]")).to_have_value(str(date.today().year))
    shoot(auditor, "ledger-01-export-panel")
    with auditor.expect_download() as download:
        panel.get_by_role("button", name="导出全年").click()
    assert download.value.suggested_filename == f"审批台账_{date.today().year}年.xlsx"
    path = tmp_path / "ledger.xlsx"
    download.value.save_as(path)
    book = load_workbook(path)
    assert book.sheetnames == ["案件", "办理经过"]
    (case,) = [row for row in book["案件"].iter_rows(min_row=2, values_only=True) if row[10] == instance_id]
    assert case[0] == "驻村干部中途调整" and case[3] == "张伟" and case[8] == "办理中"
    events = list(book["办理经过"].iter_rows(values_only=True))
    assert any(row[11] == instance_id and row[5] == "发起" for row in events)
