"""Every page on a phone (390x844, issue #19) and on an office PC (1280 wide), in chromium: nothing
scrolls sideways, the top menu folds behind a 菜单 button on the phone and opens from it, lists read
as cards, and the task page stacks its columns. A screenshot of each page at each width is kept in
test-artifacts/screenshots/phone-*.png and desktop-*.png."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import office_files
import pytest
import sqlalchemy as sa

expect = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (dev extra)").expect

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

# (screenshot name, login, path): {task}, {instance}, {round} are filled from the cases made below.
PAGES = [
    ("inbox", "tw_qingshan", "/inbox"),
    ("task", "tw_qingshan", "/tasks/{task}"),
    ("request-new", "hr_edu", "/requests/new"),
    ("my-requests", "hr_edu", "/requests"),
    ("withdraw", "hr_edu", "/requests/{instance}/withdraw"),
    ("instance", "tw_qingshan", "/instances/{instance}"),
    ("instance-admin", "admin", "/instances/{instance}"),
    ("done", "tw_qingshan", "/done"),
    ("notifications", "tw_qingshan", "/notifications"),
    ("coverage", "county", "/coverage"),
    ("support", "hr_edu", "/support"),
    ("support-cadre", "hr_edu", "/support/cadres/c-zhangwei"),
    ("support-insurance", "rrb", "/support/insurance"),
    ("roster-cadres", "orgdept", "/roster/cadres"),
    ("roster-villages", "orgdept", "/roster/villages"),
    ("roster-townships", "orgdept", "/roster/townships"),
    ("roster-units", "orgdept", "/roster/units"),
    ("roster-cadre", "orgdept", "/roster/cadre/c-zhangwei"),
    ("roster-village", "orgdept", "/roster/village/v-shangzhuang"),
    ("roster-import", "orgdept", "/roster/import"),
    ("dispatch", "hr_edu", "/dispatches/new"),
    ("round-new", "county", "/dispatch-rounds/new"),
    ("round", "county", "/dispatch-rounds/{round}"),
    ("users", "admin", "/users"),
    ("user-new", "admin", "/users/new"),
    ("user-edit", "admin", "/users/hr_edu"),
    ("audit", "auditor", "/audit"),
    ("audit-instance", "auditor", "/audit/instances/{instance}?verify=1"),
    ("assessments", "county", "/assessments"),
    ("assessment-round", "county", "/assessments/rounds/{assessment_round}"),
    ("assessment-summary", "hr_edu", "/assessments/summary"),
    ("cadre-file", "hr_edu", "/cadres/c-zhangwei/file"),
]
# The pages the issue names first: their lists must be cards and their columns stacked.
TABLES_AS_CARDS = {"inbox": "#inbox", "request-new": "#nominee-eligibility", "coverage": "#coverage",
                   "support": "#support-ledger",
                   "instance": "#attachments",
                   "roster-cadres": "#roster-list", "users": "#users", "my-requests": "#my-requests",
                   "assessment-round": "#round-progress"}

SIDEWAYS = """() => ({
  inner: window.innerWidth,
  html: document.documentElement.scrollWidth,
  body: document.body.scrollWidth,
  // elements whose right edge passes the window (clipped overflow would hide them from scrollWidth)
  out: [...document.querySelectorAll('body *')].filter(e => {
    const r = e.getBoundingClientRect();
    if (!r.width || getComputedStyle(e).visibility === 'hidden') return false;
    for (let p = e.parentElement; p; p = p.parentElement) {
      if (getComputedStyle(p).overflowX !== 'visible') return false;  // scrolls inside its own box
    }
    return r.right > window.innerWidth + 0.5;
  }).map(e => e.tagName + (e.id ? '#' + e.id : '') + '.' + e.className).slice(0, 5),
})"""


@pytest.fixture(scope="module")
def cases(live_app: tuple[str, Any]) -> dict[str, str]:
    """A replacement (with a file) waiting for the township, a recall and a dispatch round, made
    through the commands (what the pages show, not how they came to be, is tested here)."""
    from service import commands
    from service.commands.assessments.rounds import open_round
    from service.commands.attachments import NewFile
    from service.commands.dispatch_rounds import create_round
    from service.core.principal import Principal
    from service.persistence.db import db
    from service.persistence.models import HumanTask, User

    _, app = live_app
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    with app.app_context():
        def who(login: str) -> Principal:
            return Principal.from_user(db.session.get(User, login))

        row = commands.submit_adjustment(who("hr_edu"), {
            "cadre_id": "c-zhangwei", "village_id": "v-shangzhuang", "role": "first_secretary",
            "reason": "health",
            "justification": "长期病休，无法坚持驻村，经县人民医院诊断需住院治疗三个月以上",
            "nominee_id": "c-sunhao", "effective_date": today + timedelta(days=30),
            "evidence": ["体检报告", "县人民医院诊断证明（2026年11月）"]},
            files=[NewFile("县人民医院诊断证明（2026年11月，住院治疗三个月以上）.pdf", office_files.pdf())])
        instance = row.id
        task = db.session.execute(sa.select(HumanTask.id).where(
            HumanTask.instance_id == instance, HumanTask.status == "open")).scalar_one()
        commands.open_recall(who("orgdept"), {
            "cadre_id": "c-wangqiang", "source": "assessment", "finding": "年度考核不称职，多次无故离岗",
            "evidence": ["考核结果通报"]})
        start = date(today.year + 1, 3, 1)
        round_id = create_round(who("county"), {"term_start": start, "term_end": date(start.year + 2, 3, 1),
                                                "roles": ["first_secretary", "team_member"],
                                                "township_id": "tw-qingshan"}).id
        assessment_round = open_round(who("county"), {"year": today.year}).id
        db.session.remove()
    return {"instance": instance, "task": task, "round": round_id, "assessment_round": assessment_round}


@pytest.fixture(scope="module")
def signed_in() -> dict[str, Any]:
    """Each login's cookies once it has signed in (a browser storage state): every page of that
    login then opens in a fresh context without signing in again."""
    return {}


@pytest.fixture
def open_page(chromium: Any, live_server: str,
              signed_in: dict[str, Any]) -> Iterator[Callable[[str, dict[str, int]], Any]]:
    """open_page(login, viewport) -> a signed-in page of that size (a context of its own)."""
    contexts: list[Any] = []

    def open_as(login: str, viewport: dict[str, int]) -> Any:
        context = chromium.new_context(base_url=live_server, locale="zh-CN", viewport=viewport,
                                       is_mobile=viewport is PHONE, has_touch=viewport is PHONE,
                                       storage_state=signed_in.get(login))
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        if login not in signed_in:
            page.goto("/login")
            page.fill("input[name=login]", login)
            page.fill("input[name=password]", login)
            page.click("button[type=submit]")
            page.wait_for_url(lambda url: "/login" not in url)
            signed_in[login] = context.storage_state()
        return page

    yield open_as
    for context in contexts:
        context.close()


def assert_no_sideways_scroll(page: Any, name: str) -> None:
    widths = page.evaluate(SIDEWAYS)
    # A phone zooms out to show a page wider than itself: the window then reports that width.
    assert widths["inner"] == page.viewport_size["width"], (name, widths)
    assert widths["html"] <= widths["inner"], (name, widths)
    assert widths["body"] <= widths["inner"], (name, widths)
    assert not widths["out"], (name, widths)


@pytest.mark.parametrize("name, login, path", PAGES, ids=[p[0] for p in PAGES])
def test_each_page_fits_a_phone(open_page: Any, shoot: Any, cases: dict[str, str],
                                name: str, login: str, path: str) -> None:
    page = open_page(login, PHONE)
    page.goto(path.format(**cases))
    expect(page.locator("main h1")).to_be_visible()
    assert_no_sideways_scroll(page, name)
    shoot(page, f"phone-{name}")
    expect(page.locator(".menu-button")).to_be_visible()
    expect(page.locator(".topbar .menu")).to_be_hidden()  # folded: the page starts right under the top bar
    if name in TABLES_AS_CARDS:
        table = page.locator(TABLES_AS_CARDS[name])
        expect(table.locator("thead")).to_be_hidden()
        cell = table.locator("tbody td[data-label]").first
        assert cell.evaluate("e => getComputedStyle(e).display") != "table-cell"
        label = cell.evaluate("e => getComputedStyle(e, '::before').content")
        assert label.strip('"') == cell.get_attribute("data-label") != "", label


@pytest.mark.parametrize("name, login, path", PAGES, ids=[p[0] for p in PAGES])
def test_each_page_keeps_its_desktop_layout(open_page: Any, shoot: Any, cases: dict[str, str],
                                            name: str, login: str, path: str) -> None:
    page = open_page(login, DESKTOP)
    page.goto(path.format(**cases))
    assert_no_sideways_scroll(page, name)
    expect(page.locator(".menu-button")).to_be_hidden()
    expect(page.locator(".topbar nav a").first).to_be_visible()
    if name in TABLES_AS_CARDS:
        expect(page.locator(TABLES_AS_CARDS[name]).locator("thead")).to_be_visible()
    shoot(page, f"desktop-{name}")


def test_the_menu_opens_from_its_button_on_a_phone(open_page: Any, shoot: Any, cases: dict[str, str]) -> None:
    page = open_page("orgdept", PHONE)
    page.goto("/inbox")
    top = page.locator(".topbar").bounding_box()
    assert top is not None and top["height"] < 60, top  # one row: the name and the button
    expect(page.locator(".topbar nav a", has_text="名册导入")).to_be_hidden()
    page.click(".menu-button")
    link = page.locator(".topbar nav a", has_text="名册导入")
    expect(link).to_be_visible()
    box = link.bounding_box()
    assert box is not None and box["height"] >= 40 and box["width"] > 300, box  # a finger-sized row
    assert_no_sideways_scroll(page, "menu")
    shoot(page, "phone-menu-open")
    link.click()
    expect(page.locator("main h1")).to_contain_text("名册导入")
    expect(page.locator(".topbar .menu")).to_be_hidden()  # a new page starts folded again


@pytest.mark.parametrize("width", [761, 900])
def test_between_phone_and_desktop_the_menu_wraps_by_whole_words(open_page: Any, width: int) -> None:
    page = open_page("orgdept", {"width": width, "height": 700})  # the longest menu but an admin's
    page.goto("/inbox")
    expect(page.locator(".menu-button")).to_be_hidden()
    for link in page.locator(".topbar nav a").all():
        box = link.bounding_box()
        assert box is not None and box["height"] < 30 and box["width"] > 20, (link.inner_text(), box)
    assert_no_sideways_scroll(page, f"menu-{width}")


def test_the_task_page_stacks_on_a_phone(open_page: Any, cases: dict[str, str]) -> None:
    page = open_page("tw_qingshan", PHONE)
    page.goto(f"/tasks/{cases['task']}")
    sections = page.locator("#sections").bounding_box()
    history = page.locator("#timeline").bounding_box()
    decide = page.locator("#decide").bounding_box()
    assert sections and history and decide
    assert history["y"] >= sections["y"] + sections["height"], (sections, history)  # below, not beside
    assert decide["y"] > history["y"]
    assert decide["width"] > 340, decide
    desktop = open_page("tw_qingshan", DESKTOP)
    desktop.goto(f"/tasks/{cases['task']}")
    sections = desktop.locator("#sections").bounding_box()
    history = desktop.locator("#timeline").bounding_box()
    assert sections and history and history["x"] > sections["x"] + sections["width"]  # side by side
