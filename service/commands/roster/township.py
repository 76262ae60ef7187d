"""save_township / validate_township: the county's townships (乡镇)."""

from __future__ import annotations

from typing import Any

from service.commands.roster.orgs import save_org, validate_org
from service.core.principal import Principal
from service.persistence.models import RosterChange


def validate_township(values: dict[str, Any]) -> dict[str, list[str]]:
    """Fields: id, name."""
    return validate_org("township", values)


def save_township(actor: Principal, values: dict[str, Any], *, source: str) -> RosterChange | None:
    return save_org("township", actor, values, source=source)
