"""考核 pages through the Flask test client: the county opens the year's round, each step is done
from 待办 on the task page (the summary in a text area, grades by name, the 优秀 places shown and
refused beyond the share next to the field), the round's progress, the yearly summary with its
Excel workbook, a cadre's file, and a term-end assessment started from the form."""

from __future__ import annotations

import re
from io import BytesIO
from typing import Any

from openpyxl import load_workbook
from page_client import Browser

TASK_LINK = re.compile(r'href="/tasks/([^"]+)">([^<]+)</a>')


def task_of(user: Browser, name: str, who: str) -> str:
    """The id of the inbox's task `name` of the case about `who`."""
    inbox = user.get("/inbox")
    rows = [row for row in inbox.split("<tr") if who in row]
    ids = [tid for row in rows for tid, text in TASK_LINK.findall(row) if text == name]
    assert len(ids) == 1, (name, who, ids)
    return ids[0]


def complete(user: Browser, task_id: str, form: dict[str, Any]) -> Any:
    return user.post(f"/tasks/{task_id}/complete", form, page=f"/tasks/{task_id}")


def test_the_county_opens_the_round_from_the_assessment_page(app: Any, clock: Any) -> None:
    county = Browser(app, "county")
    home = county.get("/assessments")
    assert 'id="open-round"' in home and 'id="open-term-end"' in home and ">考核</a>" in home
    form = home.split('id="open-round"')[1].split("</form>")[0]
    assert '<option value="2026"' in form and "2027" not in form  # the clock stands in 2026
    response = county.post("/assessments/rounds", {"year": "2026"}, page="/assessments")
    assert response.status_code == 302, response.get_data(as_text=True)
    page = county.get(response.headers["Location"])
    assert "2026年度驻村干部考核" in page and page.count('data-state="running"') == 7
    assert re.search(r'id="excellent-used">0<.*id="excellent-allowed">1<', page, re.S)
    assert "办理中：本人述职" in page
    again = county.post("/assessments/rounds", {"year": "2026"}, page="/assessments")
    assert again.status_code == 422 and "2026 年度考核已经发起" in again.get_data(as_text=True)
    hr = Browser(app, "hr_edu")
    assert 'id="open-round"' not in hr.get("/assessments")
    hr.get(response.headers["Location"], status=403)
    assert hr.post("/assessments/rounds", {"year": "2026"}, page="/assessments").status_code == 403


def test_each_step_from_the_inbox_and_the_excellent_share(app: Any, clock: Any) -> None:
    for cadre, login, township, hr in (("张伟", "cadre_zhangwei", "tw_qingshan", "hr_edu"),
                                       ("王强", "cadre_wangqiang", "tw_hongqi", "hr_power")):
        me = Browser(app, login)
        task = task_of(me, "本人述职", cadre)
        page = me.get(f"/tasks/{task}")
        assert '<textarea name="data.summary"' in page and "述职报告（德、能、勤、绩、廉）" in page
        assert 'id="section-assessee"' in page and "2026年度考核" in page
        done = complete(me, task, {"decision": "approve", "data.summary": "全年驻村 236 天"})
        assert done.status_code == 302
        town = Browser(app, township)
        task = task_of(town, "乡镇党委政府考核评价", cadre)
        page = town.get(f"/tasks/{task}")
        assert "全年驻村 236 天" in page and '<option value="excellent" >优秀</option>' in page
        assert "退回重新述职" in page
        missing = complete(town, task, {"decision": "approve"})
        assert missing.status_code == 422 and "选择此意见时必须填写理由" in missing.get_data(as_text=True)
        assert complete(town, task, {"decision": "approve", "comment": "表现突出",
                                     "data.township_suggested_grade": "excellent"}).status_code == 302
        unit = Browser(app, hr)
        task = task_of(unit, "派出单位意见", cadre)
        assert "建议等次" in unit.get(f"/tasks/{task}")
        assert complete(unit, task, {"decision": "approve", "comment": "同意"}).status_code == 302
    county = Browser(app, "county")
    first = task_of(county, "县驻村工作领导小组确定等次", "张伟")
    page = county.get(f"/tasks/{first}")
    assert 'id="section-quota"' in page and "最多 1 名" in page and "还可确定" in page
    assert re.search(r'id="section-evaluations".*表现突出.*优秀', page, re.S)
    assert complete(county, first, {"decision": "approve", "data.grade": "excellent"}).status_code == 302
    second = task_of(county, "县驻村工作领导小组确定等次", "王强")
    refused = complete(county, second, {"decision": "approve", "data.grade": "excellent"})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert re.search(r'data-error-for="data.grade">考核等次：2026 年度考核的优秀等次最多 1 名', html)
    assert complete(county, second, {"decision": "approve", "data.grade": "competent"}).status_code == 302
    rounds = county.get("/assessments")
    assert "1 / 1" in rounds


def test_the_summary_page_and_its_workbook(app: Any, clock: Any) -> None:
    county = Browser(app, "county")
    page = county.get("/assessments/summary?year=2026")
    assert page.count('<tr data-unit="') == 3 and 'data-cadre="c-zhangwei"' in page
    hr = Browser(app, "hr_edu")
    own = hr.get("/assessments/summary?year=2026")
    assert own.count('<tr data-unit="') == 1 and "XX县教育局" in own and 'data-cadre="c-wangqiang"' not in own
    response = hr.client.get("/assessments/summary.xlsx?year=2026")
    assert response.status_code == 200
    book = load_workbook(BytesIO(response.data))
    [row] = list(book["单位汇总"].iter_rows(min_row=2, values_only=True))
    assert row[:4] == ("XX县教育局", "派出单位", 3, 1)  # 张伟, 刘洋 and 赵敏 assessed, 张伟 优秀
    [graded] = list(book["干部考核等次"].iter_rows(min_row=2, values_only=True))
    assert graded[1] == "张伟" and graded[7] == "优秀"
    Browser(app, "cadre_zhangwei").get("/assessments/summary?year=2026", status=403)


def test_the_cadres_file_page(app: Any, clock: Any) -> None:
    hr = Browser(app, "hr_edu")
    page = hr.get("/cadres/c-zhangwei/file")
    assert "张伟" in page and "个人档案" in page and "2026年度考核" in page and "确定为优秀" in page
    assert "上庄村" in page and "全年驻村 236 天" in page
    book = load_workbook(BytesIO(hr.client.get("/cadres/c-zhangwei/file.xlsx").data))
    assert book.sheetnames == ["考核结果", "任职经历", "召回问责"]
    Browser(app, "hr_power").get("/cadres/c-zhangwei/file", status=404)
    Browser(app, "tw_qingshan").get("/cadres/c-zhangwei/file", status=404)
    me = Browser(app, "cadre_zhangwei")
    assert 'href="/cadres/c-zhangwei/file">个人档案</a>' in me.get("/inbox")
    assert "确定为优秀" in me.get("/cadres/c-zhangwei/file")


def test_the_county_starts_a_term_end_assessment_from_the_form(app: Any, clock: Any) -> None:
    county = Browser(app, "county")
    home = county.get("/assessments")
    [posting_id] = re.findall(r'<option value="(\d+)" >李娜 · 水口村驻村第一书记', home)
    response = county.post("/assessments/term-end", {"posting_id": posting_id}, page="/assessments")
    assert response.status_code == 302 and "/instances/" in response.headers["Location"]
    case = county.get(response.headers["Location"])
    assert "驻村干部考核" in case and "本人述职" in case
    again = county.post("/assessments/term-end", {"posting_id": posting_id}, page="/assessments")
    assert again.status_code == 422 and "该任期的期满考核已经发起" in again.get_data(as_text=True)
    empty = county.post("/assessments/term-end", {"posting_id": ""}, page="/assessments")
    assert empty.status_code == 422 and "请选择任职。" in empty.get_data(as_text=True)

