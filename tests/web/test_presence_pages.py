"""The presence pages (在岗管理): 请假申请 and 我的请假 for the cadre, the leave on the approver's task
page, 在村情况 for the cadre and the township (record, confirm, import), and the cadre's roster page
with the year's months, leaves and Party relations.

One module app and clock (2026-12-01 09:00 Beijing). 张伟 and 刘洋 are posted in 上庄村 (青山镇).
"""

from __future__ import annotations

import io
import re

import pytest
import sqlalchemy as sa
from openpyxl import Workbook
from page_client import Browser

from service.persistence.db import db
from service.persistence.models import (
    HumanTask,
    LeaveRequest,
    Notification,
    PartyRelation,
    Posting,
    PresenceMonth,
)


@pytest.fixture(scope="module")
def pages(app, clock):
    return app


def open_task(app, instance_id: str) -> HumanTask:
    with app.app_context():
        task = db.session.execute(sa.select(HumanTask).where(HumanTask.instance_id == instance_id,
                                                             HumanTask.status == "open")).scalar_one()
        db.session.expunge(task)
        return task


def test_the_cadre_asks_for_leave_and_the_township_sees_it_on_its_task(pages):
    cadre = Browser(pages, "cadre_zhangwei")
    form = cadre.get("/leaves/new")
    assert "请假申请" in form and "超过 3 个工作日" in form
    refused = cadre.post("/leaves/new", {"leave_type": "personal", "start_date": "2026-11-30",
                                         "end_date": "2026-12-02", "reason": "探望病人"}, page="/leaves/new")
    assert refused.status_code == 422 and "不能早于今天" in refused.get_data(as_text=True)
    done = cadre.post("/leaves/new", {"leave_type": "personal", "start_date": "2026-12-08",
                                      "end_date": "2026-12-10", "reason": "探望病人"}, page="/leaves/new")
    assert done.status_code == 302
    instance_id = done.headers["Location"].rsplit("/", 1)[-1]
    overlap = cadre.post("/leaves/new", {"leave_type": "sick", "start_date": "2026-12-09",
                                         "end_date": "2026-12-09", "reason": "看病"}, page="/leaves/new")
    text = overlap.get_data(as_text=True)
    assert overlap.status_code == 422 and text.count("重叠") >= 2  # under both dates
    mine = cadre.get("/leaves")
    assert "2026-12-08 至 2026-12-10" in mine and "审批中" in mine and "撤回…" in mine
    task = open_task(pages, instance_id)
    township = Browser(pages, "tw_qingshan")
    assert "乡镇党委政府审批请假" in township.get("/inbox")
    page = township.get(f"/tasks/{task.id}")
    assert 'id="section-leave"' in page and "2026-12-08 至 2026-12-10" in page and "事假" in page
    assert "准假" in page and "不准假" in page
    approved = township.post(f"/tasks/{task.id}/complete", {"decision": "approve", "comment": ""},
                             page=f"/tasks/{task.id}")
    assert approved.status_code == 302
    assert "已准假（待销假）" in cadre.get("/leaves")


def test_the_cadre_records_and_the_township_confirms_the_month(pages):
    cadre = Browser(pages, "cadre_liuyang")
    page = cadre.get("/presence?month=2026-11")
    assert "填报 2026 年 11 月在村天数" in page and "应在村 20 天" in page
    saved = cadre.post("/presence/record", {"month": "2026-11", "days_present": "17", "note": "培训"},
                       page="/presence?month=2026-11")
    assert saved.status_code == 302
    assert "已填报 17 天，等待乡镇确认" in cadre.get("/presence?month=2026-11")
    township = Browser(pages, "tw_qingshan")
    listing = township.get("/presence?month=2026-11")
    assert "本乡镇驻村干部 2026 年 11 月在村天数" in listing and "刘洋" in listing and "张伟" in listing
    with pages.app_context():
        record = db.session.execute(sa.select(PresenceMonth).where(PresenceMonth.cadre_id == "c-liuyang")
                                    ).scalar_one()
        record_id, revision = record.id, record.revision
    confirmed = township.post(f"/presence/{record_id}/confirm", {"month": "2026-11", "days_present": "18",
                                                                 "note": "核实", "revision": str(revision)},
                              page="/presence?month=2026-11")
    assert confirmed.status_code == 302
    after = township.get("/presence?month=2026-11")
    assert "低于应在村的 20 天" in after and "不足" in after
    # For 张伟, who recorded nothing, the township records and confirms itself.
    township.post("/presence/record", {"month": "2026-11", "cadre_id": "c-zhangwei", "days_present": "22"},
                  page="/presence?month=2026-11")
    with pages.app_context():
        statuses = dict(db.session.execute(sa.select(PresenceMonth.cadre_id, PresenceMonth.status)).all())
        alerts = db.session.execute(sa.select(Notification.login).where(
            Notification.kind == "presence_short")).scalars().all()
    assert statuses == {"c-liuyang": "confirmed", "c-zhangwei": "confirmed"}
    assert sorted(alerts) == ["hr_edu", "tw_qingshan"]
    assert "乡镇已确认：在村 <strong>18</strong> 天" in cadre.get("/presence?month=2026-11")


def test_the_township_imports_a_month(pages):
    book = Workbook()
    sheet = book.active
    sheet.append(["干部编号", "姓名", "年份", "月份", "在村天数", "备注"])
    sheet.append(["c-zhangwei", "张伟", 2026, 10, 40, None])
    out = io.BytesIO()
    book.save(out)
    township = Browser(pages, "tw_qingshan")
    html = township.get("/presence?month=2026-10")
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    bad = township.client.post("/presence/import", data={"csrf_token": token, "month": "2026-10",
                                                         "file": (io.BytesIO(out.getvalue()), "十月.xlsx")},
                               content_type="multipart/form-data")
    assert bad.status_code == 422 and "第 2 行 在村天数" in bad.get_data(as_text=True)
    sheet["E2"] = 21
    out = io.BytesIO()
    book.save(out)
    good = township.client.post("/presence/import", data={"csrf_token": token, "month": "2026-10",
                                                          "file": (io.BytesIO(out.getvalue()), "十月.xlsx")},
                                content_type="multipart/form-data")
    assert good.status_code == 302
    assert township.client.get("/presence/template.xlsx?month=2026-10").status_code == 200
    Browser(pages, "hr_edu").get("/presence/template.xlsx?month=2026-10", status=403)


def test_the_roster_page_shows_the_year_and_keeps_the_party_relation(pages):
    hr = Browser(pages, "hr_edu")
    page = hr.get("/roster/cadre/c-liuyang")
    assert 'id="presence-year"' in page and "11 月" in page and "不足" in page
    assert 'id="party-relations"' in page and "party-relation-form" in page
    with pages.app_context():
        posting_id = db.session.execute(sa.select(Posting.id).where(
            Posting.cadre_id == "c-liuyang")).scalar_one()
    saved = hr.post(f"/roster/postings/{posting_id}/party-relation",
                    {"transferred_in_on": "2025-03-06", "transferred_in_org": "上庄村党支部"},
                    page="/roster/cadre/c-liuyang")
    assert saved.status_code == 302
    with pages.app_context():
        row = db.session.get(PartyRelation, posting_id)
        assert row.transferred_in_org == "上庄村党支部"
    page = hr.get("/roster/cadre/c-liuyang")
    assert "党组织关系" in page and "教育局人事股 王芳" in page
    # The township reads it without a form; another unit's HR does not see the cadre at all.
    township = Browser(pages, "tw_qingshan").get("/roster/cadre/c-liuyang")
    assert "上庄村党支部" in township and "party-relation-form" not in township
    Browser(pages, "hr_hospital").get("/roster/cadre/c-liuyang", status=404)
    with pages.app_context():
        assert db.session.execute(sa.select(sa.func.count()).select_from(LeaveRequest)).scalar() == 1
