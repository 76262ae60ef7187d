"""A first-secretary replacement driven through the pages in chromium, from the HR form to the
handover, with the invalid form, the other township's 404 and the auditor's verification."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

# Without playwright the module is skipped (the chromium fixture says why when it is missing).
expect = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (dev extra)").expect


def submit_request(page: Any, reason: str, nominee: str, justification: str = "") -> None:
    page.click("text=提出调整申请")
    page.fill("input[name=cadre_id]", "张伟")  # picked by name: the id is resolved by the server
    page.check(f"input[name=reason][value={reason}]")
    page.fill("textarea[name=justification]", justification)
    page.fill("input[name=nominee_id]", nominee)
    page.fill("input[name=effective_date]", (date.today() + timedelta(days=20)).isoformat())
    page.fill("textarea[name=evidence]", "体检报告\n县人民医院诊断证明")


def approve(page: Any, shoot: Any, name: str, shot: str | None = None) -> None:
    page.click(f"#inbox a:text-is('{name}')")
    expect(page.locator("#sections")).to_contain_text("张伟")
    if shot:
        shoot(page, shot)
    page.check("input[name=decision][value=approve]")
    page.fill("textarea[name=comment]", "同意")
    page.click("#submit-decision")


def test_first_secretary_replacement_end_to_end(user_page: Any, shoot: Any) -> None:
    hr = user_page("hr_edu")
    shoot(hr, "01-my-requests-landing-hr")

    # An invalid request: "other" without a justification and a probationary nominee.
    submit_request(hr, "other", "钱立")
    shoot(hr, "02-request-form")
    hr.click("#submit-request")
    expect(hr.locator("[data-error-for=justification]")).to_have_text("原因为“其他”时须填写具体理由")
    expect(hr.locator("[data-error-for=nominee_id]")).to_contain_text("驻村第一书记须为中共正式党员")
    expect(hr.locator("input[name=nominee_id]")).to_have_value("钱立")
    shoot(hr, "03-request-form-errors")

    submit_request(hr, "health", "孙浩")
    hr.click("#submit-request")
    expect(hr.locator("#instance-status")).to_have_text("办理中")
    expect(hr.locator("#diagram .djs-element.active[data-element-id=township_consent]")).to_have_count(1)
    instance_url = hr.url
    shoot(hr, "04-instance-submitted")
    hr.click("text=我的申请")
    expect(hr.locator("#my-requests")).to_contain_text("上庄村 张伟 → 孙浩")
    shoot(hr, "05-my-requests")

    township = user_page("tw_qingshan")
    shoot(township, "06-inbox-township")
    township.click("#inbox a:text-is('乡镇党委政府审核')")
    task_url = township.url

    # Another township's approver may not open the task: not found, as in the API.
    other = user_page("tw_baishui")
    response = other.goto(task_url)
    assert response is not None and response.status == 404
    expect(other.locator("h1")).to_contain_text("404")
    shoot(other, "07-other-township-404")

    # Rejecting needs a comment: the error shows next to the comment field.
    expect(township.locator("#section-request")).to_contain_text("符合条件")
    shoot(township, "08-task-township")
    township.check("input[name=decision][value=reject]")
    township.click("#submit-decision")
    expect(township.locator("[data-error-for=comment]")).to_be_visible()
    shoot(township, "09-task-reject-needs-comment")
    township.check("input[name=decision][value=approve]")
    township.fill("textarea[name=comment]", "同意调整")
    township.click("#submit-decision")
    expect(township.locator(".flash.ok")).to_contain_text("已办理")

    approve(user_page("county"), shoot, "县驻村工作领导小组审核", "10-task-county")
    org = user_page("orgdept")
    approve(org, shoot, "县委组织部审核备案")
    # Filing ends the request and starts the handover: the page shows the new instance.
    expect(org.locator("h1")).to_contain_text("工作交接")
    expect(org.locator("#diagram .djs-element.active[data-element-id=confirm_arrival]")).to_have_count(1)
    shoot(org, "11-handover-instance")

    township.click("text=待办")
    expect(township.locator("#inbox")).to_contain_text("确认新任干部到岗")
    shoot(township, "12-inbox-township-handover")
    township.click("text=已办")
    expect(township.locator("#done")).to_contain_text("乡镇党委政府审核")

    hr.goto(instance_url)
    expect(hr.locator("#instance-status")).to_have_text("已办结")
    expect(hr.locator("#related")).to_contain_text("工作交接")
    expect(hr.locator("#timeline li")).to_have_count(4)
    shoot(hr, "13-instance-completed")

    auditor = user_page("auditor")
    auditor.click("text=审计查询")
    auditor.fill("input[name=cadre]", "张伟")
    auditor.select_option("select[name=process]", "mid_term_replacement")
    auditor.click("#audit-search button")
    shoot(auditor, "14-audit-search")
    auditor.click("#audit-results a:text-is('校验 / 时点状态')")
    auditor.click("#run-verify")
    expect(auditor.locator("#verify-result")).to_contain_text("完整")
    expect(auditor.locator("#verify-result")).to_contain_text("一致")
    auditor.fill("input[type=datetime-local]", "2020-01-01T00:00:00")
    auditor.click("#show-state")
    expect(auditor.locator("#state-error")).to_have_text("该时刻实例尚未发起。")
    # The page reads Beijing time: an hour from now there (the UTC date is a day behind after 16:00 UTC).
    later = datetime.now(ZoneInfo("Asia/Shanghai")) + timedelta(hours=1)
    auditor.fill("input[type=datetime-local]", later.strftime("%Y-%m-%dT%H:%M:%S"))
    auditor.click("#show-state")
    expect(auditor.locator("#state-result")).to_contain_text("已办结")
    shoot(auditor, "15-audit-verify-state")
