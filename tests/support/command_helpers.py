"""Helpers for tests that call the command layer directly (inside an app context)."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from service.core.principal import Principal
from service.persistence.db import db
from service.persistence.models import HumanTask, User

# A valid mid-term replacement request of the demo data, as the JSON API takes it.
ADJUSTMENT_JSON = {
    "cadre_id": "c-zhangwei",
    "village_id": "v-shangzhuang",
    "role": "first_secretary",
    "reason": "health",
    "justification": "长期病假",
    "nominee_id": "c-sunhao",
    "effective_date": "2026-12-20",
    "evidence": ["体检报告"],
}


def who(login: str) -> Principal:
    return Principal.from_user(db.session.get(User, login))


def request(**overrides):
    payload = {"cadre_id": "c-zhangwei", "village_id": "v-shangzhuang", "role": "first_secretary",
               "reason": "health", "justification": "", "nominee_id": "c-sunhao",
               "effective_date": date(2026, 12, 20), "evidence": ["体检报告"]}
    payload.update(overrides)
    return payload


def open_tasks(instance_id):
    return db.session.execute(sa.select(HumanTask).where(
        HumanTask.instance_id == instance_id, HumanTask.status == "open")).scalars().all()
