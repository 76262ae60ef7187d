"""Who may change which part of the county's roster.

The county's Organization Department and the administrator change anything. A unit's HR keeps the
facts of its own cadres (not which unit they belong to). A township keeps the facts of the cadres
on its own staff and the team-member postings it supplies to its own villages. Everyone else
(county leading group, rural revitalization bureau, auditors, cadres) reads only.
"""

from __future__ import annotations

from collections.abc import Iterable

from service.core.errors import Forbidden
from service.core.principal import Principal

COUNTY_EDITORS = ("admin", "org_dept")
ROSTER_ROLES = (*COUNTY_EDITORS, "unit_hr", "township")


def county_editor(actor: Principal) -> str | None:
    """The role under which `actor` changes anything of the roster, if it holds one."""
    return next((g.role for g in actor.grants if g.role in COUNTY_EDITORS), None)


def may_edit_roster(actor: Principal) -> bool:
    """Whether any part of the roster is the actor's to change (pages show the edit forms)."""
    return actor.has_role(*ROSTER_ROLES)


def require_roster_role(actor: Principal) -> None:
    """Refuse at once whoever changes no part of the roster, before its input is looked at."""
    if not may_edit_roster(actor):
        raise Forbidden("无权修改名册：只有县委组织部、系统管理员、派出单位（人事部门）和乡镇"
                        "可以修改各自范围内的名册。")


def require_county_editor(actor: Principal, what: str) -> str:
    role = county_editor(actor)
    if role is None:
        raise Forbidden(f"无权{what}：只有县委组织部或系统管理员可以{what}。")
    return role


def cadre_editor(actor: Principal, unit_ids: Iterable[str | None], unit_changes: bool) -> str:
    """The role under which `actor` changes a cadre of `unit_ids` (its unit before and after)."""
    role = county_editor(actor)
    if role is not None:
        return role
    if unit_changes:
        raise Forbidden("无权更改干部的所在单位：只有县委组织部或系统管理员可以调整。")
    units = {u for u in unit_ids if u}
    for own in ("unit_hr", "township"):
        if units and units <= actor.scopes(own):
            return own
    raise Forbidden("无权修改该干部：派出单位（人事部门）只能修改本单位干部，乡镇只能修改本乡镇干部。")


def posting_editor(actor: Principal, role: str | None, township_id: str | None,
                   supplier_id: str | None) -> str:
    """The role under which `actor` changes a posting (role, its village's township, its supplier)."""
    editor = county_editor(actor)
    if editor is not None:
        return editor
    if (role == "team_member" and township_id is not None and supplier_id == township_id
            and township_id in actor.scopes("township")):
        return "township"
    raise Forbidden("无权修改该任职：乡镇只能安排本乡镇各村由本乡镇选派的驻村工作队员，"
                    "其他任职由县委组织部办理。")
