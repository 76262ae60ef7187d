"""save_village / validate_village: villages, their township and their categories (main first)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from service.commands.roster.fields import NAME_MAX, Problems, label
from service.commands.roster.permissions import require_county_editor, require_roster_role
from service.commands.roster.record import check_source, record
from service.core.labels import CATEGORIES_WITH_WORK_TEAM, VILLAGE_CATEGORY_NAMES
from service.core.principal import Principal
from service.persistence.db import db
from service.persistence.models import Org, Posting, RosterChange, Village, VillageCategory

FIELDS = ("id", "name", "township_id", "categories")


def village_snapshot(village: Village) -> dict[str, Any]:
    return {"name": village.name, "township_id": village.township_id, "categories": village.categories}


def _categories(problems: Problems, value: Any) -> list[str] | None:
    field = "categories"
    if not isinstance(value, list | tuple) or not value:
        problems.add(field, f"{label(field)}至少选一项（第一项为主类别）。")
        return None
    unknown = [str(c) for c in value if c not in VILLAGE_CATEGORY_NAMES]
    if unknown:
        choices = f"{'、'.join(VILLAGE_CATEGORY_NAMES.values())}（{' | '.join(VILLAGE_CATEGORY_NAMES)}）"
        problems.add(field, f"{label(field)}“{'、'.join(unknown)}”不是可选值：可选 {choices}。")
        return None
    if len(set(value)) != len(value):
        problems.add(field, f"{label(field)}有重复项。")
        return None
    return [str(c) for c in value]


def validate_village(values: dict[str, Any]) -> dict[str, list[str]]:
    problems = Problems()
    problems.unknown_fields(values, FIELDS)
    village_id = problems.identifier("id", values.get("id"))
    row = db.session.get(Village, village_id) if village_id and not problems.has("id") else None
    creating = row is None
    township_id = row.township_id if row is not None else None
    if creating or "township_id" in values:
        township_id = problems.identifier("township_id", values.get("township_id"))
        if township_id and not problems.has("township_id"):
            township = db.session.get(Org, township_id)
            if township is None:
                problems.add("township_id", f"所属乡镇 {township_id} 不存在。")
            elif township.kind != "township":
                problems.add("township_id", f"所属乡镇须为乡镇，“{township.name}”不是乡镇。")
    if creating or "name" in values:
        name = problems.text("name", values.get("name"), NAME_MAX, title="村名")
        if name and township_id and not problems.has("name"):
            twin = db.session.execute(sa.select(Village.id).where(
                Village.name == name, Village.township_id == township_id, Village.id != village_id)
                .limit(1)).scalar_one_or_none()
            if twin is not None:
                problems.add("name", f"同一乡镇已有名为“{name}”的村（编号 {twin}）。")
    if creating or "categories" in values:
        categories = _categories(problems, values.get("categories"))
        if categories and row is not None and not CATEGORIES_WITH_WORK_TEAM & set(categories):
            members = db.session.execute(sa.select(sa.func.count()).select_from(Posting).where(
                Posting.village_id == row.id, Posting.role == "team_member",
                Posting.active.is_(True))).scalar_one()
            if members:
                problems.add("categories", f"该村仍有 {members} 名驻村工作队员在岗，类别须保留"
                                           f"“十三五”脱贫村或“十四五”重点帮扶村之一，或先结束其任职。")
    return problems.errors


def save_village(actor: Principal, values: dict[str, Any], *, source: str) -> RosterChange | None:
    """Fields: id, name, township_id, categories (codes, the main category first)."""
    check_source(source)
    require_roster_role(actor)
    role = require_county_editor(actor, "新增或修改村")
    problems = Problems()
    problems.errors = validate_village(values)
    problems.raise_if_any("村")
    row = db.session.get(Village, values["id"])
    before = village_snapshot(row) if row is not None else None
    if row is None:
        row = Village(id=values["id"])
        db.session.add(row)
    for field in ("name", "township_id"):
        if field in values:
            setattr(row, field, values[field])
    if "categories" in values:
        wanted = list(values["categories"])
        row.category = wanted[0]
        row.category_rows = [r for r in row.category_rows if r.category in wanted]
        have = {r.category for r in row.category_rows}
        row.category_rows.extend(
            VillageCategory(village_id=row.id, category=c) for c in wanted if c not in have)
    return record(actor, role, entity="village", entity_id=row.id,
                  action="create" if before is None else "update", before=before,
                  after=village_snapshot(row), source=source)
