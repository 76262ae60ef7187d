"""A posting's Party relation (党组织关系): to the village at the start, back at the end.

The seed says a stationed cadre's Party relation moves to the village (党组织关系转至所驻村). Each
posting keeps the two moves, each a date and the organisation that received it. A handover
records both when it completes: its Party relation step gives the one date on which the
successor's relation moved in and the predecessor's moved back. Otherwise the dispatch unit's HR
(or the township, for a team member it supplies itself) keeps the record, and the Organization
Department may correct it. Every change goes to the roster change log (entity `party_relation`,
the posting's id).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa

from service.commands.outbox import Reported
from service.commands.roster.fields import EARLIEST_FACT, Problems, today
from service.commands.roster.permissions import county_editor
from service.commands.roster.record import check_source, process_source, record
from service.core.clock import now
from service.core.errors import Forbidden, NotFound
from service.core.principal import Principal
from service.persistence.db import db
from service.persistence.models import Cadre, Org, PartyRelation, Posting, RosterChange, Village

FIELDS = ("transferred_in_on", "transferred_in_org", "transferred_out_on", "transferred_out_org")
ORG_MAX = 200
# The handover's Party relation step writes this date into its data (bpmn/handover.bpmn).
TRANSFER_DATE = "party_transfer_date"


def relation_snapshot(row: PartyRelation) -> dict[str, Any]:
    return {name: getattr(row, name) for name in FIELDS}


def village_party_org(village: Village) -> str:
    """The organisation a relation moves to: the village's Party organisation."""
    return f"{village.name}党组织"


def unit_party_org(cadre: Cadre) -> str:
    """Where it moves back to: the Party organisation of the cadre's own unit."""
    unit = db.session.get(Org, cadre.unit_id)
    return f"{unit.name if unit is not None else cadre.unit_id}党组织"


def party_relation_editor(actor: Principal, posting: Posting, cadre: Cadre) -> str:
    """The role under which `actor` keeps this posting's record, else 403."""
    role = county_editor(actor)
    if role is not None:
        return role
    units = {cadre.unit_id, posting.supplier_id} - {None}
    if units & actor.scopes("unit_hr"):
        return "unit_hr"
    if posting.supplier_id is not None and posting.supplier_id in actor.scopes("township"):
        return "township"
    raise Forbidden("无权登记该任职的党组织关系：由干部所在派出单位（人事部门）登记"
                    "（乡镇自行选派的工作队员由乡镇登记），县委组织部可更正。")


def _checked(posting: Posting, current: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    """The record after `values` (only the fields given change), or a 422 naming every bad field."""
    problems = Problems()
    problems.unknown_fields(values, FIELDS)
    after = dict(current)
    for name in ("transferred_in_on", "transferred_out_on"):
        if name in values:
            after[name] = problems.day(name, values[name], EARLIEST_FACT, today())
    for name in ("transferred_in_org", "transferred_out_org"):
        if name in values:
            after[name] = problems.text(name, values[name], ORG_MAX, required=False)
    for day, org in (("transferred_in_on", "transferred_in_org"),
                     ("transferred_out_on", "transferred_out_org")):
        if after.get(day) is not None and not after.get(org) and not problems.has(org):
            problems.add(org, "请填写接收党组织。")
        if after.get(org) and after.get(day) is None and not problems.has(day):
            problems.add(day, "请填写转接日期。")
    moved_in, moved_out = after.get("transferred_in_on"), after.get("transferred_out_on")
    if moved_out is not None and posting.active and not problems.has("transferred_out_on"):
        problems.add("transferred_out_on", "任职尚未结束，党组织关系不能转回。")
    if (isinstance(moved_in, date) and isinstance(moved_out, date) and moved_out < moved_in
            and not problems.has("transferred_out_on")):
        problems.add("transferred_out_on", f"党组织关系转回日期不能早于转入日期（{moved_in.isoformat()}）。")
    problems.raise_if_any("党组织关系")
    return after


def save_party_relation(actor: Principal, posting_id: int, values: dict[str, Any], *,
                        source: str) -> RosterChange | None:
    """Record (or correct) a posting's Party relation; the caller's unit of work commits it."""
    check_source(source)
    posting = db.session.get(Posting, posting_id)
    if posting is None:
        raise NotFound(f"任职 {posting_id} 不存在。")
    cadre = db.session.get_one(Cadre, posting.cadre_id)
    role = party_relation_editor(actor, posting, cadre)
    row = db.session.get(PartyRelation, posting.id)
    before = relation_snapshot(row) if row is not None else None
    after = _checked(posting, before or dict.fromkeys(FIELDS), values)
    return _write(actor.login, role, posting, row, before, after, source, actor)


def _write(login: str, role: str | None, posting: Posting, row: PartyRelation | None,
           before: dict[str, Any] | None, after: dict[str, Any], source: str,
           actor: Principal) -> RosterChange | None:
    if row is None:
        row = PartyRelation(posting_id=posting.id)
        db.session.add(row)
    elif before == after:
        return None
    for name in FIELDS:
        setattr(row, name, after.get(name))
    row.updated_by, row.updated_at = login, now()
    return record(actor, role, entity="party_relation", entity_id=str(posting.id),
                  action="create" if before is None else "update", before=before, after=after, source=source)


def record_handover_transfer(reported: Reported) -> None:
    """A completed handover: on its Party relation date, the successor's relation moved in to the
    village and the predecessor's moved back to their unit (postings switch_postings made and ended)."""
    data = reported.data
    moved_on = _day(data.get(TRANSFER_DATE))
    village = db.session.get(Village, str(data.get("village_id") or ""))
    if moved_on is None or village is None or not data.get("old_cadre_released"):
        return
    actor, role = reported.actor, reported.grant.role if reported.grant else None
    source = process_source(reported.row.id)
    for cadre_id, moving_in in ((data.get("new_cadre_id"), True), (data.get("old_cadre_id"), False)):
        posting = _latest_posting(str(cadre_id or ""), village.id, str(data.get("role") or ""),
                                  active=moving_in)
        if posting is None:
            continue
        row = db.session.get(PartyRelation, posting.id)
        before = relation_snapshot(row) if row is not None else None
        after = dict(before or dict.fromkeys(FIELDS))
        if moving_in:
            after.update(transferred_in_on=moved_on, transferred_in_org=village_party_org(village))
        else:
            cadre = db.session.get_one(Cadre, posting.cadre_id)
            after.update(transferred_out_on=moved_on, transferred_out_org=unit_party_org(cadre))
            if after.get("transferred_in_on") is not None and after["transferred_in_on"] > moved_on:
                after["transferred_in_on"] = None  # a wrong earlier entry would break the order
        _write(actor.login, role, posting, row, before, after, source, actor)


def _latest_posting(cadre_id: str, village_id: str, role: str, *, active: bool) -> Posting | None:
    return db.session.execute(sa.select(Posting).where(
        Posting.cadre_id == cadre_id, Posting.village_id == village_id, Posting.role == role,
        Posting.active.is_(active)).order_by(Posting.term_start.desc(), Posting.id.desc()).limit(1)
    ).scalar_one_or_none()


def _day(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None
