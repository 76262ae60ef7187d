"""The year's assessment in chromium: the county leading group opens the round on 考核, 张伟 writes
his summary (述职) from 待办, 青山镇 evaluates it, the education bureau's HR gives the unit's opinion,
the county grades him 优秀 with the round's 优秀 places in view; the round, the yearly summary and
his personal file then show the grade. Screenshots go to test-artifacts/screenshots/assessment-*."""

from __future__ import annotations

from typing import Any

import pytest

expect = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (dev extra)").expect

CADRE = "张伟"


def open_task(page: Any, task: str) -> None:
    page.click("text=待办")
    page.click(f"#inbox tr:has-text('{CADRE}') a:text-is('{task}')")
    expect(page.locator("h1")).to_contain_text(f"驻村干部考核：上庄村 {CADRE}")


def submit(page: Any) -> None:
    page.check("input[name=decision][value=approve]")
    page.click("#submit-decision")
    expect(page.locator(".flash.ok")).to_contain_text("已办理")


def test_round_summary_evaluation_opinion_grade(user_page: Any, shoot: Any) -> None:
    # 1. The county leading group opens the year's round.
    county = user_page("county")
    county.click("nav >> text=考核")
    expect(county.locator("#open-round")).to_contain_text("发起年度考核")
    shoot(county, "assessment-01-home")
    year = county.locator("#open-round select[name=year] option").first.get_attribute("value")
    county.select_option("#open-round select[name=year]", year)
    county.click("#submit-round")
    expect(county.locator(".flash.ok")).to_contain_text(f"已发起{year}年度驻村干部考核")
    expect(county.locator("#round-progress tbody tr")).to_have_count(7)
    expect(county.locator("#excellent-allowed")).to_have_text("1")
    expect(county.locator(f"#round-progress tr:has-text('{CADRE}')")).to_contain_text("办理中：本人述职")
    round_url = county.url
    shoot(county, "assessment-02-round-opened")

    # 2. 张伟 writes his summary.
    cadre = user_page("cadre_zhangwei")
    open_task(cadre, "本人述职")
    expect(cadre.locator("#section-assessee")).to_contain_text(f"{year}年度考核")
    cadre.fill("textarea[name='data.summary']", "全年驻村 236 天，走访农户 312 户；引进食用菌产业项目 1 个，"
                                                  "村集体经济收入增加 8 万元。")
    shoot(cadre, "assessment-03-self-summary")
    submit(cadre)

    # 3. The township evaluates it, suggesting a grade.
    township = user_page("tw_qingshan")
    open_task(township, "乡镇党委政府考核评价")
    expect(township.locator("#section-summary")).to_contain_text("全年驻村 236 天")
    township.fill("textarea[name=comment]", "吃住在村，群众认可，产业项目落地见效。")
    township.select_option("select[name='data.township_suggested_grade']", label="优秀")
    shoot(township, "assessment-04-township-evaluation")
    submit(township)

    # 4. The dispatch unit's HR gives its opinion.
    hr = user_page("hr_edu")
    open_task(hr, "派出单位意见")
    expect(hr.locator("#section-evaluations")).to_contain_text("吃住在村，群众认可")
    hr.fill("textarea[name=comment]", "同意乡镇评价，建议评为优秀。")
    hr.select_option("select[name='data.unit_suggested_grade']", label="优秀")
    submit(hr)

    # 5. The county grades him, the 优秀 places in view.
    county.click("text=待办")
    county.click(f"#inbox tr:has-text('{CADRE}') a:text-is('县驻村工作领导小组确定等次')")
    quota = county.locator("#section-quota")
    expect(quota).to_contain_text("最多 1 名")
    expect(quota).to_contain_text("不占派出单位指标")
    county.select_option("select[name='data.grade']", label="优秀")
    county.fill("textarea[name=comment]", "实绩突出，群众满意。")
    shoot(county, "assessment-05-county-grade")
    submit(county)

    county.goto(round_url)
    expect(county.locator("#excellent-used")).to_have_text("1")
    row = county.locator(f"#round-progress tr:has-text('{CADRE}')")
    expect(row).to_contain_text("已确定等次：优秀")
    expect(row.locator(".tag.grade-excellent")).to_have_text("优秀")
    shoot(county, "assessment-06-round-graded")
    row.locator(f"a:text-is('{CADRE}')").click()
    expect(county.locator("#instance-status")).to_have_text("已办结")
    expect(county.locator(".djs-container")).to_be_visible()  # the diagram drawn by bpmn-js
    shoot(county, "assessment-07-case")

    # 6. The unit reads the grade as its own record, and in his personal file.
    hr.click("nav >> text=考核")
    hr.click(f"text={year} 年度")
    expect(hr.locator("#unit-summary tbody tr")).to_have_count(1)
    expect(hr.locator(f"#results tr:has-text('{CADRE}')")).to_contain_text("优秀")
    shoot(hr, "assessment-08-unit-summary")
    hr.click(f"#results a:text-is('{CADRE}')")
    expect(hr.locator("#file-results")).to_contain_text(f"{year}年度考核：优秀")
    expect(hr.locator("#file-results")).to_contain_text("同意乡镇评价")
    shoot(hr, "assessment-09-cadre-file")
    with hr.expect_download() as download:
        hr.click("#file-export")
    assert download.value.suggested_filename == f"{CADRE}个人档案.xlsx"
