"""service/queries/access.py for months in the village: the SQL clause and the predicate agree for
every demo user and a few mixed grants, and each role reads what its work needs (the cadre their
own, the township its villages' months, a unit's HR its cadres', the county everything)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from command_helpers import who

from service.commands.presence import record_presence
from service.core.principal import Grant, Principal
from service.persistence.db import db
from service.persistence.models import PresenceMonth, User
from service.queries import access

MONTHS = [("tw_qingshan", "c-zhangwei"), ("tw_qingshan", "c-liuyang"), ("tw_baishui", "c-lina"),
          ("tw_baishui", "c-zhaomin"), ("tw_hongqi", "c-wangqiang")]


def test_presence_clause_and_predicate_agree(app: Any, clock: Any) -> None:
    with app.app_context():
        for township, cadre_id in MONTHS:
            record_presence(who(township), {"cadre_id": cadre_id, "year": 2026, "month": 11,
                                            "days_present": 21}, source="api")
        rows = db.session.execute(sa.select(PresenceMonth)).scalars().all()
        users = db.session.execute(sa.select(User).order_by(User.login)).scalars().all()
        principals = [Principal.from_user(u) for u in users] + [
            Principal("nobody", "无角色", ()),
            Principal("cadre_and_hr", "兼任", (Grant("cadre", "cadre", "c-lina"),
                                              Grant("unit_hr", "unit", "unit-power"))),
            Principal("two_townships", "兼任", (Grant("township", "township", "tw-qingshan"),
                                               Grant("township", "township", "tw-baishui"))),
        ]
        seen: dict[str, set[str]] = {}
        for principal in principals:
            by_predicate = {r.cadre_id for r in rows if access.can_see_presence(principal, r)}
            clause = access.presence_clause(principal)
            stmt = sa.select(PresenceMonth.cadre_id)
            by_clause = set(db.session.execute(stmt.where(clause) if clause is not None else stmt).scalars())
            assert by_clause == by_predicate, principal.login
            seen[principal.login] = by_clause
        everyone = {cadre for _, cadre in MONTHS}
        assert seen["county"] == seen["auditor"] == seen["admin"] == everyone
        assert seen["tw_qingshan"] == {"c-zhangwei", "c-liuyang"}
        assert seen["hr_edu"] == {"c-zhangwei", "c-liuyang", "c-zhaomin"}
        assert seen["hr_hospital"] == {"c-lina"}
        assert seen["cadre_zhangwei"] == {"c-zhangwei"}
        assert seen["cadre_and_hr"] == {"c-lina", "c-wangqiang"}
        assert seen["two_townships"] == {"c-zhangwei", "c-liuyang", "c-lina", "c-zhaomin"}
        assert seen["nobody"] == set() and seen["cadre_sunhao"] == set()
