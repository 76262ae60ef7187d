"""Presence in the village (在岗管理) through the commands: leave cases and their rows, the monthly
tally and its alerts, the Excel import, a posting's Party relation (a handover fills it in), and
the roster change log that keeps them.

Each test has its own seeded database and its own clock (demo county: 张伟 is 上庄村's first
secretary since 2025-03-01, 刘洋 its team member, both of 教育局; 上庄村 is in 青山镇).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

import pytest
import sqlalchemy as sa
from command_helpers import open_tasks, who
from openpyxl import Workbook, load_workbook
from process_helpers import HANDOVER_LIST

from service import commands
from service.audit import verify_instance
from service.audit.roster_verify import verify_roster_log
from service.commands.leaves import request_leave
from service.commands.party_relations import save_party_relation
from service.commands.presence import confirm_presence, import_presence, presence_template, record_presence
from service.commands.roster import save_posting
from service.commands.uow import unit_of_work
from service.core.clock import ManualClock, install_clock
from service.core.errors import ApiError, Conflict, Forbidden, ValidationFailed
from service.persistence.db import db
from service.persistence.models import (
    LeaveRequest,
    Notification,
    PartyRelation,
    Posting,
    PresenceMonth,
    ProcessInstance,
    RosterChange,
)
from service.queries.presence import month_of, year_of

BEIJING = "+08:00"


def at(text: str) -> datetime:
    return datetime.fromisoformat(text + BEIJING)


@pytest.fixture
def county(make_app: Any) -> Iterator[tuple[Any, ManualClock]]:
    app = make_app()
    clock = ManualClock(at("2026-12-01T09:00:00"))
    install_clock(app, clock)
    with app.app_context():
        yield app, clock
        db.session.remove()


def leave(login: str = "cadre_zhangwei", **overrides: Any) -> Any:
    payload = {"leave_type": "personal", "start_date": date(2026, 12, 8), "end_date": date(2026, 12, 10),
               "reason": "家中老人住院"}
    payload.update(overrides)
    return request_leave(who(login), payload)


def act(login: str, instance_id: str, decision: str = "approve", data: dict | None = None) -> None:
    (task,) = open_tasks(instance_id)
    commands.complete_task(who(login), task.id, decision, "意见" if decision == "reject" else None, data)


def leave_row(instance_id: str) -> LeaveRequest:
    row = db.session.get(LeaveRequest, instance_id)
    db.session.refresh(row)
    return row


def notices(kind: str) -> list[tuple[str, str]]:
    return sorted((n.login, n.message) for n in db.session.execute(
        sa.select(Notification).where(Notification.kind == kind)).scalars())


def refused(call: Any) -> ApiError:
    with pytest.raises(ApiError) as err:
        call()
    return err.value


# -- leave -----------------------------------------------------------------------------------------

def test_a_leave_goes_to_the_township_then_its_return_is_confirmed(county: Any) -> None:
    _, clock = county
    row = leave()
    (task,) = open_tasks(row.id)
    assert (task.spec_id, task.role, task.scope_id) == ("township_approval", "township", "tw-qingshan")
    stored = leave_row(row.id)
    assert (stored.state, stored.days, stored.working_days, stored.cadre_id) == (
        "pending", 3, 3, "c-zhangwei")
    assert (row.cadre_id, row.village_id, row.township_id, row.unit_id, row.submitter) == (
        "c-zhangwei", "v-shangzhuang", "tw-qingshan", "unit-edu", "cadre_zhangwei")
    act("tw_qingshan", row.id)
    assert leave_row(row.id).state == "approved" and open_tasks(row.id) == []
    # The last day opens the return (销假); a return date later than today is refused.
    clock.set(at("2026-12-10T08:00:00"))
    commands.fire_due_timers(row.id, clock.now())
    (task,) = open_tasks(row.id)
    assert (task.spec_id, task.role, task.scope_id) == ("confirm_return", "cadre", "c-zhangwei")
    error = refused(lambda: commands.complete_task(who("cadre_zhangwei"), task.id, "approve",
                                                   data={"return_date": "2026-12-11"}))
    assert "data.return_date" in error.errors and "不能晚于今天" in error.errors["data.return_date"][0]
    before = refused(lambda: commands.complete_task(who("cadre_zhangwei"), task.id, "approve",
                                                    data={"return_date": "2026-12-07"}))
    assert "不能早于请假开始日期" in before.errors["data.return_date"][0]
    clock.set(at("2026-12-11T08:30:00"))
    commands.complete_task(who("cadre_zhangwei"), task.id, "approve", data={"return_date": "2026-12-11"})
    stored = leave_row(row.id)
    assert (stored.state, stored.return_date) == ("returned", date(2026, 12, 11))
    # The case's history replays to the state stored, timers and the return included.
    verified = verify_instance(row.id)
    assert verified.ok and verified.chain == "ok" and verified.replay == "ok", verified


def test_overlapping_leave_of_the_same_cadre_is_refused_naming_the_dates(county: Any) -> None:
    first = leave()
    error = refused(lambda: leave(start_date=date(2026, 12, 10), end_date=date(2026, 12, 12)))
    assert isinstance(error, ValidationFailed) and set(error.errors) == {"start_date", "end_date"}
    assert "2026-12-08 至 2026-12-10" in error.errors["start_date"][0] and "重叠" in error.detail
    # Another cadre may take the same days, and so may this one once the first is withdrawn.
    leave("cadre_liuyang")
    commands.withdraw_instance(who("cadre_zhangwei"), first.id, "行程取消")
    assert leave_row(first.id).state == "withdrawn"
    again = leave(start_date=date(2026, 12, 10), end_date=date(2026, 12, 12))
    assert leave_row(again.id).state == "pending"
    # A refused leave frees its days too.
    act("tw_qingshan", again.id, "reject")
    assert leave_row(again.id).state == "rejected"
    leave(start_date=date(2026, 12, 11), end_date=date(2026, 12, 11))


def test_leave_requests_are_checked_field_by_field(county: Any) -> None:
    error = refused(lambda: leave(start_date=date(2026, 11, 30), end_date=date(2026, 11, 29), reason=" ",
                                  leave_type="holiday"))
    assert set(error.errors) == {"start_date", "end_date", "reason", "leave_type"}
    assert "不能早于今天（2026-12-01）" in error.errors["start_date"][0]
    too_long = refused(lambda: leave(end_date=date(2027, 12, 31)))
    assert "最长" in too_long.errors["end_date"][0]
    assert isinstance(refused(lambda: leave("tw_qingshan")), Forbidden)
    # 孙浩 holds no posting: nothing to take leave from.
    assert "没有在村任职" in refused(lambda: leave("cadre_sunhao")).errors["_form"][0]
    assert db.session.execute(sa.select(sa.func.count()).select_from(LeaveRequest)).scalar() == 0


def test_a_leave_beyond_the_threshold_needs_the_county(county: Any) -> None:
    # Tue 8 to Mon 14 December: 5 working days, above the default 3.
    row = leave(end_date=date(2026, 12, 14))
    assert leave_row(row.id).working_days == 5
    act("tw_qingshan", row.id)
    (task,) = open_tasks(row.id)
    assert (task.spec_id, task.role) == ("county_approval", "county")
    assert leave_row(row.id).state == "pending"
    act("county", row.id)
    assert leave_row(row.id).state == "approved"


def test_the_threshold_is_a_setting(make_app: Any) -> None:
    app = make_app(leave_county_days=10)
    install_clock(app, ManualClock(at("2026-12-01T09:00:00")))
    with app.app_context():
        row = leave(end_date=date(2026, 12, 14))
        act("tw_qingshan", row.id)
        assert open_tasks(row.id) == [] and leave_row(row.id).state == "approved"
        db.session.remove()


# -- the monthly tally and its alerts ----------------------------------------------------------------

def test_a_short_month_alerts_the_township_and_the_unit_once(county: Any) -> None:
    record = record_presence(who("cadre_zhangwei"), {"year": 2026, "month": 11, "days_present": 18,
                                                      "note": "外出培训 3 天"}, source="api")
    assert (record.status, record.township_id, record.village_id) == (
        "recorded", "tw-qingshan", "v-shangzhuang")
    assert notices("presence_short") == []  # recorded, not yet confirmed
    tally = month_of("c-zhangwei", 2026, 11)
    assert (tally.posted_days, tally.leave_days, tally.required_days, tally.short) == (30, 0, 20, True)
    confirm_presence(who("tw_qingshan"), record.id, {}, source="api")
    sent = notices("presence_short")
    assert [login for login, _ in sent] == ["hr_edu", "tw_qingshan"]
    assert "上庄村 张伟 2026 年 11 月在村 18 天，低于规定的 20 天" in sent[0][1]
    # Corrected and confirmed again: still short, but nobody is told twice.
    confirm_presence(who("tw_qingshan"), record.id, {"days_present": 19}, source="api")
    assert len(notices("presence_short")) == 2
    # Confirmed, the month is no longer the cadre's to change.
    error = refused(lambda: record_presence(who("cadre_zhangwei"), {"year": 2026, "month": 11,
                                                                    "days_present": 25}, source="api"))
    assert isinstance(error, Conflict) and "已由乡镇确认" in error.detail
    # 20 days is enough.
    ok = record_presence(who("tw_qingshan"), {"cadre_id": "c-liuyang", "year": 2026, "month": 11,
                                              "days_present": 20}, source="api")
    assert ok.status == "confirmed" and not month_of("c-liuyang", 2026, 11).short
    assert len(notices("presence_short")) == 2


def test_granted_leave_and_days_not_posted_lower_what_a_month_asks(county: Any) -> None:
    app, clock = county
    clock.set(at("2026-11-02T09:00:00"))
    # 9 to 20 November: 12 days, 10 working days, so township and county.
    row = leave(start_date=date(2026, 11, 9), end_date=date(2026, 11, 20))
    act("tw_qingshan", row.id)
    act("county", row.id)
    # A team member posted to 下河村 from 16 November: 15 days of the month.
    with unit_of_work():
        save_posting(who("tw_qingshan"), {"cadre_id": "c-xuming", "village_id": "v-xiahe",
                                          "role": "team_member", "term_start": date(2026, 11, 16),
                                          "supplier_id": "tw-qingshan"}, source="api")
    clock.set(at("2026-12-01T09:00:00"))
    tally = month_of("c-zhangwei", 2026, 11)
    assert (tally.posted_days, tally.leave_days, tally.required_days) == (30, 12, 18)
    record_presence(who("tw_qingshan"), {"cadre_id": "c-zhangwei", "year": 2026, "month": 11,
                                         "days_present": 18}, source="api")
    assert not month_of("c-zhangwei", 2026, 11).short
    short = month_of("c-xuming", 2026, 11)
    assert (short.posted_days, short.required_days) == (15, 15)
    over = refused(lambda: record_presence(who("cadre_xuming"), {"year": 2026, "month": 11,
                                                                 "days_present": 16}, source="api"))
    assert "不能超过该月在村任职的天数（15 天）" in over.errors["days_present"][0]
    record = record_presence(who("cadre_xuming"), {"year": 2026, "month": 11, "days_present": 14},
                             source="api")
    confirm_presence(who("tw_qingshan"), record.id, {}, source="api")
    assert [login for login, _ in notices("presence_short")] == ["tw_qingshan"]  # 徐明 is the township's own
    year = year_of("c-zhangwei", 2026)
    november = next(m for m in year["months"] if m["month"] == 11)
    assert (november["days_present"], november["leave_days"], november["short"]) == (18, 12, False)
    assert year["leaves"][0]["state"] == "approved" and year["totals"]["leave_days"] == 12


def test_months_to_come_and_months_without_a_posting_are_refused(county: Any) -> None:
    future = refused(lambda: record_presence(who("cadre_zhangwei"), {"year": 2027, "month": 1,
                                                                     "days_present": 5}, source="api"))
    assert "尚未到来" in future.errors["month"][0]
    before = refused(lambda: record_presence(who("cadre_zhangwei"), {"year": 2025, "month": 2,
                                                                     "days_present": 5}, source="api"))
    assert "没有在村任职" in before.errors["month"][0]
    # December has begun: one day so far.
    assert month_of("c-zhangwei", 2026, 12).posted_days == 1
    # Another township neither records nor confirms 青山镇's cadres.
    other = refused(lambda: record_presence(who("tw_baishui"), {
        "cadre_id": "c-zhangwei", "year": 2026, "month": 11, "days_present": 5}, source="api"))
    assert other.status == 404
    record = record_presence(who("cadre_zhangwei"), {"year": 2026, "month": 11, "days_present": 22},
                             source="api")
    assert refused(lambda: confirm_presence(who("tw_baishui"), record.id, {}, source="api")).status == 404
    stale = refused(lambda: confirm_presence(who("tw_qingshan"), record.id, {"revision": 99}, source="api"))
    assert isinstance(stale, Conflict)


# -- the Excel import --------------------------------------------------------------------------------

def workbook(*rows: list[Any]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "在村天数"
    sheet.append(["干部编号", "姓名", "年份", "月份", "在村天数", "备注"])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_an_import_writes_every_row_or_none(county: Any) -> None:
    bad = workbook(["c-zhangwei", "张伟", 2026, 11, 25, None],
                   ["c-liuyang", "刘阳", 2026, 11, 10, None],  # wrong name
                   ["c-lina", "李娜", 2026, 11, 20, None],  # 白水乡's
                   ["c-zhangwei", "张伟", 2026, 11, 31, None],  # repeated, and too many days
                   ["c-nobody", None, 2026, 11, 3, None])
    error = refused(lambda: import_presence(who("tw_qingshan"), bad, "十一月.xlsx"))
    assert set(error.errors) == {"第 3 行 姓名", "第 4 行 干部编号", "第 5 行 在村天数", "第 5 行 干部编号",
                                 "第 6 行 干部编号"}
    assert "全部不写入" in error.detail
    assert db.session.execute(sa.select(sa.func.count()).select_from(PresenceMonth)).scalar() == 0
    good = workbook(["c-zhangwei", "张伟", 2026, 11, 25, "正常"],
                    ["c-liuyang", "刘洋", "2026", 11.0, 10, None])
    result = import_presence(who("tw_qingshan"), good, "十一月.xlsx")
    assert (result.rows, result.created, result.updated, result.unchanged) == (2, 2, 0, 0)
    assert [(s["cadre_id"], s["days_present"], s["required_days"]) for s in result.short] == [
        ("c-liuyang", 10, 20)]
    rows = {r.cadre_id: r for r in db.session.execute(sa.select(PresenceMonth)).scalars()}
    assert {r.status for r in rows.values()} == {"confirmed"}
    assert rows["c-zhangwei"].source.startswith("import:")
    assert rows["c-zhangwei"].confirmed_by == "tw_qingshan"
    assert [login for login, _ in notices("presence_short")] == ["hr_edu", "tw_qingshan"]
    again = import_presence(who("tw_qingshan"), good, "十一月.xlsx")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert isinstance(refused(lambda: import_presence(who("hr_edu"), good, "x.xlsx")), Forbidden)
    assert "file" in refused(lambda: import_presence(who("tw_qingshan"), b"not a workbook", "x.xlsx")).errors


def test_the_template_lists_the_township_cadres_of_the_month(county: Any) -> None:
    sheet = load_workbook(io.BytesIO(presence_template(who("tw_qingshan"), 2026, 11))).active
    rows = [tuple(c.value for c in row) for row in sheet.iter_rows()]
    assert rows[0] == ("干部编号", "姓名", "年份", "月份", "在村天数", "备注")
    assert {r[0] for r in rows[1:]} == {"c-zhangwei", "c-liuyang"}
    assert all(r[2:4] == (2026, 11) and r[4] is None for r in rows[1:])


# -- the Party relation --------------------------------------------------------------------------------

def posting_of(cadre_id: str, active: bool = True) -> Posting:
    return db.session.execute(sa.select(Posting).where(Posting.cadre_id == cadre_id,
                                                       Posting.active.is_(active))).scalar_one()


def test_unit_hr_keeps_a_posting_s_party_relation(county: Any) -> None:
    posting = posting_of("c-zhangwei")
    with unit_of_work():
        save_party_relation(who("hr_edu"), posting.id, {"transferred_in_on": date(2025, 3, 5),
                                                        "transferred_in_org": "上庄村党支部"}, source="page")
    row = db.session.get(PartyRelation, posting.id)
    assert (row.transferred_in_on, row.transferred_in_org, row.updated_by) == (
        date(2025, 3, 5), "上庄村党支部", "hr_edu")
    error = refused(lambda: save_party_relation(who("hr_edu"), posting.id, {
        "transferred_out_on": date(2026, 11, 1)}, source="page"))
    assert set(error.errors) == {"transferred_out_on", "transferred_out_org"}
    assert "任职尚未结束" in error.errors["transferred_out_on"][0]
    assert isinstance(refused(lambda: save_party_relation(who("hr_hospital"), posting.id, {
        "transferred_in_org": "x"}, source="page")), Forbidden)
    future = refused(lambda: save_party_relation(who("hr_edu"), posting.id, {
        "transferred_in_on": date(2026, 12, 2)}, source="page"))
    assert "不能晚于今天" in future.errors["transferred_in_on"][0]
    db.session.rollback()
    changes = db.session.execute(sa.select(RosterChange).where(
        RosterChange.entity == "party_relation")).scalars()
    assert [(c.entity_id, c.action, c.actor_login) for c in changes] == [
        (str(posting.id), "create", "hr_edu")]


def step(login: str, instance_id: str, spec_id: str, data: dict | None = None) -> None:
    (task,) = [t for t in open_tasks(instance_id) if t.spec_id == spec_id]
    commands.complete_task(who(login), task.id, "approve", None, data)


def test_the_handover_records_both_moves_of_the_party_relation(county: Any) -> None:
    replacement = commands.submit_adjustment(who("hr_edu"), {
        "cadre_id": "c-zhangwei", "village_id": "v-shangzhuang", "role": "first_secretary",
        "reason": "health", "justification": "", "nominee_id": "c-sunhao",
        "effective_date": date(2026, 12, 1), "evidence": ["体检报告"]})
    for login in ("tw_qingshan", "county", "orgdept"):
        act(login, replacement.id)
    handover = db.session.execute(sa.select(ProcessInstance.id).where(
        ProcessInstance.business_key == f"handover:{replacement.id}")).scalar_one()
    step("tw_qingshan", handover, "confirm_arrival", {"arrival_date": "2026-12-01"})
    step("cadre_zhangwei", handover, "prepare_handover_list", dict(HANDOVER_LIST))
    step("cadre_sunhao", handover, "review_handover_list")
    step("cadre_zhangwei", handover, "sign_old")
    step("cadre_sunhao", handover, "sign_new")
    step("tw_qingshan", handover, "witness_handover")
    assert db.session.execute(sa.select(sa.func.count()).select_from(PartyRelation)).scalar() == 0
    (task,) = open_tasks(handover)  # the Party relation step, whoever confirms it
    assert task.spec_id.startswith("transfer_party_relation")
    commands.complete_task(who("hr_edu"), task.id, "approve", None, {"party_transfer_date": "2026-12-01"})
    new, old = posting_of("c-sunhao"), posting_of("c-zhangwei", active=False)
    moved_in, moved_out = db.session.get(PartyRelation, new.id), db.session.get(PartyRelation, old.id)
    assert (moved_in.transferred_in_on, moved_in.transferred_in_org) == (date(2026, 12, 1), "上庄村党组织")
    assert moved_in.transferred_out_on is None
    assert (moved_out.transferred_out_on, moved_out.transferred_out_org) == (
        date(2026, 12, 1), "XX县教育局党组织")
    changes = db.session.execute(sa.select(RosterChange).where(RosterChange.entity == "party_relation")
                                 .order_by(RosterChange.id)).scalars().all()
    assert {(c.entity_id, c.source, c.actor_login) for c in changes} == {
        (str(new.id), f"process:{handover}", "hr_edu"), (str(old.id), f"process:{handover}", "hr_edu")}
    assert verify_roster_log().ok


def test_presence_changes_are_on_the_roster_log_chain(county: Any) -> None:
    record = record_presence(who("cadre_zhangwei"), {"year": 2026, "month": 11, "days_present": 21},
                             source="api")
    record_presence(who("cadre_zhangwei"), {"year": 2026, "month": 11, "days_present": 22}, source="page")
    confirm_presence(who("tw_qingshan"), record.id, {"note": "核实无误"}, source="page")
    changes = db.session.execute(sa.select(RosterChange).where(RosterChange.entity == "presence")
                                 .order_by(RosterChange.id)).scalars().all()
    assert [(c.entity_id, c.action, c.actor_login, c.actor_role) for c in changes] == [
        ("c-zhangwei:2026-11", "create", "cadre_zhangwei", "cadre"),
        ("c-zhangwei:2026-11", "update", "cadre_zhangwei", "cadre"),
        ("c-zhangwei:2026-11", "confirm", "tw_qingshan", "township")]
    assert changes[1].before == {"days_present": 21} and changes[1].after == {"days_present": 22}
    assert changes[2].after == {"note": "核实无误", "status": "confirmed", "confirmed_by": "tw_qingshan"}
    assert verify_roster_log().ok
