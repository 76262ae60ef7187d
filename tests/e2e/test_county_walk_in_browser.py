"""The county's walk in chromium (issue #17): a new village and a new cadre come in through 名册导入,
the village shows on 驻村覆盖 without a first secretary, the cadre's unit nominates him on the 选派
form, the township, the county leading group and the Organization Department approve from their
inboxes, and the village then shows him as its first secretary for at least two years."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from roster_workbooks import workbook

from service.commands.roster_excel.sheets import CADRES, VILLAGES, Sheet
from service.core.labels import VILLAGE_CATEGORY_NAMES
from workflows.rules import minimum_term_end

expect = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (dev extra)").expect

VILLAGE_ID, VILLAGE = "v-walk", "青松村"
CADRE_ID, CADRE = "c-walk", "林晓东"
KEY_ASSISTANCE = VILLAGE_CATEGORY_NAMES["key_assistance"]  # “十四五”省定乡村振兴重点帮扶村


def sheet_rows(sheet: Sheet, *rows: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
    """The sheet's own headers (as its template has them) and rows given by field name."""
    headers = [c.header for c in sheet.columns]
    return headers, [[row.get(c.field or "") for c in sheet.columns] for row in rows]


def new_roster_workbook(path: Path) -> Path:
    path.write_bytes(workbook({
        VILLAGES.title: sheet_rows(VILLAGES, {"id": VILLAGE_ID, "name": VILLAGE, "township_id": "tw-qingshan",
                                              "categories": KEY_ASSISTANCE}),
        CADRES.title: sheet_rows(CADRES, {
            "id": CADRE_ID, "name": CADRE, "unit_id": "unit-edu", "party_status": "中共正式党员",
            "party_member_since": date(2015, 7, 1), "party_confirmed_on": date(2016, 7, 1),
            "work_start_date": date(2013, 8, 1), "employment_type": "在编", "birth_date": date(1990, 5, 1),
            "rural_expertise": "是"}),
    }))
    return path


def approve(page: Any, task: str, shoot: Any, shot: str) -> None:
    """Open this village's task from the inbox, approve it with a comment."""
    page.click("text=待办")
    page.click(f"#inbox tr:has-text('{VILLAGE}') a:text-is('{task}')")
    expect(page.locator("h1")).to_contain_text(f"驻村干部选派：{VILLAGE} {CADRE}")
    expect(page.locator("h1")).not_to_contain_text("→")  # a new post: nobody is replaced
    nomination = page.locator("#section-nomination")  # what the step decides on comes first
    expect(nomination).to_contain_text(CADRE)
    expect(nomination).to_contain_text(VILLAGE)
    expect(nomination).to_contain_text("符合条件")  # judged on the term's start
    shoot(page, shot)
    page.check("input[name=decision][value=approve]")
    page.fill("textarea[name=comment]", "同意")
    page.click("#submit-decision")
    expect(page.locator(".flash.ok")).to_contain_text("已办理")


def coverage_row(page: Any) -> Any:
    page.click("text=驻村覆盖")
    page.select_option("select[name=township_id]", label="青山镇")
    page.click("#coverage-filters button[type=submit]")
    return page.locator(f'#coverage tr[data-village="{VILLAGE_ID}"]')


def test_import_dispatch_coverage(user_page: Any, shoot: Any, tmp_path: Path) -> None:
    # 1. The administrator imports a village and a cadre: the preview names both rows as new.
    admin = user_page("admin")
    admin.click("text=名册导入")
    admin.select_option("#sheet", "all")
    admin.set_input_files("#file", str(new_roster_workbook(tmp_path / "新增名册.xlsx")))
    admin.click("#upload-form button[type=submit]")
    expect(admin.locator("#count-new")).to_have_text("2")
    expect(admin.locator("#count-error")).to_have_text("0")
    expect(admin.locator("#sheet-villages tr[data-row='2'] .result-new")).to_have_text("新增")
    expect(admin.locator("#sheet-villages tr[data-row='2']")).to_contain_text(VILLAGE)
    expect(admin.locator("#sheet-cadres tr[data-row='2'] .result-new")).to_have_text("新增")
    expect(admin.locator("#sheet-cadres tr[data-row='2']")).to_contain_text(CADRE)
    shoot(admin, "walk-01-import-preview")
    admin.click("#commit-form button[type=submit]")
    expect(admin.locator(".flash.ok")).to_contain_text("新增 2 行")
    expect(admin.locator("#summary .tag.ok")).to_have_text("已写入名册")
    shoot(admin, "walk-02-import-committed")

    admin.click("text=名册")
    admin.click("nav.tabs >> text=村")
    admin.click(f"#roster-list tr:has-text('{VILLAGE}') >> text=查看")
    expect(admin.locator("#record-form, #record-facts").first).to_contain_text(KEY_ASSISTANCE)
    expect(admin.locator("#stationed")).to_contain_text("暂无在岗驻村干部")
    shoot(admin, "walk-03-village-page")
    admin.click("nav.tabs >> text=干部")
    admin.click(f"#roster-list tr:has-text('{CADRE}') >> text=查看")
    expect(admin.locator("#eligibility .tag.ok")).to_have_text("符合")
    expect(admin.locator("#postings")).to_contain_text("没有驻村任职记录")
    shoot(admin, "walk-04-cadre-page")

    # 2. Coverage before: the new village has no first secretary.
    county = user_page("county")
    row = coverage_row(county)
    expect(row).to_contain_text(VILLAGE)
    expect(row.locator('[data-flag="missing_first_secretary"]')).to_have_text("缺第一书记")
    shoot(county, "walk-05-coverage-before")

    # 3. The education bureau's HR nominates its cadre (picked by name); three approvals follow.
    hr = user_page("hr_edu")
    hr.click("text=选派提名")
    hr.select_option("select[name=village_id]", VILLAGE_ID)
    expect(hr.locator("select[name=village_id] option:checked")).to_contain_text(KEY_ASSISTANCE)
    hr.check("input[name=role][value=first_secretary]")
    hr.select_option("select[name=cadre_id]", label=CADRE)
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    hr.fill("input[name=term_start]", today.isoformat())
    shoot(hr, "walk-06-dispatch-form")
    hr.click("#submit-dispatch")
    expect(hr.locator(".flash.ok")).to_contain_text("选派提名已提交")
    expect(hr.locator("#instance-status")).to_have_text("办理中")
    instance_url = hr.url
    shoot(hr, "walk-07-dispatch-submitted")

    approve(user_page("tw_qingshan"), "乡镇党委政府审核", shoot, "walk-08-task-township")
    approve(user_page("county"), "县驻村工作领导小组审核", shoot, "walk-09-task-county")
    approve(user_page("orgdept"), "县委组织部审核备案", shoot, "walk-10-task-orgdept")
    hr.goto(instance_url)
    expect(hr.locator("#instance-status")).to_have_text("已办结")
    shoot(hr, "walk-11-dispatch-completed")

    # 4. Coverage after: the cadre holds the post for at least two years, the flag is gone.
    row = coverage_row(county)
    holder = row.locator("td").nth(4)
    expect(holder).to_contain_text(CADRE)
    expect(holder).to_contain_text("XX县教育局")
    expect(row.locator('[data-flag="missing_first_secretary"]')).to_have_count(0)
    planned_end = date.fromisoformat(holder.locator(".meta").inner_text().split("至")[1].strip()[:10])
    assert planned_end >= minimum_term_end(today)  # a term lasts at least 2 years
    shoot(county, "walk-12-coverage-after")

    admin.click("nav.tabs >> text=干部")
    admin.click(f"#roster-list tr:has-text('{CADRE}') >> text=查看")
    posting = admin.locator("#postings tbody tr").first
    expect(posting).to_contain_text(VILLAGE)
    expect(posting).to_contain_text("驻村第一书记")
    expect(posting.locator(".tag.ok")).to_have_text("在岗")
    expect(posting).to_contain_text(planned_end.isoformat())
    # The posting's history names its fields in Chinese and says it came from a process.
    latest = admin.locator("#history li.change").first
    expect(latest).to_contain_text("新增任职")
    expect(latest).to_contain_text("来源：流程办结")
    expect(latest).not_to_contain_text("source_instance_id")
    shoot(admin, "walk-13-cadre-posted")
