"""待办's search, filters and order as GET parameters (tests/support/inbox_cases.py has the cases):
each filter and order narrows or orders the caller's own tasks only, unknown values are ignored,
and the page links keep them from page to page."""

from __future__ import annotations

import re
from typing import Any

import inbox_cases
import pytest
from page_client import Browser

ROW = re.compile(r'<tr class="[^"]*" data-task="([^"]+)">')


@pytest.fixture(scope="module")
def tasks(app: Any, clock: Any) -> dict[str, str]:
    """Task id -> case name; the clock then stands at Wednesday 2026-12-02 10:30."""
    return {task: case for case, task in inbox_cases.build(app, clock).items()}


def listed(user: Browser, tasks: dict[str, str], query: str = "") -> list[str]:
    """The cases of the inbox's rows, in their order."""
    return [tasks[t] for t in ROW.findall(user.get(f"/inbox?{query}"))]


def test_without_filters_the_inbox_lists_every_own_task_by_deadline(app: Any, tasks: dict[str, str]) -> None:
    org = Browser(app, "orgdept")
    assert listed(org, tasks) == ["wangqiang", "zhangwei", "lina"]
    assert listed(Browser(app, "tw_baishui"), tasks) == ["zhaomin"]


@pytest.mark.parametrize("q, found", [
    ("王强", ["wangqiang"]), ("兴隆", ["wangqiang"]),  # the cadre, the village
    ("孙浩", ["zhangwei"]),  # the nominee (the replacement's new cadre) too
    ("水口 李娜", ["lina"]), ("水口村 王强", []),  # every word must be found
    ("村", ["wangqiang", "zhangwei", "lina"]), ("%", []), ("_", []),  # LIKE's wildcards are plain text
])
def test_search_finds_cases_by_cadre_and_village_names(app: Any, tasks: dict[str, str], q: str,
                                                       found: list[str]) -> None:
    org = Browser(app, "orgdept")
    assert listed(org, tasks, f"q={q}") == found
    page = org.get(f"/inbox?q={q}")
    assert f'name="q" value="{q}"' in page  # the box keeps what was typed
    if not found:
        assert "没有符合条件的待办任务。" in page


@pytest.mark.parametrize("query, found", [
    ("process=recall", ["wangqiang", "lina"]), ("process=mid_term_replacement", ["zhangwei"]),
    ("process=handover", []), ("process=nonsense", ["wangqiang", "zhangwei", "lina"]),  # ignored
    ("township_id=tw-baishui", ["lina"]), ("township_id=tw-qingshan", ["zhangwei"]),
    ("unit_id=unit-power", ["wangqiang"]), ("unit_id=unit-edu", ["zhangwei"]),
    ("unit_id=unit-edu&process=recall", []), ("process=recall&township_id=tw-hongqi", ["wangqiang"]),
])
def test_process_township_and_unit_filters(app: Any, tasks: dict[str, str], query: str,
                                           found: list[str]) -> None:
    assert listed(Browser(app, "orgdept"), tasks, query) == found


def test_the_place_choices_are_those_of_the_callers_own_tasks(app: Any, tasks: dict[str, str]) -> None:
    page = Browser(app, "orgdept").get("/inbox?township_id=tw-baishui")
    townships = page[page.index('name="township_id"'):]
    townships = townships[:townships.index("</select>")]
    assert re.findall(r'<option value="([^"]*)"', townships) == ["", "tw-baishui", "tw-hongqi", "tw-qingshan"]
    assert '<option value="tw-baishui" selected>白水乡</option>' in townships
    units = page[page.index('name="unit_id"'):]
    assert re.findall(r'<option value="([^"]*)"', units[:units.index("</select>")]) == [
        "", "unit-edu", "unit-hospital", "unit-power"]
    # 白水乡 acts on one case of its own: nothing to choose between, so no choice is offered
    assert 'name="township_id"' not in Browser(app, "tw_baishui").get("/inbox")


def test_filters_never_reach_past_the_callers_own_tasks(app: Any, tasks: dict[str, str]) -> None:
    baishui = Browser(app, "tw_baishui")
    # 李娜's recall is in 白水乡, but its step is the Organization Department's, not the township's
    assert listed(baishui, tasks, "q=李娜") == []
    assert listed(baishui, tasks, "township_id=tw-baishui&process=recall") == []
    assert listed(baishui, tasks, "unit_id=unit-power") == ["zhaomin"]  # not a choice of its: ignored
    assert listed(baishui, tasks, "q=赵敏") == ["zhaomin"]


@pytest.mark.parametrize("sort, order", [
    ("due", ["wangqiang", "zhangwei", "lina"]),
    ("received", ["lina", "zhangwei", "wangqiang"]),  # the newest first
    ("process", ["zhangwei", "wangqiang", "lina"]),  # replacements before recalls, then by deadline
    ("nonsense", ["wangqiang", "zhangwei", "lina"]),
])
def test_sorting(app: Any, tasks: dict[str, str], sort: str, order: list[str]) -> None:
    org = Browser(app, "orgdept")
    assert listed(org, tasks, f"sort={sort}") == order
    if sort != "nonsense":
        assert f'<option value="{sort}" selected>' in org.get(f"/inbox?sort={sort}")


def test_filters_and_order_survive_paging(app: Any, tasks: dict[str, str], monkeypatch: Any) -> None:
    from service.http.web import inbox

    monkeypatch.setattr(inbox, "PER_PAGE", 1)
    org = Browser(app, "orgdept")
    page = org.get("/inbox?q=村&process=recall&sort=received")
    assert [tasks[t] for t in ROW.findall(page)] == ["lina"]
    next_link = re.search(r'<a href="\?([^"]+)">下一页</a>', page)
    assert next_link is not None
    query = next_link.group(1).replace("&amp;", "&")
    assert sorted(query.split("&")) == ["page=2", "process=recall", "q=%E6%9D%91", "sort=received"]
    second = org.get(f"/inbox?{query}")
    assert [tasks[t] for t in ROW.findall(second)] == ["wangqiang"]
    assert '<option value="recall" selected>' in second and '<option value="received" selected>' in second
    assert "共 2 条，第 2/2 页" in second


def test_deadline_filters_count_working_days(app: Any, clock: Any, tasks: dict[str, str]) -> None:
    # Wednesday 12-02 10:30: 王强's and 张伟's tasks are due Tuesday 12-08, 4 working days on
    org = Browser(app, "orgdept")
    assert listed(org, tasks, "due=3") == []
    assert listed(org, tasks, "due=4") == ["wangqiang", "zhangwei"]
    assert listed(org, tasks, "due=5") == ["wangqiang", "zhangwei", "lina"]
    assert listed(org, tasks, "due=overdue") == []
    assert '<option value="4" selected>4 个工作日内到期</option>' in org.get("/inbox?due=04")
    assert listed(org, tasks, "due=61") == listed(org, tasks, "due=-1") == ["wangqiang", "zhangwei", "lina"]
    clock.advance(days=6)  # Tuesday 12-08 10:30: 王强's is overdue since 09:00, 张伟's due at 11:00
    org = Browser(app, "orgdept")  # signed in afresh: sessions idle out
    assert listed(org, tasks, "due=overdue") == ["wangqiang"]
    assert listed(org, tasks, "due=0") == ["zhangwei"]
    assert listed(org, tasks, "due=1") == ["zhangwei", "lina"]
    page = org.get("/inbox?due=1&sort=received")
    assert listed(org, tasks, "due=1&sort=received") == ["lina", "zhangwei"]
    assert "今日 11:00 到期" in page and "剩余 1 个工作日（12月9日）" in page and "已逾期" not in page
    assert '<option value="overdue" selected>' in org.get("/inbox?due=overdue")
