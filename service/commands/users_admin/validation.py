"""What an account must look like: its login, display name and roles with their jurisdictions.

Every problem of one request is collected and answered at once (422), each under the field it is
about (`login`, `display_name`, `roles[1].scope_id` ...), so a form can mark them all.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from service.core.errors import ValidationFailed
from service.core.labels import ROLE_NAMES, SCOPE_KIND_NAMES
from service.core.principal import SCOPE_KIND_BY_ROLE
from service.queries.users import county_scope_id, scope_exists, scope_label

# Lower-case letters, digits and _ . - only, starting with a letter: typed on any keyboard, safe in
# a URL path and a log line, and no two logins differ only in case or in look-alike characters.
LOGIN_PATTERN = re.compile(r"[a-z][a-z0-9_.-]{2,63}")
LOGIN_MIN, LOGIN_MAX = 3, 64
# The login the service's own actions are recorded under (commands.actor.SYSTEM).
RESERVED_LOGINS = frozenset({"system"})
DISPLAY_NAME_MAX = 100
MAX_ROLES = 20


@dataclass(frozen=True)
class RoleSpec:
    role: str
    scope_kind: str
    scope_id: str


class Problems:
    """Field -> messages, raised together as one 422."""

    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.errors.setdefault(field, []).append(message)

    def raise_any(self) -> None:
        if self.errors:
            first = next(iter(self.errors.values()))[0]
            raise ValidationFailed(first, errors=self.errors)


def check_login(login: str, problems: Problems) -> None:
    if not LOGIN_MIN <= len(login) <= LOGIN_MAX:
        problems.add("login", f"登录名须为 {LOGIN_MIN}-{LOGIN_MAX} 个字符，现为 {len(login)} 个。")
    elif not LOGIN_PATTERN.fullmatch(login):
        problems.add("login", "登录名只能包含小写英文字母、数字和 _ . -，且须以字母开头。")
    elif login in RESERVED_LOGINS:
        problems.add("login", f"登录名 {login} 为系统保留，不能使用。")


def clean_display_name(name: str | None, problems: Problems) -> str:
    name = (name or "").strip()
    if not name:
        problems.add("display_name", "请填写姓名（显示名称）。")
    elif len(name) > DISPLAY_NAME_MAX:
        problems.add("display_name", f"姓名（显示名称）最多 {DISPLAY_NAME_MAX} 字，现为 {len(name)} 字。")
    elif any(ch < " " or ch == "\x7f" for ch in name):
        problems.add("display_name", "姓名（显示名称）不能包含控制字符或换行。")
    return name


def _role_spec(index: int, item: Mapping[str, Any], county_id: str, problems: Problems) -> RoleSpec | None:
    at = f"roles[{index}]"
    ordinal = f"第 {index + 1} 个角色"
    role = item.get("role")
    if role not in SCOPE_KIND_BY_ROLE:
        problems.add(f"{at}.role", f"{ordinal}：角色 {role!r} 不存在。")
        return None
    kind = SCOPE_KIND_BY_ROLE[role]
    scope_id = (item.get("scope_id") or "").strip() or (county_id if kind == "county" else "")
    kind_name = SCOPE_KIND_NAMES[kind]
    if not scope_id:
        problems.add(f"{at}.scope_id", f"{ordinal}（{ROLE_NAMES[role]}）须选择管辖范围（{kind_name}）。")
        return None
    if not scope_exists(kind, scope_id):
        problems.add(f"{at}.scope_id",
                     f"{ordinal}（{ROLE_NAMES[role]}）的管辖范围「{scope_label(scope_id)}」不存在或不是{kind_name}。")
        return None
    return RoleSpec(role, kind, scope_id)


def parse_roles(items: Sequence[Mapping[str, Any]] | None, problems: Problems) -> list[RoleSpec]:
    """Each {role, scope_id} checked: the role exists and its scope is a jurisdiction of the kind
    it needs (unit_hr a dispatch unit, township a township, cadre a cadre, the county roles the
    county, which may be left out). At least one role; none twice."""
    items = list(items or [])
    if not items:
        problems.add("roles", "请至少授予一个角色。")
        return []
    if len(items) > MAX_ROLES:
        problems.add("roles", f"角色最多 {MAX_ROLES} 个，现为 {len(items)} 个。")
        return []
    county_id = county_scope_id()
    specs: list[RoleSpec] = []
    for index, item in enumerate(items):
        spec = _role_spec(index, item, county_id, problems)
        if spec is None:
            continue
        if spec in specs:
            problems.add(f"roles[{index}]", f"第 {index + 1} 个角色与前面的重复。")
            continue
        specs.append(spec)
    return specs
