"""Demo data (api.md "Demo data"): content and idempotence."""

from collections import Counter
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa

from service.commands.demo_data import INELIGIBLE_NOMINEES, seed_demo
from service.persistence.db import db
from service.persistence.models import Cadre, Org, Posting, User, UserRole, Village

CATEGORIES = {"poverty_alleviated", "key_assistance", "weak_party_org", "red_village"}


def rows(model):
    return db.session.execute(sa.select(model)).scalars().all()


def test_townships_units_and_villages(app):
    with app.app_context():
        orgs = rows(Org)
        townships = [o for o in orgs if o.kind == "township"]
        units = [o for o in orgs if o.kind == "dispatch_unit"]
        assert len(townships) >= 3 and len(units) >= 3
        villages = rows(Village)
        assert {v.category for v in villages} == CATEGORIES
        for township in townships:
            assert {v.category for v in villages if v.township_id == township.id} == CATEGORIES
        assert all(not o.name.isascii() for o in orgs + villages)


def test_posted_cadres_are_mid_term(app):
    with app.app_context():
        active = [p for p in rows(Posting) if p.active]
        by_role = Counter(p.role for p in active)
        assert by_role["first_secretary"] >= 2 and by_role["team_member"] >= 2
        assert all(p.term_start.year == 2025 for p in active)
        villages = {v.id: v for v in rows(Village)}
        for p in active:
            if p.role == "team_member":  # only these categories have a work team
                assert villages[p.village_id].category in {"poverty_alleviated", "key_assistance"}


def test_nominees_eligible_and_one_ineligible_of_each_kind(client, auth):
    response = client.get("/api/v1/cadres?posted=false&per_page=100", headers=auth("county"))
    unposted = response.get_json()["items"]
    eligible = [c for c in unposted if c["eligible_first_secretary"]]
    assert len(eligible) >= 2
    assert len({c["unit_id"] for c in eligible}) >= 3  # every unit can nominate someone
    expected_rule = {
        "probationary": "nominee_not_formal_party_member",
        "party_standing_under_1_year": "nominee_party_standing_under_1_year",
        "work_under_2_years": "nominee_work_experience_under_2_years",
        "temporary_staff": "nominee_temporary_staff",
    }
    by_id = {c["id"]: c for c in unposted}
    for kind, cadre_id in INELIGIBLE_NOMINEES.items():
        cadre = by_id[cadre_id]
        assert cadre["eligible_first_secretary"] is False, kind
        assert [r["rule"] for r in cadre["eligibility_reasons"]] == [expected_rule[kind]], kind
    assert by_id[INELIGIBLE_NOMINEES["probationary"]]["party_status"] == "probationary"
    assert by_id[INELIGIBLE_NOMINEES["temporary_staff"]]["employment_type"] == "temporary"


def test_a_user_for_every_role_and_jurisdiction(app, tokens):
    with app.app_context():
        grants = {(r.role, r.scope_id) for r in rows(UserRole)}
        orgs = rows(Org)
        for unit in (o for o in orgs if o.kind == "dispatch_unit"):
            assert ("unit_hr", unit.id) in grants
        for township in (o for o in orgs if o.kind == "township"):
            assert ("township", township.id) in grants
        for role in ("county", "org_dept", "rrb", "auditor", "admin"):
            assert any(r == role for r, _ in grants), role
        for cadre in rows(Cadre):  # posted cadres and nominees alike
            assert ("cadre", cadre.id) in grants
        logins = {u.login for u in rows(User)}
        assert logins == set(tokens)
        assert {"hr_edu", "tw_qingshan", "county", "orgdept", "rrb", "auditor", "admin"} <= logins
        assert all(u.login.isascii() for u in rows(User))


def test_tokens_and_passwords_are_stored_hashed(app, tokens):
    from service.core.credentials import check_password, hash_token

    with app.app_context():
        user = db.session.get(User, "hr_edu")
        assert user.token_hash == hash_token(tokens["hr_edu"]) != tokens["hr_edu"]
        assert user.password_hash and "hr_edu" not in user.password_hash
        # Demo tokens last ten years (renewed by every run): `make run` and the tests keep using them.
        assert user.token_expires_at >= datetime.now(UTC) + timedelta(days=3649)
        method = app.extensions["cadreflow.settings"].password_hash
        assert check_password(user, "hr_edu", method) and not check_password(user, "wrong", method)


def test_reseeding_is_idempotent_and_keeps_valid_tokens(make_app, tmp_path):
    app = make_app()
    tokens_file = tmp_path / "tokens.json"
    with app.app_context():
        first = seed_demo(today=date(2026, 11, 28), tokens_path=tokens_file)
        counts = {m.__name__: len(rows(m)) for m in (Org, Village, Cadre, Posting, User, UserRole)}
        again = seed_demo(today=date(2026, 11, 28), tokens_path=tokens_file)
        assert {m.__name__: len(rows(m)) for m in (Org, Village, Cadre, Posting, User, UserRole)} == counts
        assert again == first
        rotated = seed_demo(today=date(2026, 11, 28))  # no file: fresh tokens, old ones stop working
        assert set(rotated) == set(first) and rotated["admin"] != first["admin"]
    client = app.test_client()
    def status(token):
        return client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code

    assert status(first["admin"]) == 401
    assert status(rotated["admin"]) == 200


def test_reseeding_does_not_reactivate_a_released_posting(make_app):
    app = make_app()
    with app.app_context():
        posting = db.session.execute(sa.select(Posting).where(Posting.cadre_id == "c-zhangwei")).scalar_one()
        posting.active = False
        db.session.commit()
        seed_demo()
        postings = rows(Posting)
        postings = [p for p in postings if p.cadre_id == "c-zhangwei"]
        assert [p.active for p in postings] == [False]


def test_the_roster_comes_in_through_the_import_as_the_lists_say(make_app):
    from service.commands.demo_data import (
        ORGS,
        RELATIVE_FIELDS,
        TERM_END,
        TERM_START,
        UNIT_FACTS,
        VILLAGES,
        demo_cadres,
        has_work_team,
    )
    from service.persistence.models import RosterChange

    app = make_app()
    with app.app_context():
        today = date(2026, 11, 28)
        seed_demo(today=today)
        orgs = {o.id: o for o in rows(Org)}
        assert {(i, n, k) for i, n, k, _ in ORGS} == {(o.id, o.name, o.kind) for o in orgs.values()}
        assert all((orgs[u].level, orgs[u].unit_kind) == facts for u, facts in UNIT_FACTS.items())
        assert {(v.id, v.name, v.category, v.township_id, tuple(v.categories)) for v in rows(Village)} == {
            (i, n, c, t, (c,)) for i, n, c, t in VILLAGES}
        fields = ("name", "unit_id", "party_status", "party_member_since", "work_start_date",
                  "employment_type", "birth_date")
        expected = demo_cadres(today)
        assert {c.id: (*(getattr(c, f) for f in fields), c.party_confirmed_on) for c in rows(Cadre)} == {
            c.id: (*(getattr(c, f) for f in fields), c.confirmed_on()) for c in expected}
        assert {(p.cadre_id, p.village_id, p.role, p.term_start, p.planned_end, p.supplier_id, p.leads_team,
                 p.active) for p in rows(Posting)} == {
            (c.id, *c.posting, TERM_START, TERM_END, c.unit_id,
             c.posting[1] == "first_secretary" and has_work_team(c.posting[0]), True)
            for c in expected if c.posting}
        changes = rows(RosterChange)
        assert {c.source for c in changes} == {"demo"}
        # A rerun on the same day: the workbooks change nothing; only the relative dates go back
        # and forth (the workbook holds them as of the day it was written).
        seed_demo(today=today)
        again = rows(RosterChange)[len(changes):]
        assert {(c.entity, c.entity_id) for c in again} <= {("cadre", i) for i in RELATIVE_FIELDS}
