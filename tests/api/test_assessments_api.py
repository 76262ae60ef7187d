"""Assessments over HTTP: the county's round, each step from the inboxes, the 优秀 share refused by
name, 不称职 starting a recall (source assessment), the results each role reads, the per-unit
summary and the cadre's file with their Excel workbooks, term-end assessments, and the history's
verification. One module app: the tests follow one another through the year's round."""

from __future__ import annotations

from io import BytesIO
from typing import Any

import pytest
from openpyxl import load_workbook
from process_helpers import Api, problem_fields, problem_rules

SUMMARY = {"summary": "全年驻村 236 天，走访农户 312 户。"}
# cadre -> (cadre login, supplier's HR, township)
PEOPLE = {"c-zhangwei": ("cadre_zhangwei", "hr_edu", "tw_qingshan"),
          "c-wangqiang": ("cadre_wangqiang", "hr_power", "tw_hongqi"),
          "c-yangfan": ("cadre_yangfan", "hr_power", "tw_hongqi"),
          "c-lina": ("cadre_lina", "hr_hospital", "tw_baishui")}


@pytest.fixture
def api(client: Any, auth: Any, clock: Any) -> Api:
    return Api(client, auth)


def round_of(api: Api) -> dict:
    [found] = api.get("county", "/assessment-rounds")["items"]
    return api.get("auditor", f"/assessment-rounds/{found['id']}")


def instance_of(api: Api, cadre_id: str) -> str:
    [item] = [i for i in round_of(api)["items"] if i["cadre_id"] == cadre_id]
    return item["instance_id"]


def to_county(api: Api, cadre_id: str) -> str:
    iid = instance_of(api, cadre_id)
    cadre, hr, township = PEOPLE[cadre_id]
    api.act(cadre, iid, data=SUMMARY)
    api.act(township, iid, comment="吃住在村，群众认可", data={"township_suggested_grade": "competent"})
    api.act(hr, iid, comment="同意乡镇评价")
    return iid


def workbook(response: Any) -> Any:
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return load_workbook(BytesIO(response.data))


def test_only_the_county_opens_a_round(api: Api) -> None:
    for login in ("hr_edu", "tw_qingshan", "orgdept", "auditor", "admin", "cadre_zhangwei"):
        api.post(login, "/assessment-rounds", {"year": 2026}, status=403)
    assert "year" in problem_fields(api.post("county", "/assessment-rounds", {"year": "2026"}, status=422))
    assert "year" in problem_fields(api.post("county", "/assessment-rounds", {"year": 1999}, status=422))
    assert "extra" in problem_fields(api.post("county", "/assessment-rounds", {"year": 2026, "extra": 1},
                                              status=422))
    assert problem_rules(api.post("county", "/assessment-rounds", {"year": 2027}, status=422)) == {
        "year": ["future_year"]}
    api.get("hr_edu", "/assessment-rounds", status=403)


def test_the_county_opens_the_years_round(api: Api) -> None:
    body = api.post("county", "/assessment-rounds", {"year": 2026}, status=201)
    assert (body["year"], body["name"]) == (2026, "2026年度驻村干部考核")
    assert body["excellent"] == {"share": 0.2, "share_text": "20%", "assessed": 7, "allowed": 1, "used": 0,
                                 "left": 1}
    assert len(body["items"]) == 7 and {i["state"] for i in body["items"]} == {"running"}
    zhangwei = next(i for i in body["items"] if i["cadre_id"] == "c-zhangwei")
    assert (zhangwei["state_name"], zhangwei["role_name"], zhangwei["supplier_name"]) == (
        "办理中：本人述职", "驻村第一书记", "XX县教育局")
    assert problem_rules(api.post("county", "/assessment-rounds", {"year": 2026}, status=422)) == {
        "year": ["duplicate_round"]}
    [task] = [t for t in api.inbox("cadre_zhangwei") if t["process"] == "assessment"]
    assert (task["name"], task["decision_names"]) == ("本人述职", {"approve": "提交述职"})
    detail = api.get("cadre_zhangwei", f"/tasks/{task['id']}")
    [field] = detail["form_fields"]
    assert (field["id"], field["required"], field["multiline"]) == ("summary", True, True)
    # The generic start cannot bypass the round.
    refused = api.post("admin", "/definitions/assessment/instances", {"data": {"cadre_id": "c-sunhao"}},
                       status=403)
    assert refused["type"].endswith("dedicated-command")


def test_steps_from_the_inboxes_and_the_excellent_share(api: Api) -> None:
    first = to_county(api, "c-zhangwei")
    task = api.task_of("county", first)
    detail = api.get("county", f"/tasks/{task['id']}")
    [grade] = detail["form_fields"]
    assert grade["option_names"] == {"excellent": "优秀", "competent": "称职",
                                     "basically_competent": "基本称职", "incompetent": "不称职"}
    api.act("county", first, comment="实绩突出", data={"grade": "excellent"})
    second = to_county(api, "c-wangqiang")
    refused = api.act("county", second, data={"grade": "excellent"}, status=422)
    assert problem_fields(refused) == {"data.grade": [
        "考核等次：2026 年度考核的优秀等次最多 1 名（参加考核 7 人，比例 20%），"
        "已确定 1 名，不能再确定为优秀。"]}
    api.act("county", second, data={"grade": "competent"})
    view = round_of(api)
    assert view["excellent"]["used"] == 1 and view["excellent"]["left"] == 0
    assert view["summary"]["by_grade"] == {"excellent": 1, "competent": 1, "basically_competent": 0,
                                           "incompetent": 0}


def test_incompetent_starts_a_recall_with_source_assessment(api: Api) -> None:
    iid = to_county(api, "c-yangfan")
    assert "comment" in problem_fields(api.act("county", iid, data={"grade": "incompetent"}, status=422))
    done = api.act("county", iid, comment="长期不在岗", data={"grade": "incompetent"})
    assert done["instance_status"] == "completed"
    [recall_id] = done["started_instances"]
    recall = api.instance("rrb", recall_id)
    assert (recall["process"], recall["data"]["source"], recall["data"]["source_instance_id"]) == (
        "recall", "assessment", iid)
    assert recall["related"] == [{"id": iid, "process": "assessment", "status": "completed"}]
    assert api.instance("county", iid)["related"] == [
        {"id": recall_id, "process": "recall", "status": "running"}]
    assert [t["spec_id"] for t in recall["open_tasks"]] == ["verify_finding_rrb"]
    [item] = [i for i in round_of(api)["items"] if i["cadre_id"] == "c-yangfan"]
    assert (item["grade_name"], item["recall_instance_id"]) == ("不称职", recall_id)
    for instance_id in (iid, recall_id):
        verdict = api.get("auditor", f"/audit/instances/{instance_id}/verify")
        assert (verdict["chain"], verdict["replay"]) == ("ok", "ok"), verdict


def test_each_role_reads_the_results_it_may(api: Api) -> None:
    def cadres(login: str, query: str = "") -> list[str]:
        return sorted(r["cadre_id"] for r in api.get(login, f"/assessment-results?year=2026{query}")["items"])

    assert cadres("auditor") == ["c-wangqiang", "c-yangfan", "c-zhangwei"]
    assert cadres("county", "&grade=excellent") == ["c-zhangwei"]
    assert cadres("hr_edu") == ["c-zhangwei"]  # the unit's own record
    assert cadres("hr_power") == ["c-wangqiang", "c-yangfan"]
    assert cadres("hr_hospital") == []
    assert cadres("tw_hongqi") == ["c-wangqiang", "c-yangfan"]  # evaluated in its villages
    assert cadres("cadre_zhangwei") == ["c-zhangwei"]
    [row] = api.get("hr_edu", "/assessment-results?cadre_id=c-zhangwei")["items"]
    assert (row["grade_name"], row["title"], row["supplier_name"], row["summary"]) == (
        "优秀", "2026年度考核", "XX县教育局", SUMMARY["summary"])
    assert (row["township_opinion"], row["supplier_opinion"], row["county_comment"]) == (
        "吃住在村，群众认可", "同意乡镇评价", "实绩突出")
    assert "grade" in problem_fields(api.get("auditor", "/assessment-results?grade=good", status=422))


def test_the_yearly_summary_per_unit_and_its_workbook(api: Api, client: Any, auth: Any) -> None:
    body = api.get("county", "/assessment-summary?year=2026")
    units = {u["unit_id"]: u for u in body["units"]}
    assert set(units) == {"unit-edu", "unit-hospital", "unit-power"}
    power = units["unit-power"]
    assert (power["assessed"], power["graded"], power["ungraded"]) == (2, 2, 0)
    assert power["grades"] == {"excellent": 0, "competent": 1, "basically_competent": 0, "incompetent": 1}
    assert power["recalls"]["opened"] == 1 and power["recalls"]["running"] == 1
    assert power["duties"]["state_name"] == "未发起"
    assert [u["unit_id"] for u in api.get("hr_edu", "/assessment-summary?year=2026")["units"]] == ["unit-edu"]
    api.get("cadre_zhangwei", "/assessment-summary?year=2026", status=403)
    assert "year" in problem_fields(api.get("county", "/assessment-summary", status=422))

    book = workbook(client.get("/api/v1/assessment-summary.xlsx?year=2026", headers=auth("county")))
    assert book.sheetnames == ["单位汇总", "干部考核等次"]
    units_sheet = book["单位汇总"]
    header = [c.value for c in units_sheet[1]]
    assert header[:7] == ["单位", "类别", "年度考核人数", "优秀", "称职", "基本称职", "不称职"]
    rows = {r[0]: r for r in units_sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["国网XX县供电公司"][2:7] == (2, 0, 1, 0, 1)
    assert rows["国网XX县供电公司"][header.index("召回案件")] == 1
    assert rows["XX县教育局"][header.index("帮扶责任落实")] == "未发起"
    grades = book["干部考核等次"]
    grade_header = [c.value for c in grades[1]]
    graded = {r[1]: r for r in grades.iter_rows(min_row=2, values_only=True)}
    assert graded["张伟"][grade_header.index("等次")] == "优秀"
    assert graded["杨帆"][grade_header.index("召回")] == "已启动召回程序"
    assert graded["张伟"][grade_header.index("考核期间")] == "2026-01-01 至 2026-12-31"
    own = workbook(client.get("/api/v1/assessment-summary.xlsx?year=2026", headers=auth("hr_edu")))
    assert [r[0] for r in own["单位汇总"].iter_rows(min_row=2, values_only=True)] == ["XX县教育局"]


def test_the_cadres_file_and_its_workbook(api: Api, client: Any, auth: Any) -> None:
    file = api.get("hr_edu", "/cadres/c-zhangwei/file")
    assert (file["cadre_name"], file["unit_name"]) == ("张伟", "XX县教育局")
    assert [(r["title"], r["grade_name"]) for r in file["results"]] == [("2026年度考核", "优秀")]
    assert file["postings"][0]["village_name"] == "上庄村"
    for login in ("cadre_zhangwei", "auditor", "county", "orgdept"):
        api.get(login, "/cadres/c-zhangwei/file")
    for login in ("hr_power", "tw_qingshan", "cadre_liuyang"):
        api.get(login, "/cadres/c-zhangwei/file", status=404)
    api.get("auditor", "/cadres/c-nobody/file", status=404)
    yangfan = api.get("hr_power", "/cadres/c-yangfan/file")
    [recall] = yangfan["recalls"]
    assert (recall["source_name"], recall["outcome"]) == ("考核", "办理中")
    assert recall["finding"].startswith("2026年度考核被县驻村工作领导小组确定为不称职等次")

    book = workbook(client.get("/api/v1/cadres/c-yangfan/file.xlsx", headers=auth("auditor")))
    assert book.sheetnames == ["考核结果", "任职经历", "召回问责"]
    results = book["考核结果"]
    header = [c.value for c in results[1]]
    [row] = list(results.iter_rows(min_row=2, values_only=True))
    assert row[header.index("干部")] == "杨帆" and row[header.index("等次")] == "不称职"
    assert row[header.index("县驻村工作领导小组意见")] == "长期不在岗"
    [posting] = list(book["任职经历"].iter_rows(min_row=2, values_only=True))
    assert posting[:3] == ("兴隆村", "红旗镇", "驻村工作队员") and posting[-1] == "是"
    [case] = list(book["召回问责"].iter_rows(min_row=2, values_only=True))
    assert case[1] == "考核" and case[3] == "办理中"
    assert client.get("/api/v1/cadres/c-yangfan/file.xlsx", headers=auth("hr_edu")).status_code == 404


def test_the_county_starts_a_term_end_assessment(api: Api) -> None:
    postings = api.get("admin", "/postings?cadre_id=c-lina&per_page=10")["items"]
    [posting] = [p for p in postings if p["active"]]
    api.post("hr_hospital", "/assessments", {"posting_id": posting["id"]}, status=403)
    started = api.post("county", "/assessments", {"posting_id": posting["id"]}, status=201)
    assert [t["spec_id"] for t in started["open_tasks"]] == ["self_summary"]
    data = api.instance("auditor", started["instance_id"])["data"]
    assert (data["kind"], data["year"], data["period_start"], data["period_end"]) == (
        "term_end", 2027, "2025-03-01", "2027-02-28")
    assert problem_rules(api.post("county", "/assessments", {"posting_id": posting["id"]}, status=422)) == {
        "posting_id": ["duplicate_term_end"]}
    assert problem_rules(api.post("county", "/assessments", {"posting_id": 999999}, status=422)) == {
        "posting_id": ["unknown_posting"]}
    # 李娜's year's assessment is still open beside it: two instances, one per kind.
    iid = started["instance_id"]
    api.act("cadre_lina", iid, data=SUMMARY)
    api.act("tw_baishui", iid, comment="任期内表现良好")
    api.act("hr_hospital", iid, comment="同意")
    api.act("county", iid, data={"grade": "excellent"})  # a term's end has no share
    [row] = api.get("hr_hospital", "/assessment-results?kind=term_end")["items"]
    assert (row["title"], row["grade_name"]) == ("期满考核（2027年）", "优秀")
