"""Moving running instances to a new version (commands.migrate_instances): a replacement half-way
through moves to a version with a renamed step, a longer escalation and a step added after the
current one, finishes there, and `audit verify` stays ok; a forged `migrated` event does not."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from timer_helpers import (
    adjustment,
    at_clock,
    bj,
    complete,
    events,
    firer,
    notifications,
    open_task,
    timers,
    who,
)

from service import commands
from service.audit import verify_instance
from service.audit.state_at import state_at
from service.cli import cli
from service.commands.signers import add_signer
from service.core.errors import Forbidden, NotFound, ValidationFailed
from service.persistence.db import db
from service.persistence.history import event_hash
from service.persistence.models import HistoryEvent, HumanTask, ProcessDefinition, ProcessInstance
from service.queries.migration_plan import dry_run, migration_plan
from service.queries.timeline import instance_history

V2 = (Path(__file__).resolve().parents[1] / "support" / "fixtures" / "mid_term_replacement_v2_migration.bpmn")
EVENTS = HistoryEvent.__table__


def deploy_v2() -> int:
    row, created = commands.deploy(who("admin"), {"mid_term_replacement.bpmn": V2.read_bytes()})
    assert created
    return row.version


def at_county(clock) -> str:  # type: ignore[no-untyped-def]
    """A replacement the township approved: it waits at the county leading group."""
    iid = commands.submit_adjustment(who("hr_edu"), adjustment()).id
    clock.advance(timedelta(hours=1))
    complete("tw_qingshan", iid, "township_consent", "approve", "同意")
    return iid


def version_of(instance_id: str) -> int:
    db.session.expire_all()
    row = db.session.get_one(ProcessInstance, instance_id)
    return db.session.get_one(ProcessDefinition, row.definition_id).version


def test_a_replacement_moves_mid_way_and_finishes_on_the_new_version(make_app):
    app = make_app()
    with at_clock(app, bj(2026, 12, 1, 9)) as clock:
        iid = at_county(clock)
        task = open_task(iid, "county_consent")
        assert task.due_at == bj(2026, 12, 8, 10)  # five working days from Tuesday 10:00
        target = deploy_v2()
        assert target == 2

        plan = migration_plan("mid_term_replacement", 1, 2)
        assert plan.mapping["county_consent"] == "county_consent"
        (check,) = dry_run(plan)
        assert (check.instance_id, check.movable, check.active) == (iid, True, (("county_consent",
                                                                                 "县驻村工作领导小组审核"),))
        assert events(iid)[-1].kind == "complete"  # the dry run wrote nothing

        clock.advance(timedelta(days=1))
        (moved,) = commands.migrate_instances(who("admin"), "mid_term_replacement", 1, 2,
                                              reason="新版增加公示环节")
        assert moved.moved, moved.reasons
        assert version_of(iid) == 2
        # the same task row, now the new version's step; its escalation counts eight working days
        row = open_task(iid, "county_consent")
        assert (row.id, row.name) == (task.id, "县驻村工作领导小组审议")
        assert (row.role, row.scope_id) == ("county", "county")
        assert row.due_at == bj(2026, 12, 11, 10)
        assert {s: t.fire_at for s, t in timers(iid).items()} == {
            "county_consent_reminder": bj(2026, 12, 4, 10), "county_consent_escalation": bj(2026, 12, 11, 10)}
        (migrated,) = events(iid, "migrated")
        assert migrated.inputs == {
            "by": "admin", "reason": "新版增加公示环节", "mapping": {"county_consent": "county_consent"},
            "from_definition_id": plan.source_row.id, "from_version": 1,
            "to_definition_id": plan.target_row.id, "to_version": 2,
            "to_content_hash": plan.target_row.content_hash}
        assert (migrated.actor_login, migrated.actor_role) == ("admin", "admin")
        assert migrated.comment == "新版增加公示环节"
        assert verify_instance(iid).ok, verify_instance(iid).detail
        assert instance_history(iid)[-1]["description"] == "系统管理员迁移版本：第 1 版 → 第 2 版"

        # the reminder still fires when it was due, once
        firer().fire_due(bj(2026, 12, 4, 11))
        assert len(notifications(iid, "reminder")) == 1

        clock.advance(timedelta(days=2))
        complete("county", iid, "county_consent", "approve", "同意")
        complete("county", iid, "county_publicity", "approve", "公示无异议")  # the step v2 added
        complete("orgdept", iid, "org_dept_filing", "approve", "同意")
        db.session.expire_all()
        assert db.session.get_one(ProcessInstance, iid).status == "completed"
        verdict = verify_instance(iid)
        assert (verdict.chain, verdict.replay, verdict.attachments) == ("ok", "ok", "ok"), verdict.detail
        handover = db.session.execute(sa.select(ProcessInstance).where(
            ProcessInstance.business_key == f"handover:{iid}")).scalar_one()
        assert handover.status == "running"

        # the audit's state at a moment replays on the version of that moment
        assert state_at(iid, bj(2026, 12, 1, 12))["version"] == 1
        assert state_at(iid, bj(2026, 12, 3, 12))["version"] == 2


def test_a_forged_migration_fails_verification(make_app, backend):
    app = make_app()
    with at_clock(app, bj(2026, 12, 1, 9)) as clock:
        iid = at_county(clock)
        deploy_v2()
        clock.advance(timedelta(hours=2))
        assert commands.migrate_instances(who("admin"), "mid_term_replacement", 1, 2)[0].moved
        seq = events(iid, "migrated")[0].seq
        db.session.commit()

        def forged(values: dict, rehash: bool) -> object:  # type: ignore[type-arg]
            conn = db.session.connection()
            if backend == "postgresql":
                conn.exec_driver_sql("SET LOCAL session_replication_role = replica")
            original = conn.execute(sa.select(EVENTS).where(EVENTS.c.instance_id == iid, EVENTS.c.seq == seq)
                                    ).mappings().one()
            conn.execute(EVENTS.update().where(EVENTS.c.id == original["id"]).values(**values))
            if rehash:  # a careful forger recomputes the chain from there on
                row = EVENTS.c.id == original["id"]
                changed = conn.execute(sa.select(EVENTS).where(row)).mappings().one()
                conn.execute(EVENTS.update().where(EVENTS.c.id == original["id"]).values(
                    event_hash=event_hash(dict(changed), changed["prev_hash"])))
            db.session.expire_all()
            result = verify_instance(iid)
            db.session.rollback()
            return result

        mapping = {**events(iid, "migrated")[0].inputs, "mapping": {"county_consent": "county_publicity"}}
        broken = forged({"inputs": mapping}, rehash=False)
        assert (broken.chain, broken.first_bad_seq) == ("broken", seq), broken
        diverged = forged({"inputs": mapping}, rehash=True)
        assert (diverged.chain, diverged.replay, diverged.first_bad_seq) == ("ok", "diverged", seq), diverged
        to_v1 = {**events(iid, "migrated")[0].inputs, "to_version": 1}
        assert forged({"inputs": to_v1}, rehash=True).replay == "diverged"
        by = {**events(iid, "migrated")[0].inputs, "by": "county"}
        assert "迁移人或原因" in forged({"inputs": by}, rehash=True).detail

        # the row pointed back at the old version: no event says so
        conn = db.session.connection()
        conn.execute(ProcessInstance.__table__.update().where(ProcessInstance.__table__.c.id == iid)
                     .values(definition_id=events(iid, "migrated")[0].inputs["from_definition_id"]))
        db.session.expire_all()
        back = verify_instance(iid)
        db.session.rollback()
        assert back.replay == "diverged" and "版本" in back.detail
        assert verify_instance(iid).ok  # every forgery rolled back


def test_what_stays_and_why(make_app):
    app = make_app()
    with at_clock(app, bj(2026, 12, 1, 9)) as clock:
        at_county_id = at_county(clock)
        signing = commands.submit_adjustment(who("hr_edu"), adjustment(
            cadre_id="c-zhaomin", village_id="v-hongyan", nominee_id="c-zhengkai")).id
        clock.advance(timedelta(minutes=10))
        consent = open_task(signing, "township_consent").id
        add_signer(who("tw_baishui"), consent, "county", "before", "请县里先看")
        deploy_v2()
        renamed = commands.deploy(who("admin"), {"mid_term_replacement.bpmn": V2.read_bytes().replace(
            b"county_consent", b"county_review")})[0].version
        assert renamed == 3

        with pytest.raises(ValidationFailed) as same:
            migration_plan("mid_term_replacement", 1, 1)
        assert "to_version" in same.value.errors
        with pytest.raises(NotFound):
            migration_plan("mid_term_replacement", 1, 9)
        with pytest.raises(ValidationFailed) as bad:
            migration_plan("mid_term_replacement", 1, 3,
                           {"county_consent": "nowhere", "start": "county_review"})
        assert set(bad.value.errors) == {"mapping.county_consent", "mapping.start"}

        plan = migration_plan("mid_term_replacement", 1, 3)
        assert plan.mapping["county_consent"] is None
        checks = {c.instance_id: c for c in dry_run(plan)}
        assert checks[at_county_id].reasons == (
            "实例停在「县驻村工作领导小组审核」（county_consent）：目标版本中没有对应环节",)
        assert checks[signing].reasons == (
            "「乡镇党委政府审核」（township_consent）有待 county 签署的加签：签署或取消后才能迁移",)

        with pytest.raises(Forbidden):
            commands.migrate_instances(who("county"), "mid_term_replacement", 1, 3)
        outcome = commands.migrate_instances(who("admin"), "mid_term_replacement", 1, 3,
                                             {"county_consent": "county_review"},
                                             instance_ids=[at_county_id, signing, "no-such-instance"])
        assert [(m.instance_id, m.moved) for m in outcome] == [
            (at_county_id, True), (signing, False), ("no-such-instance", False)]
        assert outcome[2].reasons == ("不是第 1 版办理中或已挂起的实例",)
        assert version_of(at_county_id) == 3 and version_of(signing) == 1
        assert open_task(at_county_id).spec_id == "county_review"
        assert verify_instance(at_county_id).ok


def test_a_suspended_instance_moves_and_stays_suspended_with_its_claim(make_app):
    app = make_app()
    with at_clock(app, bj(2026, 12, 1, 9)) as clock:
        iid = at_county(clock)
        task_id = open_task(iid, "county_consent").id
        commands.claim_task(who("county"), task_id)
        commands.suspend_instance(who("admin"), iid, "等待新版本")
        deploy_v2()
        clock.advance(timedelta(hours=1))
        (moved,) = commands.migrate_instances(who("admin"), "mid_term_replacement", 1, 2)
        assert moved.moved
        db.session.expire_all()
        assert db.session.get_one(ProcessInstance, iid).status == "suspended"
        assert db.session.get_one(HumanTask, task_id).claimed_by == "county"  # the same role holds it
        assert state_at(iid, bj(2026, 12, 1, 11, 30))["open_tasks"][0]["claimed_by"] == "county"
        commands.resume_instance(who("admin"), iid, "新版本已就绪")
        complete("county", iid, "county_consent", "approve", "同意")
        assert open_task(iid).spec_id == "county_publicity"
        assert verify_instance(iid).ok


def test_migrate_on_the_command_line(make_app):
    app = make_app()
    with at_clock(app, bj(2026, 12, 1, 9)) as clock:
        iid = at_county(clock)
        deploy_v2()
        url = db.engine.url.render_as_string(hide_password=False)
        db.session.commit()

    def run(*args: str):  # type: ignore[no-untyped-def]
        return CliRunner().invoke(cli, ["instances", "migrate", "--process", "mid_term_replacement", *args],
                                  env={"CADREFLOW_DATABASE_URL": url})

    checked = run("--from", "1", "--to", "2", "--map", "county_consent=", "--dry-run")
    assert checked.exit_code == 0, checked.output
    assert "县驻村工作领导小组审核（county_consent） → （无）  ✗" in checked.output
    assert f"{iid}  驻村干部中途调整：上庄村 张伟" in checked.output
    assert "不能迁移：实例停在「县驻村工作领导小组审核」（county_consent）：目标版本中没有对应环节" \
        in checked.output
    assert run("--from", "1", "--to", "2", "--map", "nonsense").exit_code == 2
    assert run("--from", "1", "--to", "2").exit_code == 2  # a move needs --by
    refused = run("--from", "1", "--to", "2", "--by", "county")
    assert refused.exit_code == 1 and "只有系统管理员可以迁移流程实例" in refused.output
    bad = run("--from", "1", "--to", "2", "--map", "county_consent=nowhere", "--dry-run")
    assert bad.exit_code == 1 and "目标环节「nowhere」在目标版本中不存在" in bad.output

    checked = run("--from", "1", "--to", "2", "--dry-run")
    assert "共 1 个实例，可迁移 1 个，不能迁移 0 个。" in checked.output
    done = run("--from", "1", "--to", "2", "--by", "admin", "--reason", "新版增加公示环节")
    assert done.exit_code == 0 and f"{iid}  已迁移" in done.output, done.output
    stays = run("--from", "1", "--to", "2", "--by", "admin", "--instance", iid)
    assert stays.exit_code == 1 and "未迁移：不是第 1 版办理中或已挂起的实例" in stays.output
    with app.app_context():
        assert version_of(iid) == 2
        assert verify_instance(iid).ok


def test_a_step_another_role_holds_now_loses_its_claim_and_tells_the_new_holders(make_app):
    app = make_app()
    with at_clock(app, bj(2026, 12, 1, 9)) as clock:
        iid = at_county(clock)
        task_id = open_task(iid, "county_consent").id
        commands.claim_task(who("county"), task_id)
        step = '<bpmn:userTask id="county_consent" name="{}" camunda:candidateGroups="{}">'
        to_org_dept = V2.read_bytes().replace(step.format("县驻村工作领导小组审议", "county").encode(),
                                              step.format("县委组织部代为审议", "org_dept").encode())
        assert commands.deploy(who("admin"), {"mid_term_replacement.bpmn": to_org_dept})[0].version == 2
        clock.advance(timedelta(hours=1))
        assert commands.migrate_instances(who("admin"), "mid_term_replacement", 1, 2)[0].moved
        db.session.expire_all()
        row = db.session.get_one(HumanTask, task_id)
        assert (row.role, row.scope_id, row.claimed_by) == ("org_dept", "county", None)
        told = [(n.login, n.message) for n in notifications(iid, "task") if n.task_id == task_id]
        assert told[-1:] == [("orgdept", "「县委组织部代为审议」转由您办理（流程已迁移到新版本）。")]
        # the audit's view of the claims agrees: released with the move
        assert state_at(iid, bj(2026, 12, 1, 10, 30))["open_tasks"][0]["claimed_by"] == "county"
        assert state_at(iid, bj(2026, 12, 1, 11, 30))["open_tasks"][0]["claimed_by"] is None
        complete("orgdept", iid, "county_consent", "approve", "同意")
        assert open_task(iid).spec_id == "county_publicity"
        assert verify_instance(iid).ok


def test_a_move_that_would_leave_the_case_with_nobody_to_act_is_refused(make_app):
    app = make_app()
    with at_clock(app, bj(2026, 12, 1, 9)) as clock:
        iid = at_county(clock)
        # the new version's county step is for a township the case's data does not name
        xml = V2.read_text(encoding="utf-8")
        step = re.search(r'<bpmn:userTask id="county_consent".*?</bpmn:userTask>', xml, re.S).group(0)
        nowhere = xml.replace(step, step.replace('candidateGroups="county"', 'candidateGroups="township"')
                              .replace('value="county"', 'value="township:nowhere_id"'))
        commands.deploy(who("admin"), {"mid_term_replacement.bpmn": nowhere.encode()})
        (check,) = dry_run(migration_plan("mid_term_replacement", 1, 2))
        (reason,) = check.reasons
        assert reason == ("迁移后待办任务 county_consent（县驻村工作领导小组审议） 的办理范围为 township，"
                          "但流程数据中没有指明是哪一个，无人可以办理（启动数据缺少该字段）")
        (moved,) = commands.migrate_instances(who("admin"), "mid_term_replacement", 1, 2)
        assert (moved.moved, moved.reasons) == (False, (reason,))
        assert version_of(iid) == 1 and db.session.get_one(ProcessInstance, iid).status == "running"
        assert events(iid, "migrated") == []


def test_the_timeline_reads_each_decision_in_the_words_of_its_own_version(make_app):
    app = make_app()
    with at_clock(app, bj(2026, 12, 1, 9)) as clock:
        iid = at_county(clock)
        xml = V2.read_text(encoding="utf-8")
        step = re.search(r'<bpmn:userTask id="township_consent".*?</bpmn:userTask>', xml, re.S).group(0)
        reworded = xml.replace(step, step.replace("approve:同意,", "approve:同意上报,"))
        commands.deploy(who("admin"), {"mid_term_replacement.bpmn": reworded.encode()})
        clock.advance(timedelta(hours=1))
        assert commands.migrate_instances(who("admin"), "mid_term_replacement", 1, 2)[0].moved
        descriptions = [h["description"] for h in instance_history(iid)]
        assert descriptions[1].endswith("办理「乡镇党委政府审核」：同意")  # decided on version 1
