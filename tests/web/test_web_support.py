"""工作保障台账 pages: the menu entry, a unit's ledger with its month grid and gaps, one cadre's page
with the forms of what the unit pays (the monthly trip limit refused on the form, naming the
field), the county's insurance page, the Excel export, and who reads whose.

The module clock starts Tue 2026-12-01 09:00 (Beijing); every posted demo cadre served all of 2026.
"""

from __future__ import annotations

import io
import re
from typing import Any

from openpyxl import load_workbook
from page_client import Browser


def rows(page: str, key: str = "cadre") -> dict[str, str]:
    return dict(re.findall(rf'<tr data-{key}="([^"]+)"[^>]*>(.*?)</tr>', page, re.S))


def test_menu_and_a_units_ledger_with_its_gaps(app: Any, clock: Any) -> None:
    hr = Browser(app, "hr_edu")
    page = hr.get("/support?year=2026")
    assert 'href="/support">保障台账</a>' in page
    found = rows(page)
    assert set(found) == {"c-zhangwei", "c-zhaomin", "c-liuyang"}  # its own cadres only
    zhangwei = found["c-zhangwei"]
    assert "上庄村" in zhangwei and "驻村第一书记" in zhangwei
    # November is over and nothing was paid: flagged; December is not over yet.
    assert re.search(r'data-month="11"[^>]*>\s*<span class="gap-mark">缺补助</span>', zhangwei)
    assert 'class="m " data-month="12"' in zhangwei
    for flag in ("no_insurance", "no_health_check", "allowance_missing"):
        assert f'data-flag="{flag}"' in zhangwei
    assert "有月份未发生活补助或通信补贴：1—11月" in zhangwei
    assert "每月可报销往返交通费至多 2 次" in page
    assert 'href="/support.xlsx?year=2026"' in page
    assert "保障台账" not in Browser(app, "cadre_zhangwei").get("/inbox")  # no menu entry for cadres
    Browser(app, "cadre_zhangwei").get("/support", status=403)


def test_recording_on_a_cadres_page_and_the_monthly_limit(app: Any, clock: Any) -> None:
    hr = Browser(app, "hr_edu")
    path = "/support/cadres/c-zhaomin?year=2026"
    page = hr.get(path)
    assert "登记往返交通费" in page and "登记生活补助、通信补贴" in page and "登记年度体检" in page
    for day in ("2026-11-02", "2026-11-16"):
        response = hr.post("/support/cadres/c-zhaomin/transport?year=2026",
                           {"trip_date": day, "route": "红岩村—县城", "amount_yuan": "42.5"}, page=path)
        assert response.status_code == 302
    refused = hr.post("/support/cadres/c-zhaomin/transport?year=2026",
                      {"trip_date": "2026-11-30", "route": "红岩村—县城", "amount_yuan": "42.5"}, page=path)
    assert refused.status_code == 422
    body = refused.get_data(as_text=True)
    assert ('<p class="error" data-error-for="trip_date">赵敏 2026 年 11 月已报销往返交通费 2 次，'
            "每月至多报销往返 2 次（因公出差、开会和培训除外）。</p>") in body
    assert 'value="2026-11-30"' in body  # what was typed stays
    for data in ({"month": "11", "kind": "living", "amount_yuan": "990"},
                 {"month": "11", "kind": "phone", "amount_yuan": "100"}):
        assert hr.post("/support/cadres/c-zhaomin/allowance?year=2026", data, page=path).status_code == 302
    bad = hr.post("/support/cadres/c-zhaomin/health?year=2026", {"done": "yes", "check_date": ""}, page=path)
    assert bad.status_code == 422
    assert 'data-error-for="check_date">体检日期不能为空。' in bad.get_data(as_text=True)
    assert hr.post("/support/cadres/c-zhaomin/health?year=2026", {"done": "yes", "check_date": "2026-10-20"},
                   page=path).status_code == 302
    page = hr.get(path)
    assert "已登记体检情况。" in page
    assert "2 次，85.00 元" in page and "990.00" in page and "2026-10-20" in page
    months = rows(page, "month")
    assert "未登记" not in months["11"] and "未登记" in months["10"]
    # Another unit reads nothing of her (as if she did not exist) and records nothing.
    other = Browser(app, "hr_hospital")
    other.get(path, status=404)
    assert other.post("/support/cadres/c-zhaomin/transport?year=2026",
                      {"trip_date": "2026-10-02", "route": "x", "amount_yuan": "1"},
                      page="/support?year=2026").status_code == 404
    # The county reads her page without the forms.
    county = Browser(app, "county").get(path)
    assert "登记往返交通费" not in county and 'id="read-only"' in county


def test_the_county_insures_on_its_page(app: Any, clock: Any) -> None:
    county = Browser(app, "rrb")
    path = "/support/insurance?year=2026"
    page = county.get(path)
    found = rows(page)
    assert len(found) == 7 and all('value="' + c + '"' in found[c] and "checked" in found[c] for c in found)
    refused = county.post(path, {"cadre_ids": ["c-lina"], "insurer": "", "policy_no": "P-1",
                                 "cover_yuan": "500000", "period_start": "2026-01-01",
                                 "period_end": "2026-12-31"}, page=path)
    assert refused.status_code == 422
    assert 'data-error-for="insurer">承保公司不能为空。' in refused.get_data(as_text=True)
    done = county.post(path, {"cadre_ids": ["c-lina", "c-chenjing"], "insurer": "中国人寿XX县支公司",
                              "policy_no": "GP-2026", "cover_yuan": "300000", "period_start": "2026-01-01",
                              "period_end": "2026-12-31"}, page=path)
    assert done.status_code == 302
    page = county.get(path)
    assert "已登记 2 名干部 2026 年度的人身意外伤害保险。" in page
    lina = rows(page)["c-lina"]
    assert "300,000 元" in lina and "保额低于规定的 500,000 元" in lina
    # The uninsured are listed first, and checked for the next policy.
    order = list(rows(page))
    assert order[-2:] == ["c-chenjing", "c-lina"]
    assert all("checked" in rows(page)[c] for c in order[:-2]) and "checked" not in lina
    # A unit reads the page but has no form, and may not post to it.
    hr = Browser(app, "hr_hospital")
    assert "登记所选干部" not in hr.get(path)
    assert hr.post(path, {"cadre_ids": ["c-lina"]}, page="/support?year=2026").status_code == 403
    assert "insurance_below_cover" in rows(hr.get("/support?year=2026"))["c-lina"]


def test_the_export(app: Any, clock: Any) -> None:
    hr = Browser(app, "hr_edu")
    response = hr.client.get("/support.xlsx?year=2026")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.data), read_only=True)
    summary = {r[1]: r for r in list(book["年度汇总"].iter_rows(values_only=True))[1:]}
    assert set(summary) == {"张伟", "赵敏", "刘洋"}
    assert summary["赵敏"][4] == 2 and summary["赵敏"][12] == "已体检 2026-10-20"
