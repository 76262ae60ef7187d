"""驻村覆盖 page: the menu entry for the roles that may see it, the filters, the flags as Chinese
badges, jurisdiction, and the Excel export link."""

from __future__ import annotations

import io
import re
from typing import Any

from coverage_helpers import posted
from openpyxl import load_workbook

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def signed_in(app: Any, login: str) -> Any:
    client = app.test_client()
    token = CSRF.search(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"login": login, "password": login,
                                           "csrf_token": token.group(1) if token else ""})
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


def html(client: Any, path: str, status: int = 200) -> str:
    response = client.get(path)
    assert response.status_code == status, (path, response.status_code)
    return response.get_data(as_text=True)


def rows(page: str) -> dict[str, str]:
    return dict(re.findall(r'<tr data-village="([^"]+)"[^>]*>(.*?)</tr>', page, re.S))


def test_county_sees_every_village_with_its_flags(app: Any, clock: Any) -> None:
    client = signed_in(app, "county")
    page = html(client, "/coverage")
    assert 'href="/coverage">驻村覆盖</a>' in page
    found = rows(page)
    assert len(found) == 12 and "共 12 条" in page
    badge = ('<span class="tag flag-missing_first_secretary" data-flag="missing_first_secretary">'
             "缺第一书记</span>")
    assert badge in found["v-xiahe"]
    assert "缺工作队员" in found["v-xiahe"] and "缺工作队员" not in found["v-liujia"]
    shangzhuang = found["v-shangzhuang"]
    assert "张伟" in shangzhuang and "XX县教育局" in shangzhuang and "兼工作队队长" in shangzhuang
    assert "刘洋" in shangzhuang and '<span class="tag ok">齐全</span>' in shangzhuang
    assert "2025-03-01 至 2027-02-28" in shangzhuang
    assert 'href="/coverage.xlsx"' in page


def test_filters_and_a_temporary_cadre_badge(app: Any, clock: Any) -> None:
    client = signed_in(app, "orgdept")
    assert set(rows(html(client, "/coverage?township_id=tw-hongqi"))) == {
        "v-wangjia", "v-xinglong", "v-shiqiao", "v-jianshe"}
    assert set(rows(html(client, "/coverage?flag=missing_work_team&category=poverty_alleviated"))) == {
        "v-dongping", "v-wangjia"}
    assert set(rows(html(client, "/coverage?unit_id=unit-power"))) == {"v-xinglong"}
    assert len(rows(html(client, "/coverage?flag=nonsense"))) == 12  # an unknown value filters nothing
    with posted(app, "c-luoyi", "v-shangzhuang", "team_member"):
        page = html(client, "/coverage?flag=temporary_staff")
        assert set(rows(page)) == {"v-shangzhuang"}
        assert "派驻临聘人员" in page and "罗毅" in page and "临聘" in page
        assert 'href="/coverage.xlsx?flag=temporary_staff"' in page
        export = client.get("/coverage.xlsx?flag=temporary_staff")
        sheet = load_workbook(io.BytesIO(export.data)).active
        assert [r[1] for r in sheet.iter_rows(min_row=2, values_only=True)] == ["上庄村"]


def test_jurisdiction_and_who_gets_the_page(app: Any, clock: Any) -> None:
    assert set(rows(html(signed_in(app, "tw_baishui"), "/coverage"))) == {
        "v-dongping", "v-shuikou", "v-huangtu", "v-hongyan"}
    hr = signed_in(app, "hr_hospital")
    assert set(rows(html(hr, "/coverage"))) == {"v-shuikou"}
    cadre = signed_in(app, "cadre_zhangwei")
    assert "驻村覆盖" not in html(cadre, "/inbox")
    html(cadre, "/coverage", status=403)
    assert app.test_client().get("/coverage").status_code == 302  # to the login page
