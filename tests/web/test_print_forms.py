"""The printable forms (审批表, 交接清单, 召回记录) as PDF, from the pages and the API: what they say
(names, opinions in the steps' own words, Beijing times, signatures, the chain's last hash) read
back from the PDF, and the case's access rule (404 for anyone else)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from urllib.parse import quote

import pytest
import sqlalchemy as sa
from page_client import Browser
from print_support import DATES, pdf_pages, pdf_text, squeeze, walk_cases
from step_walk import HANDOVER_LIST, REPLACEMENT

from service import commands
from service.core.clock import ManualClock, install_clock
from service.core.principal import Principal
from service.http.printing import refusing_fetcher
from service.persistence.db import db
from service.persistence.models import HistoryEvent, HumanTask, User

PDF = "application/pdf"


@pytest.fixture(scope="module")
def cases(app: Any, clock: Any) -> dict[str, str]:
    """The replacement, its handover and the recall, walked from 2026-12-01 09:00 (Beijing), one
    step every half hour."""
    return walk_cases(app, clock)


def last_hash(app: Any, instance_id: str) -> tuple[int, str]:
    with app.app_context():
        event = db.session.execute(sa.select(HistoryEvent).where(HistoryEvent.instance_id == instance_id)
                                   .order_by(HistoryEvent.seq.desc()).limit(1)).scalar_one()
        return event.seq, event.event_hash


def get_pdf(client: Any, path: str, headers: dict[str, str] | None = None) -> bytes:
    """The PDF at `path`, shown inline, kept in no shared cache, named after the form and case."""
    response = client.get(path, headers=headers or {})
    assert response.status_code == 200, (path, response.status_code, response.get_data(as_text=True)[:300])
    assert response.mimetype == PDF
    kind, case = path.rsplit("/", 1)[1].removesuffix(".pdf"), path.split("/instances/")[1].split("/")[0]
    title = {"approval": "审批表", "handover": "交接清单", "recall": "召回记录"}[kind]
    assert response.headers["Content-Disposition"] == (
        f"inline; filename=\"{kind}-{case}.pdf\"; filename*=UTF-8''{quote(title)}-{case}.pdf")
    assert response.headers["Cache-Control"] == "private, no-store"
    assert response.data.startswith(b"%PDF-")
    return bytes(response.data)


def assert_says(text: str, *needles: str) -> None:
    missing = [n for n in needles if squeeze(n) not in text]
    assert not missing, missing


def test_the_approval_form_of_a_replacement(app: Any, client: Any, auth: Any, cases: dict[str, str]) -> None:
    case = cases["mid_term_replacement"]
    pdf = get_pdf(client, f"/api/v1/instances/{case}/print/approval.pdf", auth("hr_edu"))
    pages = pdf_pages(pdf)
    text = "".join(pages)
    seq, chain_hash = last_hash(app, case)
    assert_says(text, "XX县驻村工作领导小组", "驻村干部中途调整审批表", f"案件编号：{case}",
                # the request: who asked, for whom, where, why, from when
                "教育局人事股 王芳", "XX县教育局", "青山镇", "张伟", "上庄村", "驻村第一书记", "身体健康原因",
                "长期病休，无法坚持驻村", "孙浩", "生效日期 2026-12-01", "县人民医院诊断证明",
                # every opinion in the step's own words, by whom, in Beijing time
                "乡镇党委政府审核 退回修改 请补充县人民医院诊断证明原件"
                " 青山镇党委 黄磊 乡镇党委政府 2026-12-01 09:30",
                "修改调整申请 重新提交 已补充原件", "乡镇党委政府审核 同意 同意调整",
                "县驻村工作领导小组审核 同意", "县委组织部审核备案 予以备案 予以备案 县委组织部 郭静",
                "2026-12-01 11:30",
                "已办结（县委组织部审核备案：予以备案，2026-12-01 11:30）")
    # every sheet: the county and the case at the top, its page and the chain's last hash below
    assert len(pages) >= 1
    for number, page in enumerate(pages, start=1):
        assert_says(page, f"案件编号：{case}", f"第{number}页/共{len(pages)}页", chain_hash,
                    f"历史链末事件：第 {seq} 号")
    assert text.index("乡镇党委政府审核退回修改") < text.index("县委组织部审核备案予以备案")


def test_the_handover_list_with_both_signatures_and_the_witness(app: Any, cases: dict[str, str]) -> None:
    case = cases["handover"]
    new_cadre = Browser(app, "cadre_sunhao")
    page = new_cadre.get(f"/instances/{case}")
    assert f'/instances/{case}/print/handover.pdf' in page and "打印交接清单" in page
    text = pdf_text(get_pdf(new_cadre.client, f"/instances/{case}/print/handover.pdf"))
    assert_says(text, "驻村干部工作交接清单", "上庄村", "原任干部 张伟", "新任干部 孙浩",
                *(f"{label} {HANDOVER_LIST[key]}" for label, key in (
                    ("村情", "village_situation"), ("户况", "household_situation"),
                    ("政策", "policy_situation"), ("在建项目", "open_projects"), ("资金", "funds"),
                    ("档案", "archives"))),
                "编制 张伟，2026-12-01 12:30", "新任干部确认 确认清单（孙浩，2026-12-01 13:00）",
                # both signatures and the township's witness, each with its time
                "原任干部 张伟 签字： 签字确认 2026-12-01 13:30",
                "新任干部 孙浩 签字： 签字确认 2026-12-01 14:00",
                "乡镇监交 青山镇党委 黄磊 签字： 确认监交 2026-12-01 14:30",
                f"新任干部到岗日期 {DATES['ARRIVAL']}", f"党组织关系转接日期 {DATES['ARRIVAL']}",
                "已办结（党组织关系转接确认：确认已转接，2026-12-01 15:00）", last_hash(app, case)[1])


def test_the_recall_record(app: Any, client: Any, auth: Any, cases: dict[str, str]) -> None:
    case = cases["recall"]
    text = pdf_text(get_pdf(client, f"/api/v1/instances/{case}/print/recall.pdf", auth("county")))
    assert_says(text, "驻村干部召回记录", "国网XX县供电公司", "红旗镇", "王强", "兴隆村", "问题来源 考核",
                "发现的问题 年度考核不称职，多次无故离岗", "考核结果通报", "立案 县委组织部 郭静",
                "核实情况 结论 属实 意见 经核实属实"
                " 办理人、时间 县委组织部 郭静（县委组织部），2026-12-01 15:30",
                "本人陈述 陈述内容 家中老人住院，离岗均已补假，今后严守纪律"
                " 陈述人、时间 王强（驻村干部），2026-12-01 16:00",
                "县驻村工作领导小组决定 结论 召回 意见 考核不称职，予以召回",
                "县驻村工作领导小组 林涛（县驻村工作领导小组），2026-12-01 16:30",
                "问责措施 诫勉谈话", "接任人选 吴婷", f"到任日期 {DATES['EFFECTIVE']}",
                "提名 供电公司人资部 陈刚", "审核备案 予以备案：县委组织部 郭静",
                "已办结", last_hash(app, case)[1])


def test_every_case_has_its_approval_form(app: Any, client: Any, auth: Any, cases: dict[str, str]) -> None:
    """A handover's 审批表 lists its steps' opinions too; a recall's lists the recall's."""
    text = pdf_text(get_pdf(client, f"/api/v1/instances/{cases['handover']}/print/approval.pdf",
                            auth("tw_qingshan")))
    assert_says(text, "驻村干部工作交接审批表", "确认新任干部到岗 确认到岗",
                "乡镇党委政府监交确认 确认监交", "党组织关系转接确认 确认已转接 教育局人事股 王芳",
                f"源案件编号 {cases['mid_term_replacement']}")
    text = pdf_text(get_pdf(client, f"/api/v1/instances/{cases['recall']}/print/approval.pdf",
                            auth("orgdept")))
    assert_says(text, "驻村干部召回与问责审批表", "县驻村工作领导小组决定 召回 考核不称职，予以召回")


def test_print_links_on_the_case_and_the_task_pages(app: Any, cases: dict[str, str]) -> None:
    hr = Browser(app, "hr_edu")
    page = hr.get(f"/instances/{cases['mid_term_replacement']}")
    assert "打印审批表" in page and "打印交接清单" not in page and "打印召回记录" not in page
    page = hr.get(f"/instances/{cases['recall']}", status=404)  # not this unit's cadre
    county = Browser(app, "county")
    page = county.get(f"/instances/{cases['recall']}")
    assert "打印审批表" in page and "打印召回记录" in page
    with app.app_context():
        task_id = db.session.execute(sa.select(HumanTask.id).where(
            HumanTask.instance_id == cases["handover"], HumanTask.spec_id == "sign_new")).scalar_one()
    page = Browser(app, "cadre_sunhao").get(f"/tasks/{task_id}")
    assert f'/instances/{cases["handover"]}/print/handover.pdf' in page and "打印交接清单" in page


def test_a_case_one_may_not_see_is_not_found_in_print(app: Any, client: Any, auth: Any,
                                                      cases: dict[str, str]) -> None:
    replacement = cases["mid_term_replacement"]
    # the nominee does not see the replacement case; another unit and another township neither
    for login in ("cadre_sunhao", "hr_power", "tw_hongqi"):
        response = client.get(f"/api/v1/instances/{replacement}/print/approval.pdf", headers=auth(login))
        assert response.status_code == 404, login
        assert response.mimetype == "application/problem+json"
        Browser(app, login).get(f"/instances/{replacement}/print/approval.pdf", status=404)
    # the same answer as for a case that does not exist
    missing = client.get("/api/v1/instances/no-such-case/print/approval.pdf", headers=auth("county"))
    seen = client.get(f"/api/v1/instances/{replacement}/print/approval.pdf", headers=auth("hr_power"))
    assert missing.get_json()["detail"].replace("no-such-case", "") == \
        seen.get_json()["detail"].replace(replacement, "")
    # a form the case does not have
    assert client.get(f"/api/v1/instances/{replacement}/print/handover.pdf",
                      headers=auth("county")).status_code == 404
    assert client.get(f"/api/v1/instances/{replacement}/print/recall.pdf",
                      headers=auth("county")).status_code == 404
    Browser(app, "county").get(f"/instances/{replacement}/print/ledger.pdf", status=404)
    # no token, no session
    assert client.get(f"/api/v1/instances/{replacement}/print/approval.pdf").status_code == 401
    assert app.test_client().get(f"/instances/{replacement}/print/approval.pdf").status_code == 302


def test_the_forms_are_in_the_openapi_document(client: Any) -> None:
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for kind in ("approval", "handover", "recall"):
        operation = paths[f"/api/v1/instances/{{instance_id}}/print/{kind}.pdf"]["get"]
        assert list(operation["responses"]["200"]["content"]) == [PDF]
        assert "404" in operation["responses"]


def test_a_running_and_then_withdrawn_request(make_app: Any) -> None:
    """While a case runs, its form names the steps still open; a withdrawn one who withdrew and why."""
    app = make_app()
    install_clock(app, ManualClock(datetime.fromisoformat("2026-12-01T09:00:00+08:00")))
    with app.app_context():
        hr = Principal.from_user(db.session.get(User, "hr_edu"))
        # markup typed into a request prints as the text it is, and makes the renderer fetch nothing
        case = commands.submit_adjustment(hr, {**REPLACEMENT, "effective_date": date(2026, 12, 1),
                                               "justification": '长期病休<img src="file:///etc/hostname">'}).id
    browser = Browser(app, "hr_edu")
    text = pdf_text(get_pdf(browser.client, f"/instances/{case}/print/approval.pdf"))
    assert_says(text, "发起 提出申请 教育局人事股 王芳 派出单位（人事部门） 2026-12-01 09:00",
                '具体理由 长期病休<img src="file:///etc/hostname">', "办理中（当前环节：乡镇党委政府审核）")
    with app.app_context():
        commands.withdraw_instance(Principal.from_user(db.session.get(User, "hr_edu")), case, "申请人已调离")
    text = pdf_text(get_pdf(browser.client, f"/instances/{case}/print/approval.pdf"))
    assert_says(text, "撤回 撤回 申请人已调离 教育局人事股 王芳",
                "已撤回（教育局人事股 王芳撤回：申请人已调离，2026-12-01 09:00）")


@pytest.mark.parametrize("url", ["file:///etc/hostname", "http://127.0.0.1/", "data:text/css,p{}"])
def test_the_renderer_fetches_no_file_or_url(url: str) -> None:
    with pytest.raises(ValueError, match="disallowed protocol"):
        refusing_fetcher().fetch(url)
