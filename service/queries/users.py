"""User accounts as the administrators' list and forms read them: filters, the names of the
jurisdictions roles are held in, and the jurisdictions a role can be given."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from service.core.labels import ROLE_NAMES, SCOPE_KIND_NAMES
from service.core.principal import Principal
from service.persistence.db import db
from service.persistence.models import Cadre, Org, User, UserRole
from service.queries.access import user_clause

# The org kind a role's scope must have (cadre scopes are cadres, not orgs).
ORG_KIND_BY_SCOPE_KIND = {"unit": "dispatch_unit", "township": "township", "county": "county_body"}
# The county's scope id when the database has no county body yet (an empty database's first admin).
DEFAULT_COUNTY_ID = "county"


def county_scope_id() -> str:
    """The scope id of the county-wide roles: the top county body (the county leading group)."""
    found = db.session.execute(
        sa.select(Org.id).where(Org.kind == "county_body", Org.parent_id.is_(None)).order_by(Org.id)
    ).scalars().first()
    return found or DEFAULT_COUNTY_ID


def scope_exists(kind: str, scope_id: str) -> bool:
    """Whether `scope_id` names a jurisdiction of `kind` (unit, township, cadre, county)."""
    if kind == "county":
        return scope_id == county_scope_id()
    if kind == "cadre":
        return db.session.get(Cadre, scope_id) is not None
    org = db.session.get(Org, scope_id)
    return org is not None and org.kind == ORG_KIND_BY_SCOPE_KIND[kind]


def scope_label(scope_id: str) -> str:
    """How a person names `scope_id`: the org's or cadre's name (the id when neither exists)."""
    org = db.session.get(Org, scope_id)
    if org is not None:
        return org.name
    cadre = db.session.get(Cadre, scope_id)
    return cadre.name if cadre is not None else scope_id


@dataclass(frozen=True)
class UserFilter:
    role: str | None = None
    scope_id: str | None = None
    active: bool | None = None
    text: str | None = None  # part of the login or the display name


def users_statement(principal: Principal, wanted: UserFilter) -> sa.Select[Any]:
    """The accounts the caller manages that match `wanted`, by login."""
    stmt = sa.select(User).where(user_clause(principal)).order_by(User.login)
    if wanted.role or wanted.scope_id:
        match = sa.select(UserRole.id).where(UserRole.login == User.login)
        if wanted.role:
            match = match.where(UserRole.role == wanted.role)
        if wanted.scope_id:
            match = match.where(UserRole.scope_id == wanted.scope_id)
        stmt = stmt.where(match.exists())
    if wanted.active is not None:
        stmt = stmt.where(User.active.is_(wanted.active))
    if wanted.text:
        pattern = "%" + wanted.text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        stmt = stmt.where(sa.or_(User.login.ilike(pattern, escape="\\"),
                                 User.display_name.ilike(pattern, escape="\\")))
    return stmt


def visible_user(principal: Principal, login: str) -> User | None:
    """The account `login` if the caller manages it (None: missing or not the caller's to see)."""
    return db.session.execute(
        sa.select(User).where(User.login == login, user_clause(principal))).scalar_one_or_none()


def scope_names(users: list[User]) -> dict[tuple[str, str], str]:
    """(scope kind, id) -> Chinese name for every role of `users`, in two round trips."""
    orgs = {r.scope_id for u in users for r in u.roles if r.scope_kind != "cadre"}
    cadres = {r.scope_id for u in users for r in u.roles if r.scope_kind == "cadre"}
    names: dict[tuple[str, str], str] = {}
    if orgs:
        for org in db.session.execute(sa.select(Org.id, Org.name, Org.kind).where(Org.id.in_(orgs))):
            for kind, org_kind in ORG_KIND_BY_SCOPE_KIND.items():
                if org.kind == org_kind:
                    names[(kind, org.id)] = org.name
    if cadres:
        for cadre in db.session.execute(sa.select(Cadre.id, Cadre.name).where(Cadre.id.in_(cadres))):
            names[("cadre", cadre.id)] = cadre.name
    return names


def user_item(user: User, names: dict[tuple[str, str], str]) -> dict[str, Any]:
    """An account as the API answers it and the pages show it: never a hash or a token."""
    return {
        "login": user.login, "display_name": user.display_name, "active": user.active,
        "roles": [{"role": r.role, "role_name": ROLE_NAMES.get(r.role, r.role),
                   "scope_kind": r.scope_kind, "scope_kind_name": SCOPE_KIND_NAMES.get(r.scope_kind),
                   "scope_id": r.scope_id,
                   "scope_name": names.get((r.scope_kind, r.scope_id),
                                           "全县" if r.scope_kind == "county" else None)}
                  for r in user.roles],
        "has_password": user.password_hash is not None,
        "has_token": user.token_hash is not None,
        "token_expires_at": user.token_expires_at if user.token_hash is not None else None,
        "created_at": user.created_at,
    }


def user_items(users: list[User]) -> list[dict[str, Any]]:
    names = scope_names(users)
    return [user_item(u, names) for u in users]


def scope_choices() -> dict[str, list[tuple[str, str]]]:
    """The jurisdictions each scope kind can name, as (id, Chinese name) sorted by name: what the
    form offers. Cadres carry their unit's name, since two cadres may share a name."""
    orgs = db.session.execute(sa.select(Org.id, Org.name, Org.kind).order_by(Org.name, Org.id)).all()
    choices: dict[str, list[tuple[str, str]]] = {kind: [] for kind in SCOPE_KIND_NAMES}
    unit_names = {}
    for org in orgs:
        if org.kind == "dispatch_unit":
            choices["unit"].append((org.id, org.name))
            unit_names[org.id] = org.name
        elif org.kind == "township":
            choices["township"].append((org.id, org.name))
    cadres = sa.select(Cadre.id, Cadre.name, Cadre.unit_id).order_by(Cadre.name, Cadre.id)
    for cadre in db.session.execute(cadres):
        unit = unit_names.get(cadre.unit_id)
        choices["cadre"].append((cadre.id, f"{cadre.name}（{unit}）" if unit else cadre.name))
    choices["county"].append((county_scope_id(), "全县"))
    return choices
