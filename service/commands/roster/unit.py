"""save_unit / validate_unit: dispatch units (派出单位) with their level and kind."""

from __future__ import annotations

from typing import Any

from service.commands.roster.orgs import save_org, validate_org
from service.core.principal import Principal
from service.persistence.models import RosterChange


def validate_unit(values: dict[str, Any]) -> dict[str, list[str]]:
    """Fields: id, name, level (county | city | province), unit_kind (party_government |
    institution | stationed | enterprise); level and unit_kind are required for a new unit."""
    return validate_org("dispatch_unit", values)


def save_unit(actor: Principal, values: dict[str, Any], *, source: str) -> RosterChange | None:
    return save_org("dispatch_unit", actor, values, source=source)
