"""save_cadre / validate_cadre / cadre_warnings: a cadre's facts, the ones eligibility is judged on.

Cross-field rules are judged on the record as it would be after the change (the stored facts with
the given ones over them), so changing one date alone is held to the same rules as a new record.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from service.commands.roster.fields import (
    EARLIEST_BIRTH,
    EARLIEST_FACT,
    NAME_MAX,
    POST_MAX,
    Problems,
    label,
    today,
    years_after,
)
from service.commands.roster.permissions import cadre_editor, require_roster_role
from service.commands.roster.record import check_source, record
from service.core.labels import EMPLOYMENT_NAMES, PARTY_NAMES
from service.core.principal import Principal
from service.persistence.db import db
from service.persistence.models import Cadre, Org, RosterChange

FIELDS = ("id", "name", "unit_id", "party_status", "party_member_since", "party_confirmed_on",
          "work_start_date", "employment_type", "birth_date", "post", "rural_expertise")
REQUIRED = ("name", "unit_id", "party_status", "work_start_date", "employment_type", "birth_date")
DATES = ("party_member_since", "party_confirmed_on", "work_start_date", "birth_date")
WORK_AGE = 16  # 劳动法: nobody is employed before 16
PARTY_AGE = 18  # 党章: members are at least 18
PROBATION_YEARS = 1  # 预备期一年: confirmed earlier than that is unusual, so a warning


def cadre_snapshot(cadre: Cadre) -> dict[str, Any]:
    return {name: getattr(cadre, name) for name in FIELDS[1:]}


def _merged(values: dict[str, Any], row: Cadre | None) -> dict[str, Any]:
    return {**(cadre_snapshot(row) if row is not None else {}), **values}


def _blame(values: dict[str, Any], earlier: str, later: str) -> str:
    """The field a broken order is reported on: the one being changed, the later one if both."""
    return later if later in values or earlier not in values else earlier


def _check_unit(problems: Problems, unit_id: Any) -> None:
    unit_id = problems.identifier("unit_id", unit_id)
    if not unit_id or problems.has("unit_id"):
        return
    unit = db.session.get(Org, unit_id)
    if unit is None:
        problems.add("unit_id", f"所在单位 {unit_id} 不存在。")
    elif unit.kind not in ("dispatch_unit", "township"):
        problems.add("unit_id", f"所在单位须为派出单位或乡镇，“{unit.name}”不是。")


def _check_order(problems: Problems, values: dict[str, Any], facts: dict[str, Any]) -> None:
    def day(name: str) -> date | None:
        value = facts.get(name)
        return value if isinstance(value, date) and not problems.has(name) else None

    birth, work = day("birth_date"), day("work_start_date")
    joined, confirmed = day("party_member_since"), day("party_confirmed_on")
    if birth and work and work < years_after(birth, WORK_AGE):
        problems.add(_blame(values, "birth_date", "work_start_date"),
                     f"参加工作时间（{work}）须在出生日期（{birth}）满 {WORK_AGE} 周岁之后。")
    if birth and joined and joined < years_after(birth, PARTY_AGE):
        problems.add(_blame(values, "birth_date", "party_member_since"),
                     f"入党时间（{joined}）须在出生日期（{birth}）满 {PARTY_AGE} 周岁之后。")
    if joined and confirmed and confirmed <= joined:
        problems.add(_blame(values, "party_member_since", "party_confirmed_on"),
                     f"转正时间（{confirmed}）须晚于入党时间（{joined}）。")


def _check_party(problems: Problems, values: dict[str, Any], facts: dict[str, Any]) -> None:
    status = facts.get("party_status")
    blame = "party_status" if "party_status" in values else None
    if status == "none":
        for name in ("party_member_since", "party_confirmed_on"):
            if facts.get(name) is not None:
                problems.add(blame or name, f"政治面貌为群众时不应填写{label(name)}。")
    elif status in ("formal", "probationary") and facts.get("party_member_since") is None:
        problems.add(blame or "party_member_since",
                     f"政治面貌为{PARTY_NAMES[status]}时须填写入党时间。")
    if status == "probationary" and facts.get("party_confirmed_on") is not None:
        problems.add(blame or "party_confirmed_on", "中共预备党员尚未转正，不应填写转正时间。")


def validate_cadre(values: dict[str, Any]) -> dict[str, list[str]]:
    return _validate(values, _stored(values, Problems()))


def _stored(values: dict[str, Any], problems: Problems) -> Cadre | None:
    cadre_id = problems.identifier("id", values.get("id"))
    return db.session.get(Cadre, cadre_id) if cadre_id and not problems.has("id") else None


def _validate(values: dict[str, Any], row: Cadre | None) -> dict[str, list[str]]:
    problems = Problems()
    problems.unknown_fields(values, FIELDS)
    problems.identifier("id", values.get("id"))
    creating = row is None

    def given(name: str) -> bool:
        return name in values or (creating and name in REQUIRED)

    if given("name"):
        problems.text("name", values.get("name"), NAME_MAX, title="姓名")
    if given("unit_id"):
        _check_unit(problems, values.get("unit_id"))
    if given("party_status"):
        problems.code("party_status", values.get("party_status"), PARTY_NAMES)
    if given("employment_type"):
        problems.code("employment_type", values.get("employment_type"), EMPLOYMENT_NAMES)
    if "post" in values:
        problems.text("post", values.get("post"), POST_MAX, required=False)
    if "rural_expertise" in values:
        problems.flag("rural_expertise", values.get("rural_expertise"))
    latest = today()
    for name in DATES:
        if given(name):
            earliest = EARLIEST_BIRTH if name == "birth_date" else EARLIEST_FACT
            problems.day(name, values.get(name), earliest, latest, required=name in REQUIRED)
    facts = _merged(values, row)
    _check_order(problems, values, facts)
    if not problems.has("party_status"):
        _check_party(problems, values, facts)
    return problems.errors


def cadre_warnings(values: dict[str, Any]) -> dict[str, list[str]]:
    """What is allowed but unusual, for the person to look at again (not a refusal)."""
    row = db.session.get(Cadre, values.get("id")) if isinstance(values.get("id"), str) else None
    facts = _merged(values, row)
    joined, confirmed = facts.get("party_member_since"), facts.get("party_confirmed_on")
    out: dict[str, list[str]] = {}
    if (isinstance(joined, date) and isinstance(confirmed, date) and joined < confirmed
            < years_after(joined, PROBATION_YEARS)):
        out["party_confirmed_on"] = [f"转正时间（{confirmed}）距入党时间（{joined}）不足 {PROBATION_YEARS} 年"
                                     f"（预备期通常为一年），请核对。"]
    return out


def save_cadre(actor: Principal, values: dict[str, Any], *, source: str) -> RosterChange | None:
    """Fields: id, name, unit_id, party_status, party_member_since (入党时间), party_confirmed_on
    (转正时间), work_start_date, employment_type, birth_date, post, rural_expertise."""
    check_source(source)
    require_roster_role(actor)
    problems = Problems()
    row = _stored(values, problems)  # read once: validating and saving look at the same row
    problems.errors = _validate(values, row)
    problems.raise_if_any("干部信息")
    new_unit = values.get("unit_id", row.unit_id if row is not None else None)
    role = cadre_editor(actor, {row.unit_id if row is not None else None, new_unit},
                        unit_changes=row is not None and new_unit != row.unit_id)
    before = cadre_snapshot(row) if row is not None else None
    if row is None:
        row = Cadre(id=values["id"], rural_expertise=False)
        db.session.add(row)
    for field in FIELDS[1:]:
        if field in values:
            # An emptied 现任职务 is no post, not an empty one (the log shows null, not "").
            setattr(row, field, values[field] if values[field] != "" else None)
    return record(actor, role, entity="cadre", entity_id=row.id,
                  action="create" if before is None else "update", before=before,
                  after=cadre_snapshot(row), source=source)
