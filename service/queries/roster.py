"""The roster as people read it: townships, units, villages, cadres and postings with their Chinese
names, and each record's change history. Shared by the JSON API and the pages."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa

from service.config import get_settings
from service.core.labels import (
    CATEGORIES_WITH_WORK_TEAM,
    EMPLOYMENT_NAMES,
    ORG_KIND_NAMES,
    PARTY_NAMES,
    POSTING_ROLE_NAMES,
    ROLE_NAMES,
    ROSTER_ACTION_NAMES,
    ROSTER_ENTITY_NAMES,
    ROSTER_SOURCE_NAMES,
    UNIT_KIND_NAMES,
    UNIT_LEVEL_NAMES,
    VILLAGE_CATEGORY_NAMES,
)
from service.persistence.db import db
from service.persistence.models import Cadre, Org, Posting, RosterChange, User, Village
from service.queries.eligibility import first_secretary_eligibility
from service.queries.support_names import support_record_names


def county_today() -> date:
    # Eligibility is judged on the county's calendar date, not the server's UTC date.
    return datetime.now(get_settings().tz).date()


def org_names(ids: set[str]) -> dict[str, str]:
    ids = {i for i in ids if i}
    if not ids:
        return {}
    return dict(db.session.execute(sa.select(Org.id, Org.name).where(Org.id.in_(ids))).all())


def org_view(org: Org) -> dict[str, Any]:
    return {
        "id": org.id, "name": org.name, "kind": org.kind,
        "kind_name": ORG_KIND_NAMES.get(org.kind, org.kind), "parent_id": org.parent_id,
        "level": org.level, "level_name": UNIT_LEVEL_NAMES.get(org.level) if org.level else None,
        "unit_kind": org.unit_kind,
        "unit_kind_name": UNIT_KIND_NAMES.get(org.unit_kind) if org.unit_kind else None,
    }


def village_view(village: Village, townships: dict[str, str]) -> dict[str, Any]:
    categories = village.categories
    return {
        "id": village.id, "name": village.name, "category": village.category,
        "category_name": VILLAGE_CATEGORY_NAMES.get(village.category, village.category),
        "categories": categories,
        "category_names": [VILLAGE_CATEGORY_NAMES.get(c, c) for c in categories],
        "township_id": village.township_id, "township_name": townships.get(village.township_id, ""),
        "has_work_team": bool(CATEGORIES_WITH_WORK_TEAM & set(categories)),
    }


def village_views(villages: Sequence[Village]) -> list[dict[str, Any]]:
    townships = org_names({v.township_id for v in villages})
    return [village_view(v, townships) for v in villages]


def posting_view(p: Posting, villages: dict[str, Village]) -> dict[str, Any]:
    """A posting as nested in a cadre's answer (the contract's shape, kept as clients know it)."""
    village = villages.get(p.village_id)
    return {
        "village_id": p.village_id, "village_name": village.name if village else "",
        "township_id": village.township_id if village else "",
        "role": p.role, "term_start": p.term_start,
        # The contract's term_end: the actual end once ended, else the planned one.
        "term_end": p.term_end or p.planned_end, "planned_end": p.planned_end, "ended_on": p.term_end,
        "leads_team": p.leads_team, "active": p.active,
    }


def _villages(ids: set[str]) -> dict[str, Village]:
    if not ids:
        return {}
    return {v.id: v for v in db.session.execute(sa.select(Village).where(Village.id.in_(ids))).scalars()}


def posting_rows(postings: Sequence[Posting]) -> list[dict[str, Any]]:
    """Postings on their own (/postings, the roster pages): with their id, cadre and supplier."""
    villages = _villages({p.village_id for p in postings})
    orgs = org_names({p.supplier_id for p in postings if p.supplier_id})
    cadres = dict(db.session.execute(sa.select(Cadre.id, Cadre.name).where(
        Cadre.id.in_({p.cadre_id for p in postings}))).all()) if postings else {}
    return [{
        **posting_view(p, villages), "id": p.id, "cadre_id": p.cadre_id,
        "cadre_name": cadres.get(p.cadre_id, ""), "role_name": POSTING_ROLE_NAMES.get(p.role, p.role),
        "supplier_id": p.supplier_id, "supplier_name": orgs.get(p.supplier_id) if p.supplier_id else None,
    } for p in postings]


def cadre_views(cadres: Sequence[Cadre]) -> list[dict[str, Any]]:
    villages = _villages({p.village_id for c in cadres for p in c.postings})
    orgs = org_names({c.unit_id for c in cadres})
    today = county_today()
    out = []
    for cadre in cadres:
        verdict = first_secretary_eligibility(cadre, today)
        out.append({
            "id": cadre.id, "name": cadre.name, "unit_id": cadre.unit_id,
            "unit_name": orgs.get(cadre.unit_id, ""),
            "postings": [posting_view(p, villages) for p in cadre.postings],
            "posted": bool(cadre.active_postings),
            "party_status": cadre.party_status,
            "party_status_name": PARTY_NAMES.get(cadre.party_status, cadre.party_status),
            "party_member_since": cadre.party_member_since,
            "party_confirmed_on": cadre.party_confirmed_on,
            "work_start_date": cadre.work_start_date,
            "employment_type": cadre.employment_type,
            "employment_type_name": EMPLOYMENT_NAMES.get(cadre.employment_type, cadre.employment_type),
            "birth_date": cadre.birth_date, "post": cadre.post, "rural_expertise": cadre.rural_expertise,
            "eligible_first_secretary": verdict.eligible,
            "eligibility_reasons": verdict.violations,
            "eligibility_warnings": verdict.warnings,
        })
    return out


# -- the change log -------------------------------------------------------------------------------

def changes_statement(*, entity: str | None = None, entity_id: str | None = None, actor: str | None = None,
                      day_from: date | None = None, day_to: date | None = None) -> sa.Select:
    """The roster changes matching the filters, newest first; days are the county's (Beijing) days,
    `day_to` included."""
    stmt = sa.select(RosterChange).order_by(RosterChange.id.desc())
    if entity:
        stmt = stmt.where(RosterChange.entity == entity)
    if entity_id:
        stmt = stmt.where(RosterChange.entity_id == entity_id)
    if actor:
        stmt = stmt.where(RosterChange.actor_login == actor)
    tz = get_settings().tz
    if day_from:
        stmt = stmt.where(RosterChange.at >= datetime.combine(day_from, time(), tzinfo=tz))
    if day_to:
        stmt = stmt.where(RosterChange.at < datetime.combine(day_to + timedelta(days=1), time(), tzinfo=tz))
    return stmt


def _record_names(changes: Sequence[RosterChange]) -> dict[tuple[str, str], str]:
    """What each change is about, by name: an org's, a village's, a cadre's, a posting's cadre and
    village, a user's display name."""
    ids: dict[str, set[str]] = {}
    for c in changes:
        ids.setdefault(c.entity, set()).add(c.entity_id)
    out: dict[tuple[str, str], str] = {}
    for entity in ("township", "unit"):
        out.update({(entity, k): v for k, v in org_names(ids.get(entity, set())).items()})
    for entity, model in (("village", Village), ("cadre", Cadre)):
        if ids.get(entity):
            rows = db.session.execute(sa.select(model.id, model.name).where(model.id.in_(ids[entity])))
            out.update({(entity, k): v for k, v in rows.all()})
    if ids.get("user"):
        rows = db.session.execute(sa.select(User.login, User.display_name).where(User.login.in_(ids["user"])))
        out.update({("user", k): v for k, v in rows.all()})
    posting_ids = [int(i) for i in ids.get("posting", set()) if i.isdigit()]
    if posting_ids:
        postings = db.session.execute(sa.select(Posting).where(Posting.id.in_(posting_ids))).scalars().all()
        for view in posting_rows(postings):
            label = f"{view['cadre_name']}（{view['village_name']} {view['role_name']}）"
            out[("posting", str(view["id"]))] = label
    out.update(support_record_names(ids))
    return out


def change_views(changes: Sequence[RosterChange]) -> list[dict[str, Any]]:
    names = _record_names(changes)
    actors = dict(db.session.execute(sa.select(User.login, User.display_name).where(
        User.login.in_({c.actor_login for c in changes}))).all()) if changes else {}
    return [{
        "id": c.id, "at": c.at, "actor_login": c.actor_login,
        "actor_name": actors.get(c.actor_login, c.actor_login),
        "actor_role": c.actor_role, "actor_role_name": ROLE_NAMES.get(c.actor_role or "", c.actor_role),
        "entity": c.entity, "entity_name": ROSTER_ENTITY_NAMES.get(c.entity, c.entity),
        "entity_id": c.entity_id, "record_name": names.get((c.entity, c.entity_id)),
        "action": c.action, "action_name": ROSTER_ACTION_NAMES.get(c.action, c.action),
        "before": c.before, "after": c.after, "source": c.source,
        "source_name": ROSTER_SOURCE_NAMES.get((c.source or "").split(":")[0], c.source),
        "prev_hash": c.prev_hash, "change_hash": c.change_hash,
    } for c in changes]


def history_statement(ids_by_entity: dict[str, list[str]]) -> sa.Select:
    """The changes of the given records (a cadre and its postings, say), newest first."""
    conditions = [sa.and_(RosterChange.entity == entity, RosterChange.entity_id.in_(ids))
                  for entity, ids in ids_by_entity.items() if ids]
    return sa.select(RosterChange).where(sa.or_(*conditions) if conditions else sa.false()) \
        .order_by(RosterChange.id.desc())
