"""GET /api/v1/tasks with the inbox's search, filters and order (the 待办 page's, queries/inbox.py;
tests/support/inbox_cases.py has the cases): the envelope and the items' fields are unchanged, a
bad value is a 422 naming the field, and nothing reaches past the caller's own tasks."""

from __future__ import annotations

from typing import Any

import inbox_cases
import pytest


@pytest.fixture(scope="module")
def tasks(app: Any, clock: Any) -> dict[str, str]:
    """Task id -> case name; the clock then stands at Wednesday 2026-12-02 10:30."""
    return {task: case for case, task in inbox_cases.build(app, clock).items()}


def listed(client: Any, headers: dict[str, str], tasks: dict[str, str], query: str = "") -> list[str]:
    response = client.get(f"/api/v1/tasks?{query}", headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert set(body) == {"items", "total", "page", "per_page"}
    assert body["total"] == len(body["items"]) or "page=" in query  # the whole list fits one page
    return [tasks[item["id"]] for item in body["items"]]


@pytest.mark.parametrize("query, found", [
    ("", ["wangqiang", "zhangwei", "lina"]),
    ("q=王强", ["wangqiang"]), ("q=上庄", ["zhangwei"]), ("q=孙浩", ["zhangwei"]),
    ("q=水口%20李娜", ["lina"]), ("q=水口村%20王强", []), ("q=%25", []),
    ("process=recall", ["wangqiang", "lina"]), ("process=mid_term_replacement", ["zhangwei"]),
    ("township_id=tw-baishui", ["lina"]), ("township_id=tw-nowhere", []),
    ("unit_id=unit-power", ["wangqiang"]), ("unit_id=unit-edu&process=recall", []),
    ("due=4", ["wangqiang", "zhangwei"]), ("due=3", []), ("due=overdue", []),
    ("sort=received", ["lina", "zhangwei", "wangqiang"]), ("sort=process", ["zhangwei", "wangqiang", "lina"]),
    ("sort=due", ["wangqiang", "zhangwei", "lina"]),
    ("process=recall&sort=received&per_page=1&page=2", ["wangqiang"]),  # total 2
])
def test_filters_and_order(client: Any, auth: Any, tasks: dict[str, str], query: str,
                           found: list[str]) -> None:
    assert listed(client, auth("orgdept"), tasks, query) == found


def test_items_keep_their_fields(client: Any, auth: Any, tasks: dict[str, str]) -> None:
    plain = client.get("/api/v1/tasks", headers=auth("orgdept")).get_json()["items"]
    filtered = client.get("/api/v1/tasks?q=王强&sort=process", headers=auth("orgdept")).get_json()["items"]
    assert filtered == [item for item in plain if tasks[item["id"]] == "wangqiang"]


def test_only_the_callers_own_tasks(client: Any, auth: Any, tasks: dict[str, str]) -> None:
    baishui = auth("tw_baishui")
    assert listed(client, baishui, tasks, "q=李娜") == []  # in 白水乡, but the Organization Department's step
    assert listed(client, baishui, tasks, "township_id=tw-baishui") == ["zhaomin"]
    assert listed(client, baishui, tasks, "unit_id=unit-power") == []


def test_done_tasks_take_the_filters_too(client: Any, auth: Any, tasks: dict[str, str]) -> None:
    county = auth("county")  # agreed to 张伟's replacement
    done = client.get("/api/v1/tasks?status=done&q=张伟", headers=county).get_json()
    assert [item["name"] for item in done["items"]] == ["县驻村工作领导小组审核"]
    assert client.get("/api/v1/tasks?status=done&q=王强", headers=county).get_json()["items"] == []


@pytest.mark.parametrize("query, field", [
    ("process=nonsense", "process"), ("sort=nonsense", "sort"), ("due=61", "due"), ("due=-1", "due"),
    ("due=soon", "due"), ("q=" + "村" * 51, "q"),
])
def test_a_bad_value_is_refused_naming_the_field(client: Any, auth: Any, tasks: dict[str, str], query: str,
                                                 field: str) -> None:
    response = client.get(f"/api/v1/tasks?{query}", headers=auth("orgdept"))
    assert response.status_code == 422
    assert response.content_type == "application/problem+json"
    errors = response.get_json()["errors"]
    assert list(errors) == [field], errors
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in m) for m in errors[field]), errors  # said in Chinese


def test_the_filters_are_in_the_openapi_document(client: Any) -> None:
    spec = client.get("/api/v1/openapi.json").get_json()
    names = {p["name"] for p in spec["paths"]["/api/v1/tasks"]["get"]["parameters"]}
    assert {"q", "process", "township_id", "unit_id", "due", "sort", "status", "page", "per_page"} <= names


def test_the_total_counts_the_filtered_list(client: Any, auth: Any, tasks: dict[str, str]) -> None:
    body = client.get("/api/v1/tasks?process=recall&per_page=1", headers=auth("orgdept")).get_json()
    assert (body["total"], len(body["items"])) == (2, 1)
