"""The support ledger through HTTP (domain rule 12, seed 四（二）落实工作保障), on SQLite and PostgreSQL.

The module clock starts Tue 2026-12-01 09:00 (Beijing). The demo postings run from 2025-03-01, so
every posted demo cadre served all of 2026: the education bureau's 张伟 (上庄村 first secretary),
赵敏 (红岩村) and 刘洋 (上庄村 team member); the hospital's 李娜 and 陈静; the power company's 王强
and 杨帆. 钱立 (education bureau) holds no posting.
"""

from __future__ import annotations

import io
from typing import Any

import pytest
from openpyxl import load_workbook
from process_helpers import Api, problem_fields

TRIP = {"cadre_id": "c-zhangwei", "route": "上庄村—县城", "amount_yuan": "36.50"}
GROUP_POLICY = {"year": 2026, "insurer": "中国人寿XX县支公司", "policy_no": "GP2026-001",
                "cover_yuan": 500000, "period_start": "2026-01-01", "period_end": "2026-12-31"}


@pytest.fixture
def api(client: Any, auth: Any, clock: Any) -> Api:
    return Api(client, auth)


def ledger(api: Api, login: str, query: str = "year=2026") -> dict[str, dict[str, Any]]:
    return {i["cadre_id"]: i for i in api.get(login, f"/support/ledger?{query}&per_page=100")["items"]}


def test_who_records_what_and_who_reads_whose(api: Api) -> None:
    # The county buys the insurance: a unit may not record it, the county bodies may.
    body = {**GROUP_POLICY, "cadre_ids": ["c-zhangwei"]}
    for login in ("hr_edu", "tw_qingshan", "auditor", "admin", "cadre_zhangwei"):
        api.post(login, "/support/insurance", body, status=403)
    # What the unit pays, the unit records: not the county, not another unit, not a cadre.
    trip = {**TRIP, "trip_date": "2026-10-08"}
    for login in ("county", "orgdept", "rrb", "auditor", "admin", "cadre_zhangwei"):
        api.post(login, "/support/transport", trip, status=403)
    refused = api.post("hr_hospital", "/support/transport", trip, status=403)
    assert "只能登记本单位干部" in refused["detail"]
    assert problem_fields(api.post("hr_edu", "/support/transport", {**trip, "cadre_id": "c-nobody"},
                                   status=422)) == {"cadre_id": ["干部 c-nobody 不存在"]}
    # A role without any right is refused before its input is read.
    api.post("auditor", "/support/transport", {"nonsense": 1}, status=403)
    # Reads: a unit its own cadres, the county all, a cadre none.
    assert set(ledger(api, "hr_edu")) == {"c-zhangwei", "c-zhaomin", "c-liuyang"}
    assert set(ledger(api, "hr_hospital")) == {"c-lina", "c-chenjing"}
    assert set(ledger(api, "county")) == {"c-zhangwei", "c-zhaomin", "c-liuyang", "c-lina", "c-chenjing",
                                          "c-wangqiang", "c-yangfan"}
    assert set(ledger(api, "auditor", "year=2026&unit_id=unit-power")) == {"c-wangqiang", "c-yangfan"}
    api.get("cadre_zhangwei", "/support/ledger?year=2026", status=403)
    api.get("hr_hospital", "/support/cadres/c-zhangwei?year=2026", status=404)  # not theirs: as if absent
    api.get("hr_edu", "/support/cadres/c-nobody?year=2026", status=404)
    assert api.get("hr_edu", "/support/cadres/c-zhangwei?year=2026")["cadre_name"] == "张伟"
    assert "year" in problem_fields(api.get("hr_edu", "/support/ledger", status=422))


def test_at_most_x_round_trips_a_month(api: Api) -> None:
    first = api.post("hr_edu", "/support/transport", {**TRIP, "trip_date": "2026-11-06"}, status=201)
    assert (first["month"], first["trip_no"], first["amount_yuan"]) == (11, 1, "36.50")
    api.post("hr_edu", "/support/transport", {**TRIP, "trip_date": "2026-11-20", "amount_yuan": 40},
             status=201)
    # The third in November is beyond CADREFLOW_SUPPORT_TRANSPORT_TRIPS_PER_MONTH (2 by default).
    refused = api.post("hr_edu", "/support/transport", {**TRIP, "trip_date": "2026-11-27"}, status=422)
    assert problem_fields(refused) == {"trip_date": [
        "张伟 2026 年 11 月已报销往返交通费 2 次，每月至多报销往返 2 次（因公出差、开会和培训除外）。"]}
    assert "往返交通费登记未通过校验" in refused["detail"]
    # Another month has its own count; another cadre too.
    api.post("hr_edu", "/support/transport", {**TRIP, "trip_date": "2026-10-30"}, status=201)
    api.post("hr_edu", "/support/transport", {**TRIP, "cadre_id": "c-zhaomin", "trip_date": "2026-11-27"},
             status=201)
    for bad, field in (({"trip_date": "2026-11-06"}, "trip_date"),  # the same day twice
                       ({"trip_date": "2026-12-02"}, "trip_date"),  # tomorrow
                       ({"trip_date": "2025-01-10"}, "trip_date"),  # before the posting began
                       ({"trip_date": "2026-10-01", "amount_yuan": "12.345"}, "amount_yuan"),
                       ({"trip_date": "2026-10-01", "amount_yuan": 0}, "amount_yuan"),
                       ({"trip_date": "2026-10-01", "amount_yuan": "三十"}, "amount_yuan"),
                       ({"trip_date": "2026-10-01", "route": ""}, "route"),
                       ({"trip_date": "2026-10-01", "colour": "red"}, "colour")):
        assert field in problem_fields(api.post("hr_edu", "/support/transport", {**TRIP, **bad}, status=422))
    months = {m["month"]: m for m in ledger(api, "hr_edu")["c-zhangwei"]["months"]}
    assert (months[11]["trips"], months[11]["transport_yuan"]) == (2, "76.50")
    assert (months[10]["trips"], months[10]["transport_yuan"]) == (1, "36.50")


def test_the_monthly_limit_is_the_setting(make_app: Any, tokens: dict[str, str]) -> None:
    app = make_app(transport_trips_per_month=3)
    api = Api(app.test_client(), lambda login: {"Authorization": f"Bearer {tokens[login]}"})
    for day in ("03", "10", "17"):
        api.post("hr_power", "/support/transport",
                 {**TRIP, "cadre_id": "c-wangqiang", "trip_date": f"2026-09-{day}"}, status=201)
    refused = api.post("hr_power", "/support/transport",
                       {**TRIP, "cadre_id": "c-wangqiang", "trip_date": "2026-09-24"}, status=422)
    assert "每月至多报销往返 3 次" in refused["errors"]["trip_date"][0]


def test_allowances_by_month_corrected_not_ahead(api: Api) -> None:
    body = {"cadre_id": "c-liuyang", "year": 2026, "month": 11, "kind": "living", "amount_yuan": "900"}
    made = api.post("hr_edu", "/support/allowances", body, status=201)
    assert (made["created"], made["amount_yuan"], made["unit_id"]) == (True, "900.00", "unit-edu")
    fixed = api.post("hr_edu", "/support/allowances", {**body, "amount_yuan": 960}, status=201)
    assert (fixed["id"], fixed["created"], fixed["amount_yuan"]) == (made["id"], False, "960.00")
    api.post("hr_edu", "/support/allowances", {**body, "kind": "phone", "amount_yuan": 100}, status=201)
    api.post("hr_edu", "/support/allowances", {**body, "month": 12}, status=201)  # the current month
    ahead = problem_fields(api.post("hr_edu", "/support/allowances", {**body, "year": 2027, "month": 1},
                                    status=422))
    assert ahead == {"month": ["不能登记今后月份的补助：2027 年 1 月尚未到来。"]}
    assert "kind" in problem_fields(api.post("hr_edu", "/support/allowances", {**body, "kind": "food"},
                                             status=422))
    before = problem_fields(api.post("hr_edu", "/support/allowances", {**body, "year": 2025, "month": 1},
                                     status=422))
    assert before == {"month": ["刘洋 2025 年 1 月不在驻村任职期间，不能登记生活补助。"]}
    months = {m["month"]: m for m in ledger(api, "hr_edu")["c-liuyang"]["months"]}
    assert (months[11]["living_yuan"], months[11]["phone_yuan"]) == ("960.00", "100.00")
    assert months[11]["missing"] == []
    assert months[10]["missing"] == ["living", "phone"]  # served, over, nothing paid
    assert months[12]["missing"] == []  # December is not over yet


def test_health_check_once_a_year(api: Api) -> None:
    body = {"cadre_id": "c-zhaomin", "year": 2026, "done": True, "check_date": "2026-09-15"}
    made = api.post("hr_edu", "/support/health-checks", body, status=201)
    assert made["created"] and made["check_date"] == "2026-09-15"
    for bad, field in (({"check_date": None}, "check_date"),
                       ({"check_date": "2025-09-15"}, "check_date"),
                       ({"done": False}, "check_date"),
                       ({"year": 2024, "check_date": "2024-05-05"}, "year")):  # not stationed in 2024
        assert field in problem_fields(api.post("hr_edu", "/support/health-checks", {**body, **bad},
                                                status=422))
    not_yet = api.post("hr_edu", "/support/health-checks",
                       {"cadre_id": "c-liuyang", "year": 2026, "done": False, "note": "已预约 12 月体检"},
                       status=201)
    assert not_yet["done"] is False and not_yet["check_date"] is None
    rows = ledger(api, "hr_edu")
    assert "no_health_check" not in {f["code"] for f in rows["c-zhaomin"]["flags"]}
    assert "no_health_check" in {f["code"] for f in rows["c-liuyang"]["flags"]}


def test_county_insures_everyone_with_one_group_policy(api: Api) -> None:
    assert "no_insurance" in {f["code"] for f in ledger(api, "county")["c-lina"]["flags"]}
    everyone = ["c-zhangwei", "c-zhaomin", "c-liuyang", "c-lina", "c-chenjing", "c-wangqiang", "c-yangfan"]
    done = api.post("rrb", "/support/insurance", {**GROUP_POLICY, "cadre_ids": everyone}, status=201)["items"]
    assert [i["cadre_id"] for i in done] == everyone and all(i["created"] for i in done)
    # Not stationed that year: nothing to insure; all or nothing, so nobody's record changed.
    refused = api.post("county", "/support/insurance",
                       {**GROUP_POLICY, "cover_yuan": 1, "cadre_ids": ["c-lina", "c-qianli"]}, status=422)
    assert problem_fields(refused) == {"cadre_ids": [
        "钱立（c-qianli）2026 年度没有驻村任职，无需办理驻村人身意外伤害保险。"]}
    assert ledger(api, "county")["c-lina"]["insurance"]["cover_yuan"] == 500000
    for bad, field in (({"period_end": "2025-12-31"}, "period_end"),
                       ({"period_start": "2027-01-01", "period_end": "2027-12-31"}, "period_start"),
                       ({"cover_yuan": 0}, "cover_yuan"), ({"policy_no": ""}, "policy_no"),
                       ({"cadre_ids": []}, "cadre_ids")):
        assert field in problem_fields(api.post("county", "/support/insurance",
                                                {**GROUP_POLICY, "cadre_ids": ["c-lina"], **bad}, status=422))
    # A correction: the hospital's 李娜 turns out to be insured for less than the county's standard.
    fixed = api.post("orgdept", "/support/insurance",
                     {**GROUP_POLICY, "cover_yuan": 300000, "cadre_ids": ["c-lina"]}, status=201)["items"][0]
    assert fixed["created"] is False and fixed["cover_yuan"] == 300000
    flags = {f["code"]: f for f in ledger(api, "hr_hospital")["c-lina"]["flags"]}
    assert flags["insurance_below_cover"]["detail"] == "保额 300000 元，低于规定的 500000 元"
    assert "no_insurance" not in {f["code"] for f in ledger(api, "hr_edu")["c-zhangwei"]["flags"]}


def test_the_ledger_as_excel(api: Api, client: Any, auth: Any) -> None:
    response = client.get("/api/v1/support/ledger.xlsx?year=2026", headers=auth("hr_edu"))
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    book = load_workbook(io.BytesIO(response.data), read_only=True)
    assert book.sheetnames == ["按月台账", "年度汇总"]
    months = list(book["按月台账"].iter_rows(values_only=True))
    assert months[0][:5] == ("派出单位", "干部", "驻村（村/身份）", "年度", "月份")
    zhangwei = [r for r in months[1:] if r[1] == "张伟"]
    assert len(zhangwei) == 12  # served every month of 2026
    november = next(r for r in zhangwei if r[4] == 11)
    assert (november[6], float(november[7])) == (2, 76.5)
    years = list(book["年度汇总"].iter_rows(values_only=True))
    assert {r[1] for r in years[1:]} == {"张伟", "赵敏", "刘洋"}  # the unit's own cadres only
    zhaomin = next(r for r in years[1:] if r[1] == "赵敏")
    assert zhaomin[12] == "已体检 2026-09-15" and "有月份未发生活补助或通信补贴" in zhaomin[13]


def test_every_support_change_is_in_the_verified_chain(api: Api) -> None:
    changes = api.get("auditor", "/audit/roster-changes?entity=transport&per_page=100")["items"]
    assert changes and {c["entity_name"] for c in changes} == {"往返交通费"}
    assert {c["actor_login"] for c in changes} == {"hr_edu"} and {c["source"] for c in changes} == {"api"}
    assert "张伟（2026-11-06）" in {c["record_name"] for c in changes}
    corrections = api.get("auditor", "/audit/roster-changes?entity=allowance&per_page=100")["items"]
    update = next(c for c in corrections if c["action"] == "update")
    assert (update["before"], update["after"]) == ({"amount_yuan": "900.00"}, {"amount_yuan": "960.00"})
    assert update["record_name"] == "刘洋（2026 年 11 月生活补助）"
    insurance = api.get("auditor", "/audit/roster-changes?entity=insurance&per_page=100")["items"]
    assert {c["actor_role"] for c in insurance} == {"rrb", "org_dept"}
    assert api.get("auditor", "/audit/roster-changes/verify")["chain"] == "ok"
