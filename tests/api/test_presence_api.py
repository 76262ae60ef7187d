"""/presence, /cadres/{id}/presence and /postings/{id}/party-relation over HTTP.

One module app and clock (2026-12-01 09:00 Beijing). 青山镇: 张伟 and 刘洋 (上庄村, 教育局);
白水乡: 李娜 and 陈静 (水口村, 人民医院).
"""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook, load_workbook
from process_helpers import Api, problem_fields


@pytest.fixture
def api(client, auth, clock):
    return Api(client, auth)


def xlsx(*rows: list) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["干部编号", "姓名", "年份", "月份", "在村天数", "备注"])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(client, auth, login: str, content: bytes, status: int) -> dict:
    response = client.post("/api/v1/presence/imports", headers=auth(login),
                           data={"file": (io.BytesIO(content), "在村天数.xlsx")},
                           content_type="multipart/form-data")
    assert response.status_code == status, response.get_json()
    return response.get_json()


def test_the_cadre_records_and_the_township_confirms_a_short_month(api):
    month = api.post("cadre_liuyang", "/presence", {"year": 2026, "month": 11, "days_present": 15,
                                                    "note": "参加县里培训 5 天"}, status=201)
    assert (month["status"], month["required_days"], month["short"], month["village_name"]) == (
        "recorded", 20, True, "上庄村")
    listed = api.get("tw_qingshan", "/presence?status=recorded&year=2026&month=11")["items"]
    assert [m["cadre_id"] for m in listed] == ["c-liuyang"]
    assert api.get("tw_baishui", "/presence")["total"] == 0
    assert api.get("hr_hospital", "/presence")["total"] == 0
    api.post("tw_baishui", f"/presence/{month['id']}/confirm", {}, status=404)
    api.post("cadre_liuyang", f"/presence/{month['id']}/confirm", {}, status=403)
    confirmed = api.post("tw_qingshan", f"/presence/{month['id']}/confirm",
                         {"revision": month["revision"]}, status=200)
    assert (confirmed["status"], confirmed["confirmed_by"]) == ("confirmed", "tw_qingshan")
    for login in ("tw_qingshan", "hr_edu"):
        [alert] = [n for n in api.get(login, "/notifications")["items"] if n["kind"] == "presence_short"]
        assert alert["kind_name"] == "在村不足" and "刘洋 2026 年 11 月在村 15 天" in alert["message"]
    body = api.post("cadre_liuyang", "/presence", {"year": 2026, "month": 11, "days_present": 22}, status=409)
    assert "已由乡镇确认" in body["detail"]
    stale = api.post("tw_qingshan", f"/presence/{month['id']}/confirm", {"revision": month["revision"]},
                     status=409)
    assert "刷新" in stale["detail"]


def test_bad_months_are_refused_naming_the_field(api):
    body = api.post("cadre_zhangwei", "/presence", {"year": 2026, "month": 12, "days_present": 2}, status=422)
    assert "不能超过该月在村任职的天数（1 天）" in problem_fields(body)["days_present"][0]
    body = api.post("cadre_zhangwei", "/presence", {"year": 2026, "month": 13, "days_present": 2}, status=422)
    assert "month" in problem_fields(body)
    body = api.post("cadre_zhangwei", "/presence", {"year": 2027, "month": 1, "days_present": 2}, status=422)
    assert "尚未到来" in problem_fields(body)["month"][0]
    body = api.post("tw_qingshan", "/presence", {"year": 2026, "month": 11, "days_present": 2}, status=422)
    assert "cadre_id" in problem_fields(body)
    api.post("hr_edu", "/presence", {"year": 2026, "month": 11, "days_present": 2}, status=403)


def test_a_township_imports_its_month_all_rows_or_none(client, auth, api):
    template = client.get("/api/v1/presence/template.xlsx?year=2026&month=11", headers=auth("tw_baishui"))
    assert template.status_code == 200
    rows = [tuple(c.value for c in r) for r in load_workbook(io.BytesIO(template.data)).active.iter_rows()]
    assert {r[0] for r in rows[1:]} == {"c-lina", "c-chenjing", "c-zhaomin"}  # 水口村, 红岩村
    denied = client.get("/api/v1/presence/template.xlsx?year=2026&month=11", headers=auth("hr_edu"))
    assert denied.status_code == 403
    bad = upload(client, auth, "tw_baishui", xlsx(["c-lina", "李娜", 2026, 11, 28, None],
                                                  ["c-chenjing", "陈静", 2026, 11, 40, None],
                                                  ["c-zhangwei", "张伟", 2026, 11, 20, None]), 422)
    assert set(bad["errors"]) == {"第 3 行 在村天数", "第 4 行 干部编号"}
    assert api.get("tw_baishui", "/presence")["total"] == 0
    done = upload(client, auth, "tw_baishui", xlsx(["c-lina", "李娜", 2026, 11, 28, None],
                                                   ["c-chenjing", "陈静", 2026, 11, 12, "病假未报"]), 200)
    assert (done["rows"], done["created"], done["unchanged"]) == (2, 2, 0)
    assert [(s["cadre_id"], s["required_days"]) for s in done["short"]] == [("c-chenjing", 20)]
    months = {m["cadre_id"]: m for m in api.get("tw_baishui", "/presence?year=2026&month=11")["items"]}
    assert months["c-lina"]["status"] == "confirmed" and months["c-chenjing"]["short"] is True
    assert any(n["kind"] == "presence_short" for n in api.get("hr_hospital", "/notifications")["items"])
    body = upload(client, auth, "tw_baishui", b"PK\x03\x04 not really", 422)
    assert "file" in body["errors"]
    upload(client, auth, "hr_hospital", xlsx(["c-lina", "李娜", 2026, 11, 28, None]), 403)


def test_a_cadre_s_year_shows_months_and_leaves_to_those_who_read_the_cadre(api):
    year = api.get("hr_edu", "/cadres/c-liuyang/presence?year=2026")
    assert year["min_days"] == 20
    november = next(m for m in year["months"] if m["month"] == 11)
    assert (november["days_present"], november["required_days"], november["short"], november["status"]) == (
        15, 20, True, "confirmed")
    assert year["totals"]["short_months"] == 1
    for login in ("cadre_liuyang", "tw_qingshan", "county"):
        api.get(login, "/cadres/c-liuyang/presence", status=200)
    for login in ("hr_hospital", "cadre_zhangwei", "tw_baishui"):
        api.get(login, "/cadres/c-liuyang/presence", status=404)


def test_unit_hr_keeps_the_party_relation_of_a_posting(client, auth, api):
    [posting] = api.get("hr_edu", "/postings?cadre_id=c-zhangwei&active=true")["items"]
    path = f"/postings/{posting['id']}/party-relation"
    empty = api.get("tw_qingshan", path)
    assert empty["transferred_in_on"] is None and empty["cadre_id"] == "c-zhangwei"
    response = client.put(f"/api/v1{path}", headers=auth("hr_edu"),
                          json={"transferred_in_on": "2025-03-05", "transferred_in_org": "上庄村党支部"})
    assert response.status_code == 200
    saved = response.get_json()
    assert (saved["transferred_in_org"], saved["updated_by"]) == ("上庄村党支部", "hr_edu")
    bad = client.put(f"/api/v1{path}", headers=auth("hr_edu"), json={"transferred_out_on": "2026-11-01"})
    assert bad.status_code == 422 and "任职尚未结束" in bad.get_json()["errors"]["transferred_out_on"][0]
    township = client.put(f"/api/v1{path}", headers=auth("tw_qingshan"), json={"transferred_in_org": "x"})
    assert township.status_code == 403
    assert client.put(f"/api/v1{path}", headers=auth("hr_hospital"), json={}).status_code == 404
    assert client.put(f"/api/v1{path}", headers=auth("hr_edu"), json={"extra": 1}).status_code == 422
    changes = api.get("auditor", f"/audit/roster-changes?entity=party_relation&entity_id={posting['id']}")
    assert [c["action"] for c in changes["items"]] == ["create"]
    assert api.get("admin", "/audit/roster-changes/verify")["chain"] == "ok"
