"""A term-end rotation between two team members the township supplies: the township finds the
Party relation transfer in its 待办 and confirms it on the page, which ends the handover; the
diagram shows the township's step taken, not the unit HR's."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from process_helpers import HANDOVER_LIST, Api, cadre_account, new_cadre, post_team_member

from workflows.rules import add_years

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"

# Without playwright the module is skipped (the chromium fixture says why when it is missing).
expect = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (dev extra)").expect


def test_the_township_confirms_the_party_transfer_of_its_own_rotation(live_app: Any, databases: Any,
                                                                       user_page: Any, shoot: Any) -> None:
    _, app = live_app
    tokens = dict(databases.seeded_template("sqlite")[1])  # valid in the served copy
    api = Api(app.test_client(), lambda login: {"Authorization": f"Bearer {tokens[login]}"})
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()  # the county's date, as the service checks
    post_team_member(api, "tw_qingshan", "c-xuming", "v-xiahe", add_years(today, -2).isoformat())
    new_cadre(api, "tw_qingshan", "c-linxiao", "林晓", "tw-qingshan")
    newcomer = cadre_account(api, tokens, "c-linxiao", "林晓")
    iid = api.post("tw_qingshan", "/dispatches", {
        "village_id": "v-xiahe", "role": "team_member", "cadre_id": "c-linxiao",
        "term_start": today.isoformat(), "predecessor_cadre_id": "c-xuming"}, status=201)["instance_id"]
    api.act("county", iid)
    api.act("rrb", iid)
    [handover] = api.get("admin", "/instances?process=handover&cadre_id=c-linxiao")["items"]
    hid = handover["id"]
    for login, spec_id, form in (("tw_qingshan", "confirm_arrival", {"arrival_date": today.isoformat()}),
                                 ("cadre_xuming", "prepare_handover_list", HANDOVER_LIST),
                                 (newcomer, "review_handover_list", {}), ("cadre_xuming", "sign_old", {}),
                                 (newcomer, "sign_new", {}), ("tw_qingshan", "witness_handover", {})):
        api.act(login, hid, data=form, spec_id=spec_id)

    township = user_page("tw_qingshan")
    township.goto("/inbox")
    expect(township.locator("#inbox")).to_contain_text("党组织关系转接确认")
    shoot(township, "township-rotation-01-inbox")
    township.click("#inbox a:text-is('党组织关系转接确认')")
    expect(township.locator("h1")).to_contain_text("党组织关系转接确认")
    expect(township.locator("#sections section").first).to_have_id("section-arrival")
    expect(township.locator("#sections")).to_contain_text(today.isoformat())
    shoot(township, "township-rotation-02-party-transfer-task")
    township.fill("[name='data.party_transfer_date']", today.isoformat())
    township.check("input[name=decision][value=approve]")
    township.click("#submit-decision")
    expect(township.locator(".flash.ok").first).to_contain_text("已办理「党组织关系转接确认」")

    township.goto(f"/instances/{hid}")
    expect(township.locator("#instance-status")).to_have_text("已办结")
    expect(township.locator("[data-element=transfer_party_relation_township] rect.done")).to_have_count(1)
    expect(township.locator("[data-element=transfer_party_relation] rect.done")).to_have_count(0)
    shoot(township, "township-rotation-03-handover-completed")
    # The end of the diagram, where the Party relation step is chosen: scrolled into the view.
    township.locator("[data-element=transfer_party_relation_township]").scroll_into_view_if_needed()
    township.locator("#diagram").screenshot(path=str(SCREENSHOTS / "township-rotation-04-diagram-end.png"))
