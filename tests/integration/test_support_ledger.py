"""The support ledger's commands on a database: the township keeps its own staff's support, the
monthly limit holds when claims race, and the changes are in the roster log's verified chain.

The clock is the module's (Tue 2026-12-01 09:00, Beijing); the demo postings run from 2025-03-01.
"""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from process_helpers import Api, post_team_member, problem_fields
from races import race_each

from service.cli import cli
from service.persistence.db import db
from service.persistence.models import RosterChange, SupportTransport

TRIP = {"route": "下河村—县城", "amount_yuan": 30}


@pytest.fixture
def api(client: Any, auth: Any, clock: Any) -> Api:
    return Api(client, auth)


def test_a_township_keeps_its_own_staffs_support(api: Api) -> None:
    # 徐明 is on 青山镇's staff; the township posts him to 下河村 as a team member it supplies.
    post_team_member(api, "tw_qingshan", "c-xuming", "v-xiahe", "2026-06-01")
    trip = {**TRIP, "cadre_id": "c-xuming"}
    made = api.post("tw_qingshan", "/support/transport", {**trip, "trip_date": "2026-11-10"}, status=201)
    assert made["unit_id"] == "tw-qingshan"
    # Before his posting began there is nothing to reimburse; other townships and units keep out.
    assert "trip_date" in problem_fields(api.post("tw_qingshan", "/support/transport",
                                                  {**trip, "trip_date": "2026-05-20"}, status=422))
    api.post("tw_baishui", "/support/transport", {**trip, "trip_date": "2026-11-12"}, status=403)
    api.post("hr_edu", "/support/transport", {**trip, "trip_date": "2026-11-12"}, status=403)
    api.post("tw_qingshan", "/support/allowances", {"cadre_id": "c-xuming", "year": 2026, "month": 6,
                                                    "kind": "living", "amount_yuan": "450"}, status=201)
    # The allowance months he served: June (from the 1st) to November are due; May is not his.
    row = api.get("tw_qingshan", "/support/ledger?year=2026")["items"]
    assert [i["cadre_id"] for i in row] == ["c-xuming"]
    months = {m["month"]: m for m in row[0]["months"]}
    assert not months[5]["stationed"] and months[6]["stationed"]
    assert months[6]["missing"] == ["phone"] and months[7]["missing"] == ["living", "phone"]
    # The township's own staff is not the county's unit HR's: nor is he in hr_edu's ledger.
    assert "c-xuming" not in {i["cadre_id"] for i in api.get("hr_edu", "/support/ledger?year=2026")["items"]}


def test_racing_claims_never_pass_the_monthly_limit(pg_app: Any, tokens: dict[str, str]) -> None:
    """Eight claims for different days of one month, sent at once: two (the default limit) pass."""
    bodies = [{**TRIP, "cadre_id": "c-wangqiang", "trip_date": f"2026-08-{day:02d}"} for day in range(3, 11)]
    statuses = race_each(pg_app, tokens["hr_power"], "/api/v1/support/transport", bodies)
    assert statuses.count(201) <= 2 and set(statuses) <= {201, 409, 422}, statuses
    with pg_app.app_context():
        trips = db.session.execute(sa.select(SupportTransport.trip_no).where(
            SupportTransport.cadre_id == "c-wangqiang", SupportTransport.month == 8)).scalars().all()
        assert sorted(trips) == list(range(1, statuses.count(201) + 1))
    # Whatever the race left, the month fills up to the limit and no further.
    api = Api(pg_app.test_client(), lambda login: {"Authorization": f"Bearer {tokens[login]}"})
    for day in range(20, 20 + 2 - statuses.count(201)):
        api.post("hr_power", "/support/transport", {**bodies[0], "trip_date": f"2026-08-{day}"}, status=201)
    api.post("hr_power", "/support/transport", {**bodies[0], "trip_date": "2026-08-28"}, status=422)


def test_support_changes_are_chained_and_verified(app: Any, api: Api, db_url: str) -> None:
    api.post("county", "/support/insurance", {
        "cadre_ids": ["c-lina"], "year": 2026, "insurer": "人保财险XX县支公司", "policy_no": "PA-7",
        "cover_yuan": 600000, "period_start": "2026-03-01", "period_end": "2027-02-28"}, status=201)
    api.post("hr_hospital", "/support/health-checks",
             {"cadre_id": "c-lina", "year": 2026, "done": True, "check_date": "2026-04-02"}, status=201)
    with app.app_context():
        entities = set(db.session.execute(sa.select(RosterChange.entity)).scalars())
    assert {"insurance", "health_check", "transport", "allowance"} <= entities
    result = CliRunner().invoke(cli, ["audit", "verify-roster"], env={"CADREFLOW_DATABASE_URL": db_url})
    assert result.exit_code == 0, result.output
