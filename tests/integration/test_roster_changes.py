"""Each roster change appends one entry to the change log in its own transaction: who, which
record, only the changed fields before and after; the same values again change nothing; and a
case keeps the nominee facts it was decided on when the roster changes afterwards."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from command_helpers import open_tasks, request, who
from roster_helpers import change_count, changes_of, new_cadre, refused, save

from service.audit.roster_verify import verify_roster_log
from service.cli import cli
from service.commands import complete_task, submit_adjustment
from service.commands.roster import end_posting, save_cadre, save_posting, save_unit, save_village
from service.commands.uow import unit_of_work
from service.persistence.db import db
from service.persistence.loading import load
from service.persistence.models import Cadre, Posting, RosterChange, Village


@pytest.fixture(autouse=True)
def ctx(app, clock):
    with app.app_context():
        yield


def test_a_create_logs_every_field_and_its_actor():
    change = save(save_cadre, "hr_edu", new_cadre("c-log"), source="page")
    assert (change.entity, change.entity_id, change.action) == ("cadre", "c-log", "create")
    assert (change.actor_login, change.actor_role, change.source) == ("hr_edu", "unit_hr", "page")
    assert change.before is None
    assert change.after == {
        "name": "测试干部",
        "unit_id": "unit-edu",
        "party_status": "formal",
        "party_member_since": "2012-07-01",
        "party_confirmed_on": "2013-07-01",
        "work_start_date": "2010-08-01",
        "employment_type": "permanent",
        "birth_date": "1988-05-05",
        "post": "科员",
        "rural_expertise": False,
    }


def test_an_update_logs_only_the_changed_fields_and_the_same_values_again_nothing():
    save(save_cadre, "orgdept", new_cadre("c-upd"))
    before = change_count()
    values = {"id": "c-upd", "post": "副科长", "name": "测试干部", "birth_date": date(1988, 5, 5)}
    change = save(save_cadre, "orgdept", values)
    assert (change.action, change.before, change.after) == ("update", {"post": "科员"}, {"post": "副科长"})
    assert save(save_cadre, "orgdept", values) is None
    assert save(save_cadre, "orgdept", new_cadre("c-upd", post="副科长")) is None
    assert change_count() == before + 1
    assert [c.action for c in changes_of("cadre", "c-upd")] == ["create", "update"]


def test_village_categories_and_unit_facts_are_logged_as_codes():
    save(
        save_village,
        "orgdept",
        {"id": "v-log", "name": "日志村", "township_id": "tw-hongqi", "categories": ["red_village"]},
    )
    change = save(save_village, "orgdept", {"id": "v-log", "categories": ["weak_party_org", "red_village"]})
    assert change.before == {"categories": ["red_village"]}
    assert change.after == {"categories": ["weak_party_org", "red_village"]}
    village = db.session.get(Village, "v-log")
    assert (village.category, village.categories) == ("weak_party_org", ["weak_party_org", "red_village"])
    same = {"id": "v-log", "categories": ["weak_party_org", "red_village"]}
    assert save(save_village, "orgdept", same) is None
    save(
        save_unit,
        "orgdept",
        {"id": "unit-log", "name": "日志局", "level": "county", "unit_kind": "institution"},
    )
    change = save(save_unit, "orgdept", {"id": "unit-log", "level": "city"})
    assert (change.entity, change.before, change.after) == ("unit", {"level": "county"}, {"level": "city"})


def test_a_posting_is_created_changed_and_ended_with_its_reason():
    save(save_cadre, "orgdept", new_cadre("c-post"))
    values = {
        "cadre_id": "c-post",
        "village_id": "v-xiahe",
        "role": "team_member",
        "term_start": date(2026, 11, 1),
    }
    change = save(save_posting, "orgdept", values)
    assert change.after["planned_end"] == "2028-10-31"  # two years, both ends counted
    assert change.after["supplier_id"] == "unit-edu" and change.after["leads_team"] is False
    assert save(save_posting, "orgdept", values) is None  # found by (cadre, village, role, start)
    posting_id = int(change.entity_id)
    change = save(save_posting, "orgdept", {**values, "planned_end": date(2029, 1, 31)})
    assert (change.before, change.after) == ({"planned_end": "2028-10-31"}, {"planned_end": "2029-01-31"})
    with unit_of_work():
        change = end_posting(who("orgdept"), posting_id, date(2026, 11, 30), "工作需要调回", source="api")
    assert change.action == "end"
    assert change.before == {"active": True, "ended_on": None, "reason": None}
    assert change.after == {"active": False, "ended_on": "2026-11-30", "reason": "工作需要调回"}
    with unit_of_work():  # ending it again on the same day changes nothing
        again = end_posting(who("orgdept"), posting_id, date(2026, 11, 30), "工作需要调回", source="api")
    assert again is None
    assert not db.session.get(Posting, posting_id).active


def test_a_first_secretary_of_a_village_with_a_work_team_leads_it_by_default():
    save(save_cadre, "orgdept", new_cadre("c-lead"))
    save(
        save_village,
        "orgdept",
        {"id": "v-lead", "name": "队长村", "township_id": "tw-hongqi", "categories": ["key_assistance"]},
    )
    change = save(
        save_posting,
        "orgdept",
        {
            "cadre_id": "c-lead",
            "village_id": "v-lead",
            "role": "first_secretary",
            "term_start": date(2026, 11, 1),
        },
    )
    assert change.after["leads_team"] is True


def test_a_refused_change_writes_nothing_and_the_log_still_verifies():
    refused(save_cadre, "orgdept", new_cadre("c-never", birth_date=date(2030, 1, 1)))
    assert db.session.get(Cadre, "c-never") is None
    assert verify_roster_log().ok


def test_a_case_keeps_the_nominee_facts_it_was_decided_on():
    row = submit_adjustment(who("hr_edu"), request())
    facts = load(row.id, read_only=True).instance.data["nominee_facts"]
    assert facts["party_member_since"] == "2015-07-01" and facts["employment_type"] == "permanent"
    # The roster changes afterwards: the nominee now looks temporary staff, who may not be sent.
    save(
        save_cadre,
        "orgdept",
        {"id": "c-sunhao", "party_member_since": date(2016, 7, 1), "employment_type": "temporary"},
    )
    assert db.session.get(Cadre, "c-sunhao").employment_type == "temporary"
    # The township consents to the request as it was submitted; the case still holds those facts.
    task = open_tasks(row.id)[0]
    complete_task(who("tw_qingshan"), task.id, "approve", "同意")
    assert load(row.id, read_only=True).instance.data["nominee_facts"] == facts


def test_the_cli_verifies_the_roster_log(app, db_url, backend):
    runner = CliRunner()
    env = {"CADREFLOW_DATABASE_URL": db_url}
    save(save_cadre, "orgdept", new_cadre("c-cli"))
    result = runner.invoke(cli, ["audit", "verify-roster"], env=env)
    assert result.exit_code == 0 and "哈希链一致" in result.output
    last = db.session.execute(sa.select(sa.func.max(RosterChange.id))).scalar_one()
    conn = db.session.connection()
    if backend == "postgresql":
        conn.exec_driver_sql("SET LOCAL session_replication_role = replica")  # the trigger stays quiet
    conn.execute(
        RosterChange.__table__.update().where(RosterChange.id == last).values(after={"post": "局长"})
    )
    db.session.commit()
    result = runner.invoke(cli, ["audit", "verify-roster"], env=env)
    assert result.exit_code == 1 and f"首个问题记录：第 {last} 条" in result.output
