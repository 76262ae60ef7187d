"""Townships and dispatch units: both are rows of orgs, hung under the county's leading body."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from service.commands.roster.fields import NAME_MAX, Problems
from service.commands.roster.permissions import require_county_editor, require_roster_role
from service.commands.roster.record import check_source, record
from service.core.labels import ORG_KIND_NAMES, UNIT_KIND_NAMES, UNIT_LEVEL_NAMES
from service.core.principal import Principal
from service.persistence.db import db
from service.persistence.models import Org, RosterChange

FIELDS = {"township": ("id", "name"), "dispatch_unit": ("id", "name", "level", "unit_kind")}
ENTITY = {"township": "township", "dispatch_unit": "unit"}
WHAT = {"township": "乡镇", "dispatch_unit": "派出单位"}


def org_snapshot(org: Org) -> dict[str, Any]:
    out: dict[str, Any] = {"name": org.name, "parent_id": org.parent_id}
    if org.kind == "dispatch_unit":
        out.update(level=org.level, unit_kind=org.unit_kind)
    return out


def county_root_id() -> str | None:
    """The county's leading body: every township and unit hangs under it."""
    return db.session.execute(sa.select(Org.id).where(Org.kind == "county_body", Org.parent_id.is_(None))
                              .order_by(Org.id).limit(1)).scalar_one_or_none()


def _existing(kind: str, org_id: str | None, problems: Problems) -> Org | None:
    if org_id is None or problems.has("id"):
        return None
    row = db.session.get(Org, org_id)
    if row is not None and row.kind != kind:
        problems.add("id", f"编号 {org_id} 已被{ORG_KIND_NAMES.get(row.kind, row.kind)}“{row.name}”使用。")
        return None
    return row


def validate_org(kind: str, values: dict[str, Any]) -> dict[str, list[str]]:
    problems = Problems()
    problems.unknown_fields(values, FIELDS[kind])
    org_id = problems.identifier("id", values.get("id"))
    creating = _existing(kind, org_id, problems) is None
    if creating or "name" in values:
        name = problems.text("name", values.get("name"), NAME_MAX)
        if name and not problems.has("name"):
            other = db.session.execute(sa.select(Org).where(Org.name == name, Org.id != org_id)
                                       .limit(1)).scalar_one_or_none()
            if other is not None:
                problems.add("name", f"名称“{name}”已被{ORG_KIND_NAMES.get(other.kind, other.kind)}"
                                     f"（编号 {other.id}）使用。")
    if kind == "dispatch_unit":
        for field, names in (("level", UNIT_LEVEL_NAMES), ("unit_kind", UNIT_KIND_NAMES)):
            if creating or field in values:
                problems.code(field, values.get(field), names)
    return problems.errors


def save_org(kind: str, actor: Principal, values: dict[str, Any], *, source: str) -> RosterChange | None:
    check_source(source)
    require_roster_role(actor)
    role = require_county_editor(actor, f"新增或修改{WHAT[kind]}")
    problems = Problems()
    problems.errors = validate_org(kind, values)
    problems.raise_if_any(WHAT[kind])
    row = db.session.get(Org, values["id"])
    before = org_snapshot(row) if row is not None else None
    if row is None:
        row = Org(id=values["id"], kind=kind, parent_id=county_root_id())
        db.session.add(row)
    for field in FIELDS[kind][1:]:
        if field in values:
            setattr(row, field, values[field])
    return record(actor, role, entity=ENTITY[kind], entity_id=row.id,
                  action="create" if before is None else "update", before=before,
                  after=org_snapshot(row), source=source)
