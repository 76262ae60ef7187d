"""名册导入 in chromium: upload a workbook, see its bad cells highlighted with their reasons and no
commit button; upload a good one, commit it, and see it written."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from roster_workbooks import workbook

expect = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (dev extra)").expect
HEADERS = ("村编码", "村名称", "所属乡镇编码", "所属乡镇名称", "村类别")


def test_preview_highlights_bad_cells_then_a_good_file_commits(user_page: Any, shoot: Any,
                                                               tmp_path: Path) -> None:
    bad = tmp_path / "村名册-有错.xlsx"
    bad.write_bytes(workbook({"村": (HEADERS, [
        ("v-e2e-1", "试点一村", "tw-qingshan", None, "“十三五”脱贫村、省市红色名村"),
        ("v-e2e-2", "试点二村", "tw-nowhere", None, "火星村"),
        ("v-shangzhuang", "上庄村", "tw-qingshan", "青山镇", "“十三五”脱贫村"),
    ])}))
    page = user_page("orgdept")
    page.click("text=名册导入")
    expect(page.locator("#templates a")).to_have_count(6)
    page.select_option("#sheet", "villages")
    page.set_input_files("#file", str(bad))
    page.click("#upload-form button[type=submit]")
    expect(page.locator("#count-error")).to_have_text("1")
    expect(page.locator("#commit-form")).to_have_count(0)
    bad_row = page.locator("tr[data-row='3']")
    expect(bad_row.locator("td.bad-cell")).to_have_count(2)
    expect(bad_row.locator("td.bad-cell[data-header='所属乡镇编码'] .reason")).to_contain_text("tw-nowhere")
    expect(page.locator("tr[data-row='2'] .result-new")).to_have_text("新增")
    expect(page.locator("tr[data-row='4'] .result-unchanged")).to_have_text("无变化")
    shoot(page, "roster-import-01-preview-with-errors")

    good = tmp_path / "村名册.xlsx"
    good.write_bytes(workbook({"村": (HEADERS, [
        ("v-e2e-1", "试点一村", "tw-qingshan", None, "“十三五”脱贫村、省市红色名村"),
        ("v-shangzhuang", "上庄村", "tw-qingshan", "青山镇", "“十三五”脱贫村、省市红色名村"),
    ])}))
    page.click("text=重新上传")
    page.set_input_files("#file", str(good))
    page.click("#upload-form button[type=submit]")
    expect(page.locator("tr[data-row='3'] td.changed-cell[data-header='村类别']")).to_have_count(1)
    shoot(page, "roster-import-02-preview-ok")
    page.click("#commit-form button[type=submit]")
    expect(page.locator(".flash.ok")).to_contain_text("新增 1 行，修改 1 行")
    expect(page.locator("#summary .tag.ok")).to_have_text("已写入名册")
    shoot(page, "roster-import-03-committed")
