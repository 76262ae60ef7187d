"""service/queries/access.py: the SQL clause and the Python predicate of every rule agree, for every
demo user (and a few mixed grants) over every instance, task and cadre of the seeded database."""

from __future__ import annotations

import io
from typing import Any

import office_files
import pytest
import sqlalchemy as sa
from process_helpers import FS_REQUEST, Api

from service.core.principal import ROLES, Grant, Principal
from service.persistence.db import db
from service.persistence.models import Attachment, Cadre, HumanTask, ProcessInstance, User, Village
from service.queries import access


@pytest.fixture(scope="module")
def seeded(app: Any, tokens: dict[str, str], clock: Any) -> None:
    """Instances of every kind of reach: three units and townships, a recall, handovers with an
    old and a new cadre, and a unit's duty year the admin started; a file submitted with a
    request and one left pending."""
    client = app.test_client()
    api = Api(client, lambda login: {"Authorization": f"Bearer {tokens[login]}"})

    def upload(login: str) -> str:
        response = client.post("/api/v1/attachments", headers={"Authorization": f"Bearer {tokens[login]}"},
                               content_type="multipart/form-data",
                               data={"file": (io.BytesIO(office_files.pdf(login)), "证明.pdf")})
        return str(response.get_json()["id"])

    a = api.post("hr_edu", "/adjustments", FS_REQUEST, status=201)["instance_id"]
    api.post("hr_hospital", "/adjustments", {**FS_REQUEST, "cadre_id": "c-lina", "village_id": "v-shuikou",
                                             "nominee_id": "c-zhoujie",
                                             "attachments": [upload("hr_hospital")]}, status=201)
    upload("hr_edu")  # left pending: its uploader's only
    api.post("hr_power", "/adjustments", {**FS_REQUEST, "cadre_id": "c-wangqiang", "village_id": "v-xinglong",
                                          "nominee_id": "c-wuting"}, status=201)
    api.post("orgdept", "/recalls", {"cadre_id": "c-zhaomin", "source": "supervision", "finding": "x"},
             status=201)
    for login in ("tw_qingshan", "county", "orgdept"):  # A's approvals start its handover
        api.act(login, a, comment="同意")
    # A team member's replacement, approved: its handover (刘洋 -> 郑凯) starts on the RRB's filing.
    c = api.post("hr_edu", "/adjustments", {**FS_REQUEST, "cadre_id": "c-liuyang", "role": "team_member",
                                            "nominee_id": "c-zhengkai"}, status=201)["instance_id"]
    for login in ("tw_qingshan", "county", "rrb"):
        api.act(login, c, comment="同意")
    api.post("admin", "/definitions/unit_duties/instances", {"data": {"unit_id": "unit-power", "year": 2027}},
             status=201)


def principals() -> list[Principal]:
    users = db.session.execute(sa.select(User).order_by(User.login)).scalars().all()
    mixed = [
        Principal("nobody", "无角色", ()),
        Principal("hr_and_township", "兼任", (Grant("unit_hr", "unit", "unit-hospital"),
                                              Grant("township", "township", "tw-hongqi"))),
        Principal("cadre_and_hr", "兼任", (Grant("cadre", "cadre", "c-lina"),
                                          Grant("unit_hr", "unit", "unit-power"))),
        Principal("two_townships", "兼任", (Grant("township", "township", "tw-qingshan"),
                                           Grant("township", "township", "tw-baishui"))),
        # A submitter whose unit role was taken away still sees what it submitted.
        Principal("hr_edu", "调岗后", ()),
        Principal("hr_edu", "调岗后", (Grant("township", "township", "tw-hongqi"),)),
    ]
    return [Principal.from_user(u) for u in users] + mixed


def selected(model: type, clause: Any) -> set[str]:
    stmt = sa.select(model.id)
    if clause is not None:
        stmt = stmt.where(clause)
    return set(db.session.execute(stmt).scalars())


def test_every_role_has_a_reach() -> None:
    assert set(access.INSTANCE_REACH) == set(ROLES)
    assert set(access.CADRE_REACH) == set(ROLES)


def test_instance_clause_and_predicate_agree(app: Any, seeded: None) -> None:
    with app.app_context():
        rows = db.session.execute(sa.select(ProcessInstance)).scalars().all()
        assert len(rows) >= 6 and any(r.old_cadre_id for r in rows)
        for principal in principals():
            by_predicate = {r.id for r in rows if access.can_see_instance(principal, r)}
            by_clause = selected(ProcessInstance, access.instance_clause(principal))
            assert by_clause == by_predicate, principal.login


def test_cadre_clause_and_predicate_agree(app: Any, seeded: None) -> None:
    with app.app_context():
        cadres = db.session.execute(sa.select(Cadre)).scalars().all()
        for principal in principals():
            by_predicate = {c.id for c in cadres if access.can_see_cadre(principal, c)}
            assert selected(Cadre, access.cadre_clause(principal)) == by_predicate, principal.login


def test_village_clause_and_predicate_agree(app: Any, seeded: None) -> None:
    with app.app_context():
        villages = db.session.execute(sa.select(Village)).scalars().all()
        for principal in principals():
            by_predicate = {v.id for v in villages if access.can_see_village(principal, v)}
            assert selected(Village, access.village_clause(principal)) == by_predicate, principal.login
        users = {p.login: p for p in reversed(principals())}
        assert access.village_clause(users["county"]) is None
        # 教育局's cadres are posted in 上庄村 (张伟, 刘洋) and 红岩村 (赵敏).
        assert selected(Village, access.village_clause(users["hr_edu"])) == {"v-shangzhuang", "v-hongyan"}
        assert len(selected(Village, access.village_clause(users["tw_hongqi"]))) == 4
        assert selected(Village, access.village_clause(users["cadre_lina"])) == set()


def test_support_clause_and_predicate_agree(app: Any, seeded: None) -> None:
    with app.app_context():
        cadres = db.session.execute(sa.select(Cadre)).scalars().all()
        for principal in principals():
            by_predicate = {c.id for c in cadres if access.can_see_support(principal, c)}
            assert selected(Cadre, access.support_cadre_clause(principal)) == by_predicate, principal.login
        users = {p.login: p for p in reversed(principals())}
        # A unit's HR its own cadres, a township its own staff (徐明), a cadre nobody's.
        assert selected(Cadre, access.support_cadre_clause(users["hr_edu"])) == {
            c.id for c in cadres if c.unit_id == "unit-edu"}
        assert selected(Cadre, access.support_cadre_clause(users["tw_qingshan"])) == {"c-xuming"}
        assert selected(Cadre, access.support_cadre_clause(users["cadre_lina"])) == set()
        assert access.support_cadre_clause(users["auditor"]) is None


def test_attachment_clause_and_predicate_agree(app: Any, seeded: None) -> None:
    with app.app_context():
        rows = db.session.execute(sa.select(Attachment)).scalars().all()
        assert {r.event_seq is None for r in rows} == {True, False}
        for principal in principals():
            by_predicate = {r.id for r in rows if access.can_see_attachment(
                principal, r, db.session.get(ProcessInstance, r.instance_id) if r.instance_id else None)}
            assert selected(Attachment, access.attachment_clause(principal)) == by_predicate, principal.login
        users = {p.login: p for p in reversed(principals())}
        assert len(selected(Attachment, access.attachment_clause(users["hr_edu"]))) == 1  # its pending one
        assert len(selected(Attachment, access.attachment_clause(users["tw_baishui"]))) == 1  # 水口村's
        assert len(selected(Attachment, access.attachment_clause(users["auditor"]))) == 1  # not the pending


def test_inbox_clause_and_may_act_agree(app: Any, seeded: None) -> None:
    with app.app_context():
        tasks = db.session.execute(sa.select(HumanTask)).scalars().all()
        assert {t.status for t in tasks} >= {"open", "done"}
        for principal in principals():
            # the inbox clause carries the status in each branch (its indexes): open tasks only
            by_predicate = {t.id for t in tasks if t.status == "open" and access.may_act(principal, t)}
            assert selected(HumanTask, access.inbox_clause(principal)) == by_predicate, principal.login


def test_the_rules_themselves(app: Any, seeded: None) -> None:
    """What the policy says, in the demo's terms (the agreement tests above only check consistency)."""
    with app.app_context():
        users = {p.login: p for p in reversed(principals())}  # the demo users, not the mixed ones
        cadres = db.session.execute(sa.select(Cadre)).scalars().all()
        unit_edu = {c.id for c in cadres if c.unit_id == "unit-edu"}
        assert selected(Cadre, access.cadre_clause(users["hr_edu"])) == unit_edu
        assert selected(Cadre, access.cadre_clause(users["cadre_lina"])) == {"c-lina"}
        # A township: the cadres posted in its villages and those named in its cases.
        baishui = {"c-lina", "c-chenjing", "c-zhaomin", "c-zhoujie"}  # + 周杰, nominee for 水口村
        assert selected(Cadre, access.cadre_clause(users["tw_baishui"])) == baishui
        assert selected(Cadre, access.cadre_clause(users["nobody"])) == set()
        for login in ("county", "orgdept", "rrb", "auditor", "admin"):
            assert access.instance_clause(users[login]) is None, login
        townships = set(db.session.execute(sa.select(ProcessInstance.township_id).where(
            access.instance_clause(users["tw_qingshan"]))).scalars())
        assert townships == {"tw-qingshan"}
        handover = db.session.execute(sa.select(ProcessInstance).where(
            ProcessInstance.process_key == "handover",
            ProcessInstance.old_cadre_id == "c-liuyang")).scalar_one()
        assert access.can_see_instance(users["cadre_liuyang"], handover)
        assert access.can_see_instance(users["cadre_zhengkai"], handover)
        assert not access.can_see_instance(users["cadre_lina"], handover)
        # A nominee reads the handover, not the request that names them (its reason is about
        # the cadre being replaced); the cadre replaced reads both.
        request = db.session.execute(sa.select(ProcessInstance).where(
            ProcessInstance.process_key == "mid_term_replacement",
            ProcessInstance.new_cadre_id == "c-zhoujie")).scalar_one()
        assert not access.can_see_instance(users["cadre_zhoujie"], request)
        assert access.can_see_instance(users["cadre_lina"], request)
        former = Principal("hr_edu", "调岗后", ())
        assert selected(ProcessInstance, access.instance_clause(former)) == set(db.session.execute(
            sa.select(ProcessInstance.id).where(ProcessInstance.submitter == "hr_edu")).scalars())
