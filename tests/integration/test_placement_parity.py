"""The placement rules are one set: the same cases through a dispatch's rule check and through the
roster's validate_posting get the same verdict, with the same Chinese messages. A rule added to,
or changed in, only one of the two paths fails here."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from command_helpers import who
from roster_helpers import new_cadre, save

from service.commands.dispatches import dispatch_data, placement_check
from service.commands.roster import save_cadre, save_unit, save_village, validate_posting
from service.commands.roster.posting import ProcessStep, create_process_posting
from service.commands.uow import unit_of_work
from service.persistence.db import db
from service.persistence.models import Cadre, RosterChange, Village
from workflows.rules import PLACEMENT_RULES, add_years

START = date(2026, 12, 1)  # the clock fixture's day
TWO_YEARS = date.fromordinal(add_years(START, 2).toordinal() - 1)  # both ends counted
CONFLICTS = {"cadre_already_posted", "village_has_first_secretary"}


@pytest.fixture(scope="module", autouse=True)
def world(app, clock):
    """A city-level unit with an eligible cadre, and a 重点帮扶村 that is also a 红色名村."""
    with app.app_context():
        save(save_unit, "orgdept", {"id": "unit-city", "name": "市农业农村局", "level": "city",
                                    "unit_kind": "party_government"})
        save(save_cadre, "orgdept", new_cadre("c-city", name="市局干部", unit_id="unit-city"))
        save(save_village, "orgdept", {"id": "v-mixed", "name": "红星村", "township_id": "tw-qingshan",
                                       "categories": ["key_assistance", "red_village"]})
    return app


@pytest.fixture(autouse=True)
def ctx(app):
    with app.app_context():
        yield


# (cadre, village, role, extra fields, the rules both paths must report)
CASES: list[tuple[str, str, str, dict[str, Any], set[str]]] = [
    ("c-zhengkai", "v-liujia", "first_secretary", {}, set()),
    ("c-city", "v-liujia", "first_secretary", {}, {"first_secretary_not_county_level"}),
    # The seed: 软弱涣散村、红色名村 get a county-level first secretary, whatever else they are.
    ("c-city", "v-mixed", "first_secretary", {}, {"first_secretary_not_county_level"}),
    ("c-city", "v-xiahe", "first_secretary", {}, set()),
    ("c-city", "v-mixed", "team_member", {}, set()),
    ("c-zhengkai", "v-liujia", "team_member", {}, {"team_member_not_for_village_category"}),
    ("c-xuming", "v-xiahe", "team_member", {}, set()),  # 青山镇 supplies its own village
    ("c-xuming", "v-shuikou", "team_member", {}, {"team_member_not_from_unit_or_own_township"}),
    ("c-xuming", "v-xiahe", "first_secretary", {}, {"first_secretary_not_from_dispatch_unit"}),
    ("c-luoyi", "v-xiahe", "team_member", {}, {"nominee_temporary_staff"}),
    ("c-zhengkai", "v-xiahe", "first_secretary", {"planned_end": TWO_YEARS}, set()),
    ("c-zhengkai", "v-xiahe", "first_secretary", {"planned_end": date(2028, 11, 29)},
     {"planned_term_under_2_years"}),
    ("c-zhengkai", "v-xiahe", "first_secretary", {"leads_team": True}, set()),
    ("c-zhengkai", "v-liujia", "first_secretary", {"leads_team": True}, {"leads_team_not_allowed"}),
    ("c-zhengkai", "v-xiahe", "team_member", {"leads_team": True}, {"leads_team_not_allowed"}),
    ("c-zhengkai", "v-shangzhuang", "first_secretary", {}, {"village_has_first_secretary"}),
    ("c-zhangwei", "v-xiahe", "team_member", {}, {"cadre_already_posted"}),
]


def dispatch_verdict(cadre_id: str, village_id: str, role: str, extra: dict[str, Any]) -> dict[str, str]:
    """rule -> message of the dispatch's placement check (its eligibility rules aside)."""
    cadre, village = db.session.get(Cadre, cadre_id), db.session.get(Village, village_id)
    assert cadre is not None and village is not None
    data = dispatch_data(who("orgdept"), cadre, village, role, START, extra.get("planned_end", TWO_YEARS),
                         nominated_by_township=False, predecessor=None, round_id=None)
    if "leads_team" in extra:
        data["leads_team"] = extra["leads_team"]
    placement = PLACEMENT_RULES | CONFLICTS
    return {v["rule"]: v["message"] for v in placement_check(data) if v["rule"] in placement}


@pytest.mark.parametrize("cadre_id, village_id, role, extra, expected", CASES,
                         ids=[f"{c[0]}-{c[1]}-{c[2]}-{i}" for i, c in enumerate(CASES)])
def test_dispatch_and_roster_give_the_same_verdict(cadre_id, village_id, role, extra, expected):
    dispatch = dispatch_verdict(cadre_id, village_id, role, extra)
    roster = validate_posting({"cadre_id": cadre_id, "village_id": village_id, "role": role,
                               "term_start": START, **extra})
    assert set(dispatch) == expected, dispatch
    assert sorted(dispatch.values()) == sorted(m for messages in roster.values() for m in messages), roster


def test_a_process_posting_is_logged_like_a_roster_posting():
    """The approved dispatch's posting and an API's posting: the same log entry but for its source."""
    with unit_of_work():
        step = ProcessStep(actor=who("orgdept"), actor_role="org_dept",
                           instance_id="00000000-0000-0000-0000-000000000001")
        posting = create_process_posting(step, {"cadre_id": "c-zhengkai", "village_id": "v-xiahe",
                                                "role": "first_secretary", "term_start": START})
        posting_id = posting.id
    change = db.session.execute(db.select(RosterChange).where(
        RosterChange.entity == "posting", RosterChange.entity_id == str(posting_id))).scalar_one()
    assert change.source == "process:00000000-0000-0000-0000-000000000001"
    assert (change.action, change.actor_login, change.actor_role) == ("create", "orgdept", "org_dept")
    assert change.after == {"cadre_id": "c-zhengkai", "village_id": "v-xiahe", "role": "first_secretary",
                            "term_start": "2026-12-01", "planned_end": TWO_YEARS.isoformat(),
                            "supplier_id": "unit-edu", "leads_team": True, "active": True,
                            "ended_on": None}
    assert posting.source_instance_id == "00000000-0000-0000-0000-000000000001"
