"""打印 in chromium: the unit HR opens its replacement's page, clicks 打印审批表 and gets the form as
a PDF (content type and text checked); the township prints a handover list from its task page, the
new cadre a signed one from the case page."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from print_support import pdf_text, squeeze, walk_cases

expect = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (dev extra)").expect


@pytest.fixture(scope="module")
def cases(live_app: tuple[str, Any]) -> dict[str, str]:
    """The replacement, its handover and the recall, walked on the served app's own clock from
    2026-12-01 09:00 (Beijing), one step every half hour."""
    from service.core.clock import ManualClock, install_clock

    app = live_app[1]
    clock = install_clock(app, ManualClock(datetime.fromisoformat("2026-12-01T09:00:00+08:00")))
    return walk_cases(app, clock)


def click_for_pdf(page: Any, selector: str) -> tuple[str, bytes]:
    """Click a 打印 link and see chromium open the form in its PDF viewer: (the answer's content
    type, the PDF). The viewer keeps the bytes to itself, so the same address is fetched again
    in the same signed-in browser context to read them."""
    with page.expect_response(lambda r: "/print/" in r.url) as answer:
        page.click(selector)
    page.wait_for_load_state()  # chromium shows it in its PDF viewer (see the screenshots)
    assert page.url == answer.value.url
    again = page.context.request.get(answer.value.url)
    assert again.status == 200 and again.headers["content-type"] == answer.value.headers["content-type"]
    return answer.value.headers["content-type"], again.body()


def test_the_unit_prints_the_approval_form_from_the_case_page(user_page: Any, shoot: Any,
                                                              cases: dict[str, str]) -> None:
    hr = user_page("hr_edu")
    hr.goto(f"/instances/{cases['mid_term_replacement']}")
    expect(hr.locator("#print-links")).to_have_text("纸质存档：打印审批表（PDF，A4）")
    shoot(hr, "print-01-case-page-links")
    content_type, pdf = click_for_pdf(hr, "#print-approval")
    shoot(hr, "print-02-approval-in-the-pdf-viewer")
    assert content_type == "application/pdf"
    text = pdf_text(pdf)
    for needle in ("驻村干部中途调整审批表", cases["mid_term_replacement"], "张伟", "孙浩", "上庄村",
                   "乡镇党委政府审核 退回修改 请补充县人民医院诊断证明原件", "县委组织部审核备案 予以备案",
                   "2026-12-01 11:30", "已办结"):
        assert squeeze(needle) in text, needle


def test_the_handover_list_from_a_task_page_and_from_the_case_page(user_page: Any, shoot: Any,
                                                                   cases: dict[str, str]) -> None:
    # the recall's handover waits for 红旗镇 to confirm the arrival: its list is still blank
    township = user_page("tw_hongqi")
    township.goto("/inbox")
    township.click("text=确认新任干部到岗")
    expect(township.locator("h1")).to_contain_text("确认新任干部到岗")
    expect(township.locator("#print-links")).to_contain_text("打印交接清单")
    shoot(township, "print-03-task-page-links")
    content_type, pdf = click_for_pdf(township, "#print-handover")
    assert content_type == "application/pdf"
    text = pdf_text(pdf)
    for needle in ("驻村干部工作交接清单", "原任干部 王强", "新任干部 吴婷", "编制 尚未编制",
                   "原任干部 王强 签字： 尚未签字", "乡镇监交 红旗镇 签字： 尚未监交",
                   "办理中（当前环节：确认新任干部到岗）"):
        assert squeeze(needle) in text, needle

    # the replacement's handover is done: both signatures and the witness, with their times
    cadre = user_page("cadre_sunhao")
    cadre.goto("/done")
    cadre.click("text=新任干部签字确认")  # the case it belongs to
    content_type, pdf = click_for_pdf(cadre, "#print-handover")
    shoot(cadre, "print-04-handover-list-in-the-pdf-viewer")
    assert content_type == "application/pdf"
    text = pdf_text(pdf)
    for needle in ("村情 村情已逐项介绍", "档案 帮扶档案 12 卷",
                   "原任干部 张伟 签字： 签字确认 2026-12-01 13:30",
                   "新任干部 孙浩 签字： 签字确认 2026-12-01 14:00",
                   "乡镇监交 青山镇党委 黄磊 签字： 确认监交 2026-12-01 14:30"):
        assert squeeze(needle) in text, needle
