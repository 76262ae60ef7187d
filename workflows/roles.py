"""The roles a process step is assigned to, their Chinese names, and reading a role from a lane.

A diagram drawn in bpmn.io or Camunda Modeler says who acts by its lanes ("乡镇", "组织部"), not by
`camunda:candidateGroups`. `lane_role` reads the role a lane names, by its id (`township`,
`lane_township`) or by its name: the Chinese name of the role (service/core/labels.py reads
ROLE_NAMES from here), a usual short form of it, or a longer name that contains one ("红旗镇党委"
is a township's lane). Anything else names no role, so that a task is never given to someone by
a guess; the deploy then says which lane or task needs a role.
"""

from __future__ import annotations

import re

ROLE_NAMES = {
    "unit_hr": "派出单位（人事部门）",
    "township": "乡镇党委政府",
    "county": "县驻村工作领导小组",
    "org_dept": "县委组织部",
    "rrb": "县乡村振兴局",
    "cadre": "驻村干部",
    "auditor": "审计监督",
    "admin": "系统管理员",
}
# Roles a task may be assigned to: every role but the auditors, who only read.
TASK_ROLES = ("unit_hr", "township", "county", "org_dept", "rrb", "cadre", "admin")
# The task's jurisdiction when the diagram names none (design.md §1, property `scope`): a role
# held in the whole county acts county-wide; the others in the unit, township or cadre the
# instance's data names (a county scope would give their task to nobody).
DEFAULT_SCOPES = {"unit_hr": "unit:unit_id", "township": "township:township_id", "cadre": "cadre:cadre_id"}
COUNTY_SCOPE = "county"

# Other names people give a role's lane, besides its full name. Longer names that contain one of
# these (at least two characters) name the role too; the longest match wins ("县委组织部干部科").
ROLE_ALIASES = {
    "unit_hr": ("派出单位", "派出单位人事部门", "单位人事部门", "人事部门", "人事科", "人事股", "后盾单位"),
    "township": ("乡镇", "乡镇党委", "乡镇政府", "乡镇党委政府", "乡（镇）", "镇党委", "乡党委", "街道"),
    "county": ("县驻村工作领导小组", "驻村工作领导小组", "县领导小组", "领导小组", "县"),
    "org_dept": ("县委组织部", "组织部"),
    "rrb": ("县乡村振兴局", "乡村振兴局", "振兴局", "乡村振兴部门"),
    "cadre": ("驻村干部", "驻村第一书记", "第一书记", "驻村工作队员", "工作队员", "工作队", "干部本人"),
    "admin": ("系统管理员", "管理员"),
}
_LANE_PREFIX = re.compile(r"^(lane|swimlane)[_\-\s]*", re.IGNORECASE)
_SPACES = re.compile(r"\s+")


def _names() -> list[tuple[str, str]]:
    pairs = [(name, role) for role, name in ROLE_NAMES.items()]
    pairs += [(alias, role) for role, aliases in ROLE_ALIASES.items() for alias in aliases]
    return [(_clean(name), role) for name, role in pairs]


def _clean(text: str) -> str:
    return _SPACES.sub("", text).replace("(", "（").replace(")", "）").lower()


def role_named(text: str | None) -> str | None:
    """The role `text` names: a role id or a Chinese name of one; None if it names none."""
    if not text or not text.strip():
        return None
    code = _LANE_PREFIX.sub("", text.strip()).lower()
    if code in TASK_ROLES:
        return code
    cleaned = _clean(text)
    exact = {role for name, role in _names() if name == cleaned}
    if len(exact) == 1:
        return exact.pop()
    found = [(len(name), role) for name, role in _names() if len(name) >= 2 and name in cleaned]
    if not found:
        return None
    longest = max(length for length, _ in found)
    roles = {role for length, role in found if length == longest}
    return roles.pop() if len(roles) == 1 else None


def lane_role(lane_id: str | None, lane_name: str | None) -> str | None:
    """The role a lane names by its id (`township`, `lane_township`), else by its name."""
    by_id = _LANE_PREFIX.sub("", (lane_id or "").strip()).lower()
    if by_id in TASK_ROLES:
        return by_id
    return role_named(lane_name)


def default_scope(role: str) -> str:
    return DEFAULT_SCOPES.get(role, COUNTY_SCOPE)
