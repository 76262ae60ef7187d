"""GET /api/v1/coverage and /coverage.xlsx: the roles each village requires, who holds them, the
flags (each made to appear by one roster change, and gone again when it is undone), the filters,
who sees which villages, and the Excel export.

The demo county at the clock's start (2026-12-01, Beijing): 上庄村, 水口村 and 兴隆村 have a first
secretary leading a team member; 红岩村 (red village) has a first secretary only; the other eight
villages have nobody. Every demo term ends 2027-02-28 (89 days ahead).
"""

from __future__ import annotations

import io
from datetime import date, datetime
from typing import Any

import pytest
from coverage_helpers import changed, posted
from openpyxl import load_workbook
from process_helpers import FS_REQUEST

from service.core.clock import ManualClock, install_clock
from service.core.labels import COVERAGE_FLAG_NAMES
from service.core.principal import Principal
from service.persistence.db import db
from service.persistence.models import User, VillageCategory
from service.queries.coverage import FLAGS, CoverageFilter, coverage_all, term_window


def page(client: Any, headers: dict[str, str], query: str = "", status: int = 200) -> Any:
    if "per_page=" not in query:
        query += "&per_page=100"
    response = client.get(f"/api/v1/coverage?{query.lstrip('&')}", headers=headers)
    assert response.status_code == status, response.get_data(as_text=True)
    return response.get_json()


def villages(client: Any, headers: dict[str, str], query: str = "") -> dict[str, dict[str, Any]]:
    return {item["village_id"]: item for item in page(client, headers, query)["items"]}


def flags(client: Any, headers: dict[str, str], village_id: str) -> set[str]:
    return {f["code"] for f in villages(client, headers)[village_id]["flags"]}


@pytest.fixture
def county(auth: Any) -> dict[str, str]:
    return auth("county")


def test_every_flag_has_a_chinese_name() -> None:
    assert set(FLAGS) == set(COVERAGE_FLAG_NAMES)


def test_required_roles_holders_and_the_flags_of_the_demo(client: Any, county: dict[str, str],
                                                          clock: Any) -> None:
    body = page(client, county)
    assert body["total"] == 12 and body["page"] == 1 and body["per_page"] == 100
    items = {i["village_id"]: i for i in body["items"]}
    shangzhuang = items["v-shangzhuang"]
    assert shangzhuang["required_roles"] == ["first_secretary", "team_member"]
    assert shangzhuang["required_role_names"] == ["驻村第一书记", "驻村工作队员"]
    assert shangzhuang["township_name"] == "青山镇" and shangzhuang["categories"] == ["poverty_alleviated"]
    fs, member = shangzhuang["holders"]
    assert (fs["cadre_name"], fs["role"], fs["supplier_name"], fs["leads_team"]) == (
        "张伟", "first_secretary", "XX县教育局", True)
    assert (fs["term_start"], fs["planned_end"], fs["days_left"]) == ("2025-03-01", "2027-02-28", 89)
    assert member["cadre_name"] == "刘洋"
    assert shangzhuang["flags"] == [] and shangzhuang["open_cases"] == 0
    assert items["v-hongyan"]["required_roles"] == ["first_secretary"] and items["v-hongyan"]["flags"] == []
    assert items["v-xiahe"]["flags"] == [
        {"code": "missing_first_secretary", "name": "缺第一书记"},
        {"code": "missing_work_team", "name": "缺工作队员"}]
    # A weak village needs no team: only the first secretary is missing.
    assert [f["code"] for f in items["v-liujia"]["flags"]] == ["missing_first_secretary"]


def test_missing_first_secretary_and_missing_team(app: Any, client: Any, county: dict[str, str],
                                                  clock: Any) -> None:
    assert flags(client, county, "v-shuikou") == set()
    with changed(app, "c-lina", active=False):
        assert flags(client, county, "v-shuikou") == {"missing_first_secretary"}
    with changed(app, "c-chenjing", active=False):
        assert flags(client, county, "v-shuikou") == {"missing_work_team"}
    # A village carrying a team category besides its main one needs the team too.
    with posted(app, "c-sunhao", "v-liujia", "first_secretary"):
        assert flags(client, county, "v-liujia") == set()
        with app.app_context():
            db.session.add(VillageCategory(village_id="v-liujia", category="key_assistance"))
            db.session.commit()
        try:
            item = villages(client, county)["v-liujia"]
            assert item["categories"] == ["weak_party_org", "key_assistance"]
            assert item["required_roles"] == ["first_secretary", "team_member"]
            assert {f["code"] for f in item["flags"]} == {"missing_work_team", "leader_not_first_secretary"}
        finally:
            with app.app_context():
                db.session.delete(db.session.get_one(VillageCategory, ("v-liujia", "key_assistance")))
                db.session.commit()


def test_team_member_in_a_village_that_needs_no_team(app: Any, client: Any, county: dict[str, str],
                                                     clock: Any) -> None:
    assert flags(client, county, "v-hongyan") == set()
    with posted(app, "c-zhengkai", "v-hongyan", "team_member"):
        assert flags(client, county, "v-hongyan") == {"team_not_required"}


def test_team_leader_who_is_not_the_first_secretary(app: Any, client: Any, county: dict[str, str],
                                                    clock: Any) -> None:
    with changed(app, "c-wangqiang", leads_team=False):
        assert flags(client, county, "v-xinglong") == {"leader_not_first_secretary"}
    with changed(app, "c-yangfan", leads_team=True):
        assert flags(client, county, "v-xinglong") == {"leader_not_first_secretary"}
    assert flags(client, county, "v-xinglong") == set()
    # A red village has no team: its first secretary leads none, and that is right.
    assert flags(client, county, "v-hongyan") == set()


def test_temporary_staff_posted(app: Any, client: Any, county: dict[str, str], clock: Any) -> None:
    with posted(app, "c-luoyi", "v-shangzhuang", "team_member"):
        item = villages(client, county)["v-shangzhuang"]
        assert {f["code"] for f in item["flags"]} == {"temporary_staff"}
        luoyi = next(h for h in item["holders"] if h["cadre_id"] == "c-luoyi")
        assert luoyi["employment_type"] == "temporary" and luoyi["employment_name"] == "临聘"


@pytest.mark.parametrize(("planned_end", "expected"), [
    (date(2027, 1, 31), set()),  # 61 days ahead: not yet
    (date(2027, 1, 30), {"term_ending_soon"}),  # 60 days: the notice's first day
    (date(2026, 12, 1), {"term_ending_soon"}),  # ends today
    (date(2026, 11, 30), {"term_overdue"}),  # ended yesterday and still posted
])
def test_term_ending_soon_and_overdue(app: Any, client: Any, county: dict[str, str], clock: Any,
                                      planned_end: date, expected: set[str]) -> None:
    with changed(app, "c-zhaomin", planned_end=planned_end):
        assert flags(client, county, "v-hongyan") == expected


def test_notice_follows_the_setting(make_app: Any, auth: Any) -> None:
    app = make_app(term_end_notice_days=100)
    install_clock(app, ManualClock(datetime.fromisoformat("2026-12-01T09:00:00+08:00")))
    assert flags(app.test_client(), auth("county"), "v-hongyan") == {"term_ending_soon"}  # 89 days


def test_filters(client: Any, county: dict[str, str], clock: Any) -> None:
    assert set(villages(client, county, "&township_id=tw-baishui")) == {
        "v-dongping", "v-shuikou", "v-huangtu", "v-hongyan"}
    assert set(villages(client, county, "&category=red_village")) == {
        "v-qingshanling", "v-hongyan", "v-jianshe"}
    assert set(villages(client, county, "&unit_id=unit-edu")) == {"v-shangzhuang", "v-hongyan"}
    assert set(villages(client, county, "&flag=missing_work_team")) == {"v-xiahe", "v-dongping", "v-wangjia"}
    assert set(villages(client, county, "&flag=missing_work_team&township_id=tw-hongqi")) == {"v-wangjia"}
    assert villages(client, county, "&flag=term_overdue") == {}
    body = page(client, county, "&per_page=5&page=3")
    assert body["total"] == 12 and len(body["items"]) == 2
    bad = page(client, county, "&flag=nonsense", status=422)
    assert "flag" in bad["errors"]
    assert "unknown" in page(client, county, "&unknown=1", status=422)["errors"]


def test_who_sees_which_villages(client: Any, auth: Any, clock: Any) -> None:
    for login in ("county", "orgdept", "rrb", "auditor", "admin"):
        assert page(client, auth(login))["total"] == 12, login
    assert set(villages(client, auth("tw_qingshan"))) == {
        "v-shangzhuang", "v-xiahe", "v-liujia", "v-qingshanling"}
    # A township filtering on another township gets nothing of it.
    assert villages(client, auth("tw_qingshan"), "&township_id=tw-baishui") == {}
    assert set(villages(client, auth("hr_hospital"))) == {"v-shuikou"}
    assert set(villages(client, auth("hr_edu"))) == {"v-shangzhuang", "v-hongyan"}
    page(client, auth("cadre_zhangwei"), status=403)
    assert client.get("/api/v1/coverage").status_code == 401
    assert client.get("/api/v1/coverage.xlsx", headers=auth("cadre_zhangwei")).status_code == 403


def test_open_cases_count_what_the_caller_may_see(client: Any, auth: Any, clock: Any) -> None:
    response = client.post("/api/v1/adjustments", json=FS_REQUEST, headers=auth("hr_edu"))
    assert response.status_code == 201, response.get_data(as_text=True)
    assert villages(client, auth("county"))["v-shangzhuang"]["open_cases"] == 1
    assert villages(client, auth("tw_qingshan"))["v-shangzhuang"]["open_cases"] == 1
    # 刘洋's unit (教育局) submitted it; a township other than 青山镇 does not see the village at all.
    assert villages(client, auth("hr_edu"))["v-shangzhuang"]["open_cases"] == 1
    client.post(f"/api/v1/instances/{response.get_json()['instance_id']}/withdraw", headers=auth("hr_edu"),
                json={"reason": "人选另有安排"})
    assert villages(client, auth("county"))["v-shangzhuang"]["open_cases"] == 0


def test_excel_export_has_every_row(client: Any, auth: Any, clock: Any) -> None:
    response = client.get("/api/v1/coverage.xlsx?township_id=tw-qingshan", headers=auth("county"))
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "attachment" in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("乡镇", "村", "村类别", "应配岗位")
    assert [r[1] for r in rows[1:]] == ["刘家村", "青山岭村", "上庄村", "下河村"]  # by village id
    shangzhuang = rows[3]
    assert shangzhuang[4] == "张伟" and shangzhuang[5] == "XX县教育局"
    assert shangzhuang[7] == "刘洋（XX县教育局）"
    assert rows[4][9] == "缺第一书记、缺工作队员"
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:J5"
    assert sheet["A1"].font.bold
    assert sheet.column_dimensions["J"].width == 48
    everything = client.get("/api/v1/coverage.xlsx", headers=auth("admin"))
    everything = load_workbook(io.BytesIO(everything.data)).active
    assert everything.max_row == 13
    assert client.get("/api/v1/coverage.xlsx?page=1", headers=auth("admin")).status_code == 422


def test_openapi_documents_coverage(client: Any) -> None:
    spec = client.get("/api/v1/openapi.json").get_json()
    params = {p["name"] for p in spec["paths"]["/api/v1/coverage"]["get"]["parameters"]}
    assert {"page", "per_page", "township_id", "unit_id", "category", "flag"} <= params
    assert {"holders", "flags", "open_cases", "required_roles"} <= set(
        spec["components"]["schemas"]["CoverageItem"]["properties"])
    xlsx = spec["paths"]["/api/v1/coverage.xlsx"]["get"]["responses"]["200"]["content"]
    assert "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" in xlsx


def test_export_reads_in_chunks_without_losing_or_repeating_a_village(app: Any, client: Any, clock: Any,
                                                                      county: dict[str, str]) -> None:
    listed = [i["village_id"] for i in page(client, county)["items"]]
    with app.app_context():
        principal = Principal.from_user(db.session.get_one(User, "county"))
        for chunk in (1, 5, 12, 13):
            items = coverage_all(principal, CoverageFilter(), term_window(), chunk)
            chunked = [i["village_id"] for i in items]
            assert chunked == listed, chunk
