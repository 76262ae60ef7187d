"""The case page in chromium: the step bar a township secretary reads at a glance, and the BPMN
diagram drawn by bpmn-js (served by the service from node_modules), fitted to its box, zoomable,
with the completed and active steps marked, under the pages' CSP; on a desktop and on a phone."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

expect = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (dev extra)").expect
BPMN = Path(__file__).resolve().parents[2] / "bpmn" / "mid_term_replacement.bpmn"
PHONE = {"width": 390, "height": 844}

# Where the drawn process and each shape lie against the box, in screen pixels.
GEOMETRY = """() => {
  const box = document.getElementById("diagram").getBoundingClientRect();
  const drawn = document.querySelector("#diagram svg .viewport").getBoundingClientRect();
  const shapes = [...document.querySelectorAll("#diagram .djs-shape")].map(
    s => s.getBoundingClientRect()).map(r => [r.left, r.top, r.right, r.bottom]);
  return {box: [box.left, box.top, box.right, box.bottom],
          drawn: [drawn.left, drawn.top, drawn.right, drawn.bottom], shapes};
}"""
SCALE = """() => document.querySelector("#diagram svg .viewport").transform.baseVal.consolidate().matrix.a"""
OFFSET = """() => {
  const m = document.querySelector("#diagram svg .viewport").transform.baseVal.consolidate().matrix;
  return [m.e, m.f];
}"""

# Two fingers put on the diagram's middle `apart[0]` pixels apart, then moved to `apart[1]`.
PINCH = """([from, to]) => {
  const box = document.getElementById("diagram");
  const r = box.getBoundingClientRect(), x = r.left + r.width / 2, y = r.top + r.height / 2;
  const fingers = gap => [0, 1].map(i => new Touch({identifier: i, target: box,
    clientX: x + (i ? gap / 2 : -gap / 2), clientY: y}));
  const send = (type, touches) => box.dispatchEvent(new TouchEvent(type, {touches, changedTouches: touches,
    bubbles: true, cancelable: true}));
  send("touchstart", fingers(from));
  for (let step = 1; step <= 4; step++) send("touchmove", fingers(from + (to - from) * step / 4));
  send("touchend", []);
}"""


@pytest.fixture(scope="module")
def made() -> dict[str, str]:
    """The one case of this module (a cadre has one open replacement at a time)."""
    return {}


def submit_and_approve_at_township(user_page: Any, made: dict[str, str]) -> str:
    if "url" in made:
        return made["url"]
    hr = user_page("hr_edu")
    hr.click("text=提出调整申请")
    hr.fill("input[name=cadre_id]", "张伟")
    hr.check("input[name=reason][value=health]")
    hr.fill("input[name=nominee_id]", "孙浩")
    hr.fill("input[name=effective_date]", (date.today() + timedelta(days=20)).isoformat())
    hr.fill("textarea[name=evidence]", "体检报告")
    hr.click("#submit-request")
    expect(hr.locator("#instance-status")).to_have_text("办理中")
    township = user_page("tw_qingshan")
    township.click("#inbox a:text-is('乡镇党委政府审核')")
    township.check("input[name=decision][value=approve]")
    township.fill("textarea[name=comment]", "同意调整")
    township.click("#submit-decision")
    expect(township.locator(".flash.ok")).to_contain_text("已办理")
    made["url"] = str(hr.url)
    return made["url"]


def watch_csp(page: Any) -> list[str]:
    refused: list[str] = []
    page.on("console",
            lambda msg: refused.append(msg.text) if "Content Security Policy" in msg.text else None)
    return refused


def within(inner: list[float], outer: list[float], slack: float = 1.0) -> bool:
    return (inner[0] >= outer[0] - slack and inner[1] >= outer[1] - slack
            and inner[2] <= outer[2] + slack and inner[3] <= outer[3] + slack)


def wait_for_diagram(page: Any) -> None:
    expect(page.locator("#diagram[data-ready=true] svg .djs-shape").first).to_be_attached()


def test_case_page_shows_the_steps_and_the_fitted_diagram(user_page: Any, shoot: Any,
                                                          made: dict[str, str]) -> None:
    case_url = submit_and_approve_at_township(user_page, made)
    township = user_page("tw_qingshan")
    refused = watch_csp(township)
    township.goto(case_url)

    steps = township.locator("#steps")
    expect(steps.locator(".step.done")).to_have_count(1)
    expect(steps.locator(".step.done")).to_contain_text("乡镇党委政府审核")
    expect(steps.locator(".step.done")).to_contain_text("同意")
    expect(steps.locator(".step.current")).to_contain_text("县驻村工作领导小组审核")
    # a first secretary's replacement is filed by the organisation department, not the RRB
    expect(steps.locator(".step.todo")).to_have_text(re.compile("待办理\\s*县委组织部审核备案"))

    wait_for_diagram(township)
    shapes_in_file = len(re.findall(r"<bpmndi:BPMNShape ", BPMN.read_text(encoding="utf-8")))
    drawn_shapes = township.locator("#diagram .djs-shape:not([data-element-id$=_label])")
    expect(drawn_shapes).to_have_count(shapes_in_file)
    seen = township.evaluate(GEOMETRY)
    assert within(seen["drawn"], seen["box"]), seen  # the whole process fits the box...
    assert all(within(shape, seen["box"]) for shape in seen["shapes"])  # ...every step of it
    box_width = seen["box"][2] - seen["box"][0]
    assert seen["drawn"][2] - seen["drawn"][0] > box_width * 0.6  # and fills it, not a speck

    marked = township.locator("#diagram .djs-element.done")
    expect(township.locator("#diagram .djs-element.done[data-element-id=township_consent]")).to_have_count(1)
    expect(township.locator("#diagram .djs-element.done[data-element-id=check_rules]")).to_have_count(1)
    expect(township.locator("#diagram .djs-element.active[data-element-id=county_consent]")).to_have_count(1)
    expect(township.locator("#diagram .djs-element.active")).to_have_count(1)  # the step, not its timers
    assert marked.count() > 4  # the steps done and the flows taken between them
    expect(township.locator("#diagram .bjs-powered-by")).to_be_visible()  # the library's licence
    shoot(township, "diagram-01-case-page-township")

    fitted = township.evaluate(SCALE)
    township.click("#diagram-zoom button[data-zoom=in]")
    zoomed = township.evaluate(SCALE)
    assert zoomed > fitted * 1.05, (fitted, zoomed)
    shoot(township, "diagram-02-zoomed-in")
    township.click("#diagram-zoom button[data-zoom=fit]")
    assert abs(township.evaluate(SCALE) - fitted) < 0.01

    # dragging with the mouse moves the diagram
    before = township.evaluate(OFFSET)
    box = township.locator("#diagram").bounding_box()
    assert box is not None
    township.mouse.move(box["x"] + 40, box["y"] + 40)
    township.mouse.down()
    township.mouse.move(box["x"] + 140, box["y"] + 90, steps=5)
    township.mouse.up()
    after = township.evaluate(OFFSET)
    assert abs(after[0] - before[0] - 100) < 2 and abs(after[1] - before[1] - 50) < 2, (before, after)
    assert refused == []


def test_case_page_on_a_phone_stacks_the_steps_and_fits_the_diagram(
        chromium: Any, live_server: str, user_page: Any, shoot: Any, made: dict[str, str]) -> None:
    case_url = submit_and_approve_at_township(user_page, made)
    context = chromium.new_context(base_url=live_server, locale="zh-CN", viewport=PHONE,
                                   is_mobile=True, has_touch=True, device_scale_factor=2)
    try:
        phone = context.new_page()
        phone.goto("/login")
        phone.fill("input[name=login]", "tw_qingshan")
        phone.fill("input[name=password]", "tw_qingshan")
        phone.click("button[type=submit]")
        phone.wait_for_url(lambda url: "/login" not in url)
        phone.goto(case_url)
        wait_for_diagram(phone)
        lefts = {round(b["x"]) for b in (s.bounding_box() for s in phone.locator("#steps .step").all()) if b}
        assert len(lefts) == 1  # one below the other
        seen = phone.evaluate(GEOMETRY)
        assert seen["box"][2] <= PHONE["width"] + 1  # the box stays on the screen
        assert within(seen["drawn"], seen["box"]), seen
        shoot(phone, "diagram-03-case-page-phone")
        fitted = phone.evaluate(SCALE)
        phone.evaluate(PINCH, [60, 140])  # two fingers spread from 60 to 140 pixels apart
        assert phone.evaluate(SCALE) > fitted * 1.5, (fitted, phone.evaluate(SCALE))
    finally:
        context.close()


def test_without_scripts_the_steps_still_read(chromium: Any, live_server: str, user_page: Any,
                                             made: dict[str, str]) -> None:
    case_url = submit_and_approve_at_township(user_page, made)
    context = chromium.new_context(base_url=live_server, locale="zh-CN", java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto("/login")
        page.fill("input[name=login]", "hr_edu")
        page.fill("input[name=password]", "hr_edu")
        page.click("button[type=submit]")
        page.wait_for_url(lambda url: "/login" not in url)
        page.goto(case_url)
        expect(page.locator("#steps .step.current")).to_contain_text("县驻村工作领导小组审核")
        expect(page.locator("#diagram")).to_contain_text("流程图需要浏览器启用脚本才能显示")
        expect(page.locator("#diagram-zoom")).to_be_hidden()
    finally:
        context.close()
