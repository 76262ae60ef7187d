"""Who may change which part of the roster: the county's Organization Department and the
administrator anything; a unit's HR its own cadres' facts (not their unit); a township its own
cadres and the team-member postings it supplies to its own villages; nobody else anything."""

from __future__ import annotations

from datetime import date

import pytest
from command_helpers import who
from roster_helpers import new_cadre, refused, save

from service.commands.roster import (
    end_posting,
    may_edit_roster,
    save_cadre,
    save_posting,
    save_township,
    save_unit,
    save_village,
)
from service.commands.uow import unit_of_work
from service.core.errors import Forbidden
from service.persistence.db import db
from service.persistence.models import Cadre, Posting


@pytest.fixture(autouse=True)
def ctx(app, clock):
    with app.app_context():
        yield


def _team_member(cadre_id: str, village_id: str = "v-xiahe", supplier_id: str = "tw-qingshan"):
    return {"cadre_id": cadre_id, "village_id": village_id, "role": "team_member",
            "term_start": date(2026, 11, 1), "supplier_id": supplier_id}


READERS = ["county", "rrb", "auditor", "cadre_zhangwei"]
EVERY_SAVE = [
    (save_township, {"id": "tw-r", "name": "只读镇"}),
    (save_unit, {"id": "u-r", "name": "只读单位", "level": "county", "unit_kind": "institution"}),
    (save_village, {"id": "v-r", "name": "只读村", "township_id": "tw-qingshan",
                    "categories": ["red_village"]}),
    (save_cadre, {"id": "c-zhangwei", "post": "只读"}),
    (save_posting, {"cadre_id": "c-sunhao", "village_id": "v-liujia", "role": "first_secretary",
                    "term_start": date(2026, 11, 1)}),
]


@pytest.mark.parametrize("login", READERS)
@pytest.mark.parametrize("command, values", EVERY_SAVE, ids=[c[0].__name__ for c in EVERY_SAVE])
def test_read_only_roles_change_nothing(login, command, values):
    assert not may_edit_roster(who(login))
    # Refused before the input is even looked at: a bad value still gets 403, not 422.
    assert refused(command, login, {**values, "id": "bad id"} if "id" in values else values).status == 403
    assert refused(command, login, values).status == 403


@pytest.mark.parametrize("login", ["orgdept", "admin"])
def test_the_county_editors_change_everything(login):
    suffix = login
    assert save(save_township, login, {"id": f"tw-{suffix}", "name": f"{suffix}镇"}) is not None
    unit = save(save_unit, login, {"id": f"unit-{suffix}", "name": f"{suffix}局", "level": "province",
                                   "unit_kind": "stationed"})
    assert unit.actor_role == ("org_dept" if login == "orgdept" else "admin")
    assert save(save_village, login, {"id": f"v-{suffix}", "name": f"{suffix}村",
                                      "township_id": f"tw-{suffix}", "categories": ["key_assistance"]})
    assert save(save_cadre, login, new_cadre(f"c-{suffix}", unit_id=f"unit-{suffix}")) is not None
    assert save(save_cadre, login, {"id": f"c-{suffix}", "unit_id": "unit-edu"}) is not None
    change = save(save_posting, login, {"cadre_id": f"c-{suffix}", "village_id": f"v-{suffix}",
                                        "role": "first_secretary", "term_start": date(2026, 11, 1)})
    with unit_of_work():
        assert end_posting(who(login), int(change.entity_id), date(2026, 11, 20), "测试", source="api")


def test_unit_hr_changes_its_own_cadres_facts_only():
    assert save(save_cadre, "hr_edu", {"id": "c-sunhao", "post": "副科长", "rural_expertise": True})
    assert db.session.get(Cadre, "c-sunhao").post == "副科长"
    assert save(save_cadre, "hr_edu", new_cadre("c-edu-new")).actor_role == "unit_hr"
    assert refused(save_cadre, "hr_edu", {"id": "c-lina", "post": "院长"}).status == 403
    assert refused(save_cadre, "hr_edu", {"id": "c-sunhao", "unit_id": "unit-power"}).status == 403
    assert refused(save_cadre, "hr_edu", new_cadre("c-power-new", unit_id="unit-power")).status == 403
    assert refused(save_township, "hr_edu", {"id": "tw-hr", "name": "人事镇"}).status == 403
    assert refused(save_village, "hr_edu", {"id": "v-xiahe", "name": "下河新村"}).status == 403
    posting = db.session.execute(db.select(Posting).where(Posting.cadre_id == "c-zhangwei")).scalar_one()
    later = {"id": posting.id, "planned_end": date(2028, 2, 28)}
    assert refused(save_posting, "hr_edu", later).status == 403


def test_a_township_keeps_its_own_cadres_and_the_team_members_it_supplies():
    save(save_cadre, "orgdept", new_cadre("c-qs-staff", unit_id="tw-qingshan", name="镇干部"))
    save(save_cadre, "orgdept", new_cadre("c-bs-staff", unit_id="tw-baishui", name="乡干部"))
    change = save(save_cadre, "tw_qingshan", {"id": "c-qs-staff", "post": "党政办主任"})
    assert change.actor_role == "township"
    assert refused(save_cadre, "tw_qingshan", {"id": "c-bs-staff", "post": "主任"}).status == 403
    assert refused(save_cadre, "tw_qingshan", {"id": "c-zhangwei", "post": "主任"}).status == 403
    assert refused(save_cadre, "tw_qingshan", {"id": "c-qs-staff", "unit_id": "unit-edu"}).status == 403
    # Postings: a team member it supplies, in its own village.
    by_unit = _team_member("c-qs-staff", supplier_id="unit-edu")
    assert refused(save_posting, "tw_qingshan", by_unit).status == 403
    assert refused(save_posting, "tw_baishui", _team_member("c-qs-staff")).status == 403
    change = save(save_posting, "tw_qingshan", _team_member("c-qs-staff"))
    assert change.actor_role == "township"
    posting_id = int(change.entity_id)
    assert save(save_posting, "tw_qingshan", {"id": posting_id, "planned_end": date(2029, 1, 1)}) is not None
    assert refused(save_posting, "tw_qingshan", {"id": posting_id, "supplier_id": "unit-edu"}).status == 403
    with pytest.raises(Forbidden), unit_of_work():
        end_posting(who("tw_baishui"), posting_id, date(2026, 11, 20), "调回", source="api")
    with unit_of_work():
        assert end_posting(who("tw_qingshan"), posting_id, date(2026, 11, 20), "调回", source="api")
    # A first secretary, and a team member supplied by a dispatch unit, are the county's to post.
    liuyang = db.session.execute(db.select(Posting).where(Posting.cadre_id == "c-liuyang")).scalar_one()
    later = {"id": liuyang.id, "planned_end": date(2028, 2, 28)}
    assert refused(save_posting, "tw_qingshan", later).status == 403
    assert refused(save_posting, "tw_qingshan", {"cadre_id": "c-qs-staff", "village_id": "v-liujia",
                                                 "role": "first_secretary", "term_start": date(2026, 11, 1),
                                                 "supplier_id": "unit-edu"}).status == 403
    assert refused(save_township, "tw_qingshan", {"id": "tw-qingshan", "name": "青山新镇"}).status == 403
