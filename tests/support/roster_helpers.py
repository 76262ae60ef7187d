"""Helpers for the roster tests: run one roster command as a demo login in its own unit of work."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa
from command_helpers import who

from service.commands.uow import unit_of_work
from service.core.errors import ApiError
from service.persistence.db import db
from service.persistence.models import RosterChange


def save(command: Callable[..., Any], login: str, values: dict[str, Any], source: str = "api") -> Any:
    with unit_of_work():
        return command(who(login), values, source=source)


def refused(command: Callable[..., Any], login: str, values: dict[str, Any]) -> ApiError:
    """The error the command raises; nothing of it is written (the log has no new change)."""
    before = change_count()
    with pytest.raises(ApiError) as caught:
        save(command, login, values)
    assert change_count() == before
    return caught.value


def change_count() -> int:
    return db.session.execute(sa.select(sa.func.count()).select_from(RosterChange)).scalar_one()


def changes_of(entity: str, entity_id: str) -> list[RosterChange]:
    return list(db.session.execute(sa.select(RosterChange).where(
        RosterChange.entity == entity, RosterChange.entity_id == entity_id)
        .order_by(RosterChange.id)).scalars())


def new_cadre(cadre_id: str, **overrides: Any) -> dict[str, Any]:
    """A valid new cadre of unit-edu, eligible as a first secretary."""
    values: dict[str, Any] = {
        "id": cadre_id, "name": "测试干部", "unit_id": "unit-edu", "party_status": "formal",
        "party_member_since": date(2012, 7, 1), "party_confirmed_on": date(2013, 7, 1),
        "work_start_date": date(2010, 8, 1), "employment_type": "permanent",
        "birth_date": date(1988, 5, 5), "post": "科员", "rural_expertise": False,
    }
    values.update(overrides)
    return values
