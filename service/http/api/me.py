"""GET /api/v1/me: the caller, its roles and the scopes they apply in."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from service.core.labels import ROLE_NAMES
from service.core.principal import Principal
from service.http.api.blueprint import Blueprint
from service.http.api.schemas.me import MeSchema
from service.http.auth import authenticate
from service.persistence.db import db
from service.persistence.models import Cadre, Org

blp = Blueprint("me", __name__, url_prefix="/api/v1", description="当前用户")


def _scope_names(principal: Principal) -> dict[tuple[str, str], str]:
    org_ids = {g.scope_id for g in principal.grants if g.scope_kind != "cadre"}
    cadre_ids = {g.scope_id for g in principal.grants if g.scope_kind == "cadre"}
    names: dict[tuple[str, str], str] = {}
    if org_ids:
        for org_id, name in db.session.execute(sa.select(Org.id, Org.name).where(Org.id.in_(org_ids))):
            names.update({(kind, org_id): name for kind in ("unit", "township", "county")})
    if cadre_ids:
        for cadre_id, name in db.session.execute(
            sa.select(Cadre.id, Cadre.name).where(Cadre.id.in_(cadre_ids))
        ):
            names[("cadre", cadre_id)] = name
    return names


@blp.get("/me")
@blp.response(200, MeSchema)
def me() -> dict[str, Any]:
    """当前登录用户、角色及管辖范围"""
    principal = authenticate()
    names = _scope_names(principal)
    return {
        "login": principal.login,
        "display_name": principal.display_name,
        "roles": [
            {
                "role": g.role,
                "role_name": ROLE_NAMES.get(g.role, g.role),
                "scope_kind": g.scope_kind,
                "scope_id": g.scope_id,
                "scope_name": names.get((g.scope_kind, g.scope_id)),
            }
            for g in principal.grants
        ],
    }
