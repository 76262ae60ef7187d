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
