"""选派 pages through the Flask test client: the nomination form, the round form and page, and the
dispatch's tasks in the existing inbox and task pages."""

from __future__ import annotations

import re
from typing import Any

from page_client import Browser

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
TASK_LINK = re.compile(r'href="/tasks/([^"]+)">([^<]+)</a>')




def test_the_form_offers_the_units_own_unposted_cadres_by_name(app: Any, clock: Any) -> None:
    page = Browser(app, "hr_edu").get("/dispatches/new")
    assert ">孙浩<" in page and "张伟</option>" not in page  # 张伟 is posted
    assert "周杰" not in page  # another unit's
    assert "下河村（“十四五”省定乡村振兴重点帮扶村）" in page
    assert "选派提名" in page  # the menu
    township = Browser(app, "tw_qingshan").get("/dispatches/new")
    assert ">徐明<" in township and "孙浩" not in township


def test_a_refused_nomination_shows_the_rule_next_to_the_field(app: Any, clock: Any) -> None:
    hr = Browser(app, "hr_edu")
    response = hr.post("/dispatches/new", {"village_id": "v-liujia", "role": "team_member",
                                           "cadre_id": "c-sunhao", "term_start": "2027-03-01"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "党组织软弱涣散村、红色名村只选派第一书记" in html
    missing = hr.post("/dispatches/new", {"role": "first_secretary"})
    assert missing.status_code == 422 and "请选择村。" in missing.get_data(as_text=True)


def test_nominate_then_the_township_acts_from_its_inbox(app: Any, clock: Any) -> None:
    hr = Browser(app, "hr_edu")
    response = hr.post("/dispatches/new", {"village_id": "v-xiahe", "role": "first_secretary",
                                           "cadre_id": "c-sunhao", "term_start": "2027-03-01"})
    assert response.status_code == 302, response.get_data(as_text=True)
    assert "/instances/" in response.headers["Location"]
    township = Browser(app, "tw_qingshan")
    inbox = township.get("/inbox")
    [task_id] = [tid for tid, text in TASK_LINK.findall(inbox) if text == "乡镇党委政府审核"]
    page = township.get(f"/tasks/{task_id}")
    assert "孙浩" in page and "下河村" in page


def test_the_county_opens_a_round_and_its_page_shows_progress(app: Any, clock: Any) -> None:
    county = Browser(app, "county")
    response = county.post("/dispatch-rounds/new", {
        "name": "2027年白水乡选派", "term_start": "2027-03-01", "term_end": "2029-02-28",
        "roles": ["first_secretary", "team_member"], "township_id": "tw-baishui"},
        page="/dispatch-rounds/new")
    assert response.status_code == 302, response.get_data(as_text=True)
    path = response.headers["Location"]
    page = county.get(path)
    assert "2027年白水乡选派" in page and 'id="round-progress"' in page
    assert page.count('data-state="none"') == 6  # 东坪村 and 水口村 both roles, 黄土村 and 红岩村 one
    hr = Browser(app, "hr_hospital")
    round_page = hr.get(path)
    assert "提名" in round_page
    round_id = path.rsplit("/", 1)[1]
    form = hr.get(f"/dispatches/new?round_id={round_id}&village_id=v-dongping&role=first_secretary")
    assert 'name="round_id"' in form and "黄土村" in form and "上庄村" not in form
    short = county.post("/dispatch-rounds/new", {"term_start": "2027-03-01", "term_end": "2028-01-01",
                                                 "roles": ["first_secretary"]}, page="/dispatch-rounds/new")
    assert short.status_code == 422 and "2029-02-28" in short.get_data(as_text=True)
    Browser(app, "hr_edu").get("/dispatch-rounds/new", status=403)


def test_a_rotation_task_names_who_follows_whom_and_judges_the_nominee_on_the_term_start(
        app: Any, clock: Any) -> None:
    hr = Browser(app, "hr_hospital")
    response = hr.post("/dispatches/new", {"village_id": "v-shuikou", "role": "first_secretary",
                                           "cadre_id": "c-zhoujie", "term_start": "2027-03-01",
                                           "predecessor_cadre_id": "c-lina"})
    assert response.status_code == 302, response.get_data(as_text=True)
    township = Browser(app, "tw_baishui")
    [task_id] = [tid for tid, text in TASK_LINK.findall(township.get("/inbox")) if text == "乡镇党委政府审核"]
    page = township.get(f"/tasks/{task_id}")
    assert "驻村干部选派：水口村 李娜 → 周杰" in page  # not the nominee twice
    assert "周杰" in page and "被调整干部" not in page
    assert "符合条件" in page and "缺少或无效的参考日期" not in page
