"""Assessments through the command layer: the county's yearly round (one assessment per cadre
posted that year), the grade and its 优秀 share, 不称职 opening a recall in the same transaction, the
result the unit reads and the cadre's file keeps, and the history that `audit verify` replays."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
import sqlalchemy as sa
from assessment_helpers import DEMO_POSTED, SUMMARY, act, assessment_of, open_step, to_county_grade
from command_helpers import who

from service.audit import Replayer, verify_instance
from service.commands.assessments.rounds import open_round
from service.core.errors import Forbidden, ValidationFailed
from service.persistence.append_only import AppendOnlyViolation
from service.persistence.db import db
from service.persistence.models import (
    AssessmentResult,
    AssessmentRound,
    Notification,
    Posting,
    ProcessInstance,
)


@pytest.fixture
def ctx(app: Any, clock: Any) -> Any:
    with app.app_context():
        yield clock


def rules(err: pytest.ExceptionInfo[ValidationFailed]) -> dict[str, list[str]]:
    return {v["field"]: [v["rule"]] for v in err.value.extra.get("violations", [])}


def test_only_the_county_opens_a_round_of_a_past_or_the_current_year(ctx: Any) -> None:
    for login in ("hr_edu", "tw_qingshan", "orgdept", "auditor"):
        with pytest.raises(Forbidden):
            open_round(who(login), {"year": 2026})
    with pytest.raises(ValidationFailed) as err:
        open_round(who("county"), {"year": 2027})  # the clock stands in 2026
    assert rules(err) == {"year": ["future_year"]}
    with pytest.raises(ValidationFailed) as err:
        open_round(who("county"), {"year": 2019})  # nobody was posted then
    assert rules(err) == {"year": ["nobody_posted"]}
    with pytest.raises(ValidationFailed) as err:
        open_round(who("county"), {"year": 1999})
    assert "year" in err.value.errors
    assert db.session.execute(sa.select(AssessmentRound)).first() is None


def test_the_round_starts_one_assessment_per_cadre_posted_that_year(ctx: Any) -> None:
    found = open_round(who("county"), {"year": 2026})
    assert (found.year, found.name, found.excellent_share) == (2026, "2026年度驻村干部考核", 0.2)
    rows = db.session.execute(sa.select(ProcessInstance).where(
        ProcessInstance.process_key == "assessment")).scalars().all()
    assert sorted(r.cadre_id for r in rows) == sorted(DEMO_POSTED)
    zhangwei = assessment_of("c-zhangwei")
    step = open_step(zhangwei.id)
    assert (step.spec_id, step.role, step.scope_id) == ("self_summary", "cadre", "c-zhangwei")
    assert (zhangwei.unit_id, zhangwei.township_id, zhangwei.village_id, zhangwei.submitter) == (
        "unit-edu", "tw-qingshan", "v-shangzhuang", None)
    with pytest.raises(ValidationFailed) as err:
        open_round(who("county"), {"year": 2026})
    assert rules(err) == {"year": ["duplicate_round"]}


def test_a_late_summary_is_reminded_and_escalated_on_working_days(ctx: Any) -> None:
    # Opened Tuesday 2026-12-01 09:00: ten working days are Dec 2-4, 7-11, 14, 15.
    from service.commands import fire_due_timers

    iid = assessment_of("c-zhaomin").id
    step = open_step(iid)
    assert step.due_at == datetime.fromisoformat("2026-12-15T09:00:00+08:00")
    before = fire_due_timers(iid, datetime.fromisoformat("2026-12-15T08:59:59+08:00"))
    assert before.fired == []
    ctx.set(datetime.fromisoformat("2026-12-15T09:00:01+08:00"))
    fired = fire_due_timers(iid, ctx.now())
    assert sorted(t.spec_id for t in fired.fired) == ["self_summary_escalation", "self_summary_reminder"]
    told = dict(db.session.execute(sa.select(Notification.login, Notification.kind).where(
        Notification.instance_id == iid, Notification.kind.in_(["reminder", "escalation"]))).all())
    assert told["cadre_zhaomin"] == "reminder" and told["county"] == "escalation"
    assert open_step(iid).spec_id == "self_summary"  # a reminder moves nothing on


def test_the_township_may_send_the_summary_back(ctx: Any) -> None:
    iid = assessment_of("c-lina").id
    act("cadre_lina", iid, data={"summary": "驻村工作总结"})
    with pytest.raises(ValidationFailed) as err:  # its evaluation is its written opinion
        act("tw_baishui", iid)
    assert "comment" in err.value.errors
    act("tw_baishui", iid, "请补充帮扶项目", decision="return")
    assert open_step(iid).spec_id == "self_summary"
    act("cadre_lina", iid, data=SUMMARY)
    act("tw_baishui", iid, "已补充")
    step = open_step(iid)
    assert (step.spec_id, step.role, step.scope_id) == ("unit_opinion", "unit_hr", "unit-hospital")
    with pytest.raises(Forbidden):
        act("hr_edu", iid, "同意")  # another unit's HR


def test_the_excellent_share_of_the_round_is_refused_beyond_its_count(ctx: Any) -> None:
    # 7 cadres x 0.2 = 1 优秀
    first, second = assessment_of("c-zhangwei").id, assessment_of("c-wangqiang").id
    to_county_grade(first, "cadre_zhangwei", "hr_edu", "tw_qingshan")
    to_county_grade(second, "cadre_wangqiang", "hr_power", "tw_hongqi")
    act("county", first, "实绩突出", {"grade": "excellent"})
    with pytest.raises(ValidationFailed) as err:
        act("county", second, "实绩突出", {"grade": "excellent"})
    [message] = err.value.errors["data.grade"]
    assert message == ("考核等次：2026 年度考核的优秀等次最多 1 名（参加考核 7 人，比例 20%），"
                       "已确定 1 名，不能再确定为优秀。")
    assert open_step(second).spec_id == "county_grade"  # nothing was written
    act("county", second, None, {"grade": "competent"})
    grades = dict(db.session.execute(sa.select(AssessmentResult.cadre_id, AssessmentResult.grade)).all())
    assert grades == {"c-zhangwei": "excellent", "c-wangqiang": "competent"}


def test_the_result_is_the_units_record_and_the_cadres_file_entry(ctx: Any) -> None:
    row = db.session.execute(sa.select(AssessmentResult).where(
        AssessmentResult.cadre_id == "c-zhangwei")).scalar_one()
    assert (row.kind, row.year, row.supplier_id, row.role, row.village_name) == (
        "annual", 2026, "unit-edu", "first_secretary", "上庄村")
    assert (row.period_start, row.period_end) == (date(2026, 1, 1), date(2026, 12, 31))
    assert row.summary == SUMMARY["summary"]
    assert (row.township_opinion, row.township_suggested_grade) == ("吃住在村，群众认可", "competent")
    assert (row.supplier_opinion, row.supplier_suggested_grade) == ("同意乡镇评价", "competent")
    assert (row.county_comment, row.graded_by, row.recall_instance_id) == ("实绩突出", "county", None)
    told = db.session.execute(sa.select(Notification.login, Notification.message).where(
        Notification.kind == "assessment", Notification.instance_id == row.instance_id)).all()
    assert {login for login, _ in told} == {"hr_edu", "cadre_zhangwei"}
    assert all("2026年度考核等次：优秀" in m and "个人档案" in m for _, m in told)
    row.grade = "competent"
    with pytest.raises(AppendOnlyViolation):
        db.session.flush()
    db.session.rollback()


def test_no_client_changes_a_result_on_postgresql(ctx: Any, backend: str) -> None:
    if backend != "postgresql":
        pytest.skip("the trigger is PostgreSQL's (SQLite has the ORM guard only)")
    for statement in ("UPDATE assessment_results SET grade = 'competent'", "DELETE FROM assessment_results"):
        with pytest.raises(sa.exc.DBAPIError, match="append-only"):
            db.session.execute(sa.text(statement))
        db.session.rollback()


def test_incompetent_opens_the_recall_in_the_same_transaction(ctx: Any) -> None:
    iid = assessment_of("c-yangfan").id
    to_county_grade(iid, "cadre_yangfan", "hr_power", "tw_hongqi")
    with pytest.raises(ValidationFailed) as err:
        act("county", iid, "", {"grade": "incompetent"})
    assert "comment" in err.value.errors
    assert db.session.execute(sa.select(ProcessInstance).where(
        ProcessInstance.process_key == "recall", ProcessInstance.cadre_id == "c-yangfan")).first() is None
    done = act("county", iid, "长期不在岗，群众意见大", {"grade": "incompetent"})
    [recall] = done.started
    assert (recall.process_key, recall.cadre_id, recall.business_key, recall.submitter) == (
        "recall", "c-yangfan", f"recall:assessment:{iid}", "county")
    from service.persistence.loading import load

    data = load(recall.id, read_only=True).instance.data
    assert data["source"] == "assessment" and data["source_instance_id"] == iid
    assert data["finding"] == "2026年度考核被县驻村工作领导小组确定为不称职等次：长期不在岗，群众意见大"
    assert any(iid in item for item in data["evidence"])
    assert open_step(recall.id).spec_id == "verify_finding_rrb"  # a team member: the RRB verifies
    result = db.session.execute(sa.select(AssessmentResult).where(AssessmentResult.instance_id == iid)
                                ).scalar_one()
    assert (result.grade, result.recall_instance_id, result.recall_note) == ("incompetent", recall.id, None)
    replayer = Replayer()
    for instance_id in (iid, recall.id, assessment_of("c-zhangwei").id):
        verdict = verify_instance(instance_id, replayer)
        assert verdict.ok, verdict


def test_a_second_incompetent_with_a_recall_open_refers_to_it(ctx: Any) -> None:
    # 陈静 already has a recall open (a supervision finding): the grade stands, no second case.
    from service.commands import open_recall

    opened = open_recall(who("orgdept"), {"cadre_id": "c-chenjing", "source": "supervision",
                                          "finding": "多次脱岗", "evidence": []})
    iid = assessment_of("c-chenjing").id
    to_county_grade(iid, "cadre_chenjing", "hr_hospital", "tw_baishui")
    done = act("county", iid, "不胜任", {"grade": "incompetent"})
    assert done.started == []
    result = db.session.execute(sa.select(AssessmentResult).where(AssessmentResult.instance_id == iid)
                                ).scalar_one()
    assert result.recall_instance_id == opened.id
    assert result.recall_note == "该干部已有正在办理的召回案件，考核结果已记入档案，未另行启动召回。"


def test_a_township_supplied_team_member_gets_the_townships_opinion(make_app: Any) -> None:
    from service.commands import unit_of_work
    from service.commands.assessments.term_end import start_term_end
    from service.commands.roster import save_posting

    app = make_app()
    with app.app_context():
        with unit_of_work():
            change = save_posting(who("tw_qingshan"), {
                "cadre_id": "c-xuming", "village_id": "v-xiahe", "role": "team_member",
                "term_start": date(2025, 3, 1), "planned_end": date(2027, 2, 28),
                "supplier_id": "tw-qingshan"}, source="api")
        assert change is not None
        posting = db.session.get_one(Posting, int(change.entity_id))
        with pytest.raises(Forbidden):
            start_term_end(who("hr_edu"), posting.id)
        row = start_term_end(who("county"), posting.id)
        assert row.business_key == f"assessment:term_end:{posting.id}:2027-02-28"
        assert row.unit_id is None
        act("cadre_xuming", row.id, data=SUMMARY)
        act("tw_qingshan", row.id, "表现良好")
        step = open_step(row.id)
        assert (step.spec_id, step.role, step.scope_id) == ("township_supplier_opinion", "township",
                                                            "tw-qingshan")
        act("tw_qingshan", row.id, "同意")
        act("county", row.id, None, {"grade": "excellent"})  # a term's end has no share
        result = db.session.execute(sa.select(AssessmentResult).where(
            AssessmentResult.instance_id == row.id)).scalar_one()
        assert (result.kind, result.year, result.supplier_id, result.period_start, result.period_end) == (
            "term_end", 2027, "tw-qingshan", date(2025, 3, 1), date(2027, 2, 28))
        with pytest.raises(ValidationFailed) as err:
            start_term_end(who("county"), posting.id)  # once per term
        assert rules(err) == {"posting_id": ["duplicate_term_end"]}


def test_term_end_assessments_start_when_the_planned_end_comes(make_app: Any) -> None:
    from service.commands.assessments.term_end import start_due_term_ends

    app = make_app()
    with app.app_context():
        # every demo term ends 2027-02-28 (Beijing)
        assert start_due_term_ends(datetime.fromisoformat("2027-02-27T23:59:00+08:00")) == []
        started = start_due_term_ends(datetime.fromisoformat("2027-02-28T00:00:01+08:00"))
        assert len(started) == len(DEMO_POSTED)
        assert start_due_term_ends(datetime.fromisoformat("2027-03-01T09:00:00+08:00")) == []
        rows = db.session.execute(sa.select(ProcessInstance).where(ProcessInstance.id.in_(started))
                                  ).scalars().all()
        postings = {p.id for p in db.session.execute(sa.select(Posting).where(Posting.active.is_(True))
                                                       ).scalars()}
        assert {int(r.business_key.split(":")[2]) for r in rows} <= postings
        assert {r.submitter for r in rows} == {None}


def test_the_timer_service_and_the_command_line_start_them_once(make_app: Any, db_url: str) -> None:
    from click.testing import CliRunner

    from service.cli import cli
    from service.timers.scheduler import TimerService

    app = make_app()
    service = TimerService(app)
    try:
        service.start()
        assert service._scheduler.get_job("term_end_assessments") is not None
    finally:
        service.shutdown(wait=False)
    due = datetime.fromisoformat("2027-03-01T09:00:00+08:00")
    assert len(service.start_term_end_assessments(due)) == len(DEMO_POSTED)
    assert service.start_term_end_assessments(due) == []
    # The command line runs on today's date: no demo term has ended yet.
    result = CliRunner().invoke(cli, ["terms", "assess"], env={"CADREFLOW_DATABASE_URL": db_url})
    assert result.exit_code == 0, result.output
    assert "新发起期满考核 0 个" in result.output


def test_audit_verifies_the_histories_and_ties_the_results_to_them(app: Any, db_url: str,
                                                                    backend: str) -> None:
    from click.testing import CliRunner

    from service.cli import cli

    def run(*args: str) -> Any:
        return CliRunner().invoke(cli, ["audit", *args], env={"CADREFLOW_DATABASE_URL": db_url})

    verified = run("verify", "--all", "--quiet")
    assert verified.exit_code == 0, verified.output
    assert "0 个有问题" in verified.output
    results = run("verify-assessments")
    assert results.exit_code == 0, results.output
    assert "条一致，0 条有问题" in results.output
    if backend != "sqlite":
        return  # PostgreSQL refuses the change below (trigger); SQLite has only the ORM guard
    with app.app_context():
        db.session.execute(sa.text("UPDATE assessment_results SET grade = 'excellent' "
                                   "WHERE cadre_id = 'c-wangqiang'"))
        db.session.commit()
    tampered = run("verify-assessments")
    assert tampered.exit_code == 1
    assert "王强，2026 年）：等次与历史不符（历史：competent，记录：excellent）" in tampered.output
