"""save_posting / validate_posting / end_posting: who is stationed in which village, since when,
until when, supplied by whom.

A posting is found by its id, or by (cadre_id, village_id, role, term_start). Who, where, which role
and since when never change: a different posting is a new one, after the old one has ended.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa

from service.commands.roster.fields import EARLIEST_FACT, REASON_MAX, Problems, label, today, years_after
from service.commands.roster.permissions import posting_editor, require_roster_role
from service.commands.roster.record import check_source, record
from service.core.bounds import LATEST_DATE, latest_effective_date
from service.core.errors import NotFound
from service.core.labels import CATEGORIES_WITH_WORK_TEAM, POSTING_ROLE_NAMES
from service.core.principal import Principal
from service.persistence.db import db
from service.persistence.models import Cadre, Org, Posting, RosterChange, Village
from workflows.rules import TERM_YEARS

FIELDS = ("id", "cadre_id", "village_id", "role", "term_start", "planned_end", "supplier_id", "leads_team")
IDENTITY = ("cadre_id", "village_id", "role", "term_start")


def posting_snapshot(posting: Posting) -> dict[str, Any]:
    return {"cadre_id": posting.cadre_id, "village_id": posting.village_id, "role": posting.role,
            "term_start": posting.term_start, "planned_end": posting.planned_end,
            "supplier_id": posting.supplier_id, "leads_team": posting.leads_team,
            "active": posting.active, "ended_on": posting.term_end}


def earliest_planned_end(term_start: date) -> date:
    """A term lasts at least TERM_YEARS, both ends counted: from 2025-03-01 to 2027-02-28."""
    return years_after(term_start, TERM_YEARS) - timedelta(days=1)


def find_posting(values: dict[str, Any]) -> Posting | None:
    if values.get("id") is not None:
        return db.session.get(Posting, values["id"]) if isinstance(values["id"], int) else None
    if any(not values.get(name) for name in IDENTITY):
        return None
    return db.session.execute(sa.select(Posting).where(
        *(getattr(Posting, name) == values[name] for name in IDENTITY)).limit(1)).scalar_one_or_none()


def _has_work_team(village: Village) -> bool:
    return bool(CATEGORIES_WITH_WORK_TEAM & set(village.categories))


def _check_supplier(problems: Problems, supplier_id: Any, role: str | None, village: Village | None) -> None:
    supplier_id = problems.identifier("supplier_id", supplier_id)
    if not supplier_id or problems.has("supplier_id"):
        return
    supplier = db.session.get(Org, supplier_id)
    if supplier is None:
        problems.add("supplier_id", f"选派单位 {supplier_id} 不存在。")
        return
    township = village.township_id if village is not None else None
    if role == "first_secretary" and supplier.kind != "dispatch_unit":
        problems.add("supplier_id", f"驻村第一书记须由派出单位选派，“{supplier.name}”不是派出单位。")
    elif role == "team_member" and supplier.kind != "dispatch_unit" and supplier.id != township:
        problems.add("supplier_id", f"驻村工作队员须由派出单位或该村所在乡镇选派，“{supplier.name}”不是。")
    elif (role == "first_secretary" and village is not None and not _has_work_team(village)
          and (supplier.level or "county") != "county"):
        # domain.md rule 10: 软弱涣散村 and 红色名村 get their first secretary from county-level units.
        problems.add("supplier_id", f"“{village.name}”的第一书记须由县级单位选派，"
                                    f"“{supplier.name}”不是县级单位。")


def _check_new(problems: Problems, values: dict[str, Any]) -> tuple[str | None, Village | None]:
    cadre_id = problems.identifier("cadre_id", values.get("cadre_id"))
    cadre = db.session.get(Cadre, cadre_id) if cadre_id and not problems.has("cadre_id") else None
    if cadre_id and cadre is None and not problems.has("cadre_id"):
        problems.add("cadre_id", f"干部 {cadre_id} 不存在。")
    village_id = problems.identifier("village_id", values.get("village_id"))
    village = db.session.get(Village, village_id) if village_id and not problems.has("village_id") else None
    if village_id and village is None and not problems.has("village_id"):
        problems.add("village_id", f"村 {village_id} 不存在。")
    role = problems.code("role", values.get("role"), POSTING_ROLE_NAMES)
    start = problems.day("term_start", values.get("term_start"), EARLIEST_FACT,
                         latest_effective_date(today()), required=True)
    if cadre is not None and cadre.active_postings:
        now_at = cadre.active_postings[0]
        problems.add("cadre_id", f"{cadre.name}已在村 {now_at.village_id} 任"
                                 f"{POSTING_ROLE_NAMES[now_at.role]}，须先结束该任职"
                                 "（一名干部同时只能有一个在岗任职）。")
    if village is not None and role == "first_secretary":
        sitting = db.session.execute(sa.select(Posting.cadre_id).where(
            Posting.village_id == village.id, Posting.role == "first_secretary",
            Posting.active.is_(True)).limit(1)).scalar_one_or_none()
        if sitting is not None:
            problems.add("village_id", f"“{village.name}”已有在岗的驻村第一书记（干部 {sitting}），"
                                       "须先结束其任职。")
    if village is not None and role == "team_member" and not _has_work_team(village):
        problems.add("role", f"“{village.name}”的类别不派驻工作队，只能安排驻村第一书记。")
    if start is not None and values.get("planned_end") is None:
        values.setdefault("planned_end", earliest_planned_end(start))
    if values.get("supplier_id") is None and cadre is not None:
        values["supplier_id"] = cadre.unit_id
    return role, village


def validate_posting(values: dict[str, Any]) -> dict[str, list[str]]:
    """Fields: id (to change an existing posting) or cadre_id, village_id, role, term_start; and
    planned_end (default: TERM_YEARS after term_start), supplier_id (default: the cadre's unit),
    leads_team (default: a first secretary of a village with a work team leads it)."""
    problems, _ = _validate(dict(values))
    return problems.errors


def _validate(values: dict[str, Any]) -> tuple[Problems, Posting | None]:
    problems = Problems()
    problems.unknown_fields(values, FIELDS)
    if values.get("id") is not None and (not isinstance(values["id"], int) or isinstance(values["id"], bool)):
        problems.add("id", "任职编号须为整数。")
        return problems, None
    row = find_posting(values)
    if values.get("id") is not None and row is None:
        problems.add("id", f"任职 {values['id']} 不存在。")
        return problems, None
    if row is None:
        role, village = _check_new(problems, values)
        start = values.get("term_start") if not problems.has("term_start") else None
    else:
        if not row.active:
            problems.add("id", f"该任职已于 {row.term_end} 结束，不能修改。")
        for name in IDENTITY:
            if name in values and values[name] != getattr(row, name):
                problems.add(name, f"已有任职不能更改{label(name)}；如需调整，请结束本任职后新建任职。")
        role, village, start = row.role, db.session.get(Village, row.village_id), row.term_start
    if "planned_end" in values:
        end = problems.day("planned_end", values["planned_end"], EARLIEST_FACT, LATEST_DATE, required=True)
        if end is not None and isinstance(start, date) and end < earliest_planned_end(start):
            problems.add("planned_end", f"计划任期届满日期须不早于 {earliest_planned_end(start)}"
                                        f"（任期至少 {TERM_YEARS} 年，自 {start} 起）。")
    if "supplier_id" in values:
        _check_supplier(problems, values["supplier_id"], role, village)
    if values.get("leads_team") is not None:
        if problems.flag("leads_team", values["leads_team"]) and role != "first_secretary":
            problems.add("leads_team", "只有驻村第一书记可以兼任工作队队长。")
    return problems, row


def save_posting(actor: Principal, values: dict[str, Any], *, source: str) -> RosterChange | None:
    check_source(source)
    require_roster_role(actor)
    values = dict(values)  # defaults are filled in below; the caller's dict stays as it was
    problems, row = _validate(values)
    problems.raise_if_any("任职信息")
    if row is None:
        village = db.session.get(Village, values["village_id"])
        assert village is not None  # validated
        role = posting_editor(actor, values["role"], village.township_id, values["supplier_id"])
        leads = values.get("leads_team")
        row = Posting(cadre_id=values["cadre_id"], village_id=village.id, role=values["role"],
                      term_start=values["term_start"], planned_end=values["planned_end"],
                      supplier_id=values["supplier_id"], active=True,
                      leads_team=(values["role"] == "first_secretary" and _has_work_team(village))
                      if leads is None else leads)
        db.session.add(row)
        db.session.flush()  # the id names the posting in the log
        return record(actor, role, entity="posting", entity_id=str(row.id), action="create",
                      before=None, after=posting_snapshot(row), source=source)
    role = _editor(actor, row, values.get("supplier_id", row.supplier_id))
    before = posting_snapshot(row)
    for field in ("planned_end", "supplier_id", "leads_team"):
        if values.get(field) is not None:
            setattr(row, field, values[field])
    return record(actor, role, entity="posting", entity_id=str(row.id), action="update",
                  before=before, after=posting_snapshot(row), source=source)


def _editor(actor: Principal, row: Posting, new_supplier: str | None) -> str:
    village = db.session.get(Village, row.village_id)
    township = village.township_id if village is not None else None
    role = posting_editor(actor, row.role, township, row.supplier_id)
    if new_supplier != row.supplier_id:
        role = posting_editor(actor, row.role, township, new_supplier)
    return role


def end_posting(actor: Principal, posting_id: int, ended_on: Any, reason: Any, *,
                source: str) -> RosterChange | None:
    """End an active posting on `ended_on` for `reason`; ending it again on the same day changes
    nothing. (A replacement's handover ends postings itself; this is for the roster's own record.)"""
    check_source(source)
    require_roster_role(actor)
    row = db.session.get(Posting, posting_id)
    if row is None:
        raise NotFound(f"任职 {posting_id} 不存在。")
    role = _editor(actor, row, row.supplier_id)
    problems = Problems()
    day = problems.day("ended_on", ended_on, row.term_start, today(), required=True)
    problems.text("reason", reason, REASON_MAX)
    if not row.active and day is not None and day != row.term_end:
        problems.add("ended_on", f"该任职已于 {row.term_end} 结束。")
    problems.raise_if_any("结束任职")
    if not row.active:
        return None
    before = {**posting_snapshot(row), "reason": None}
    row.active, row.term_end = False, day
    return record(actor, role, entity="posting", entity_id=str(row.id), action="end", before=before,
                  after={**posting_snapshot(row), "reason": reason}, source=source)
