"""The roster pages' forms: which fields each record has, how a post becomes the command's values,
and how a logged change reads to a person (Chinese field names, names instead of codes)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa
from werkzeug.datastructures import MultiDict

from service.commands.roster.fields import LABELS
from service.core.labels import (
    EMPLOYMENT_NAMES,
    PARTY_NAMES,
    POSTING_ROLE_NAMES,
    UNIT_KIND_NAMES,
    UNIT_LEVEL_NAMES,
    VILLAGE_CATEGORY_NAMES,
)
from service.persistence.db import db
from service.persistence.models import Cadre, Org, Village
from service.queries.roster import org_names

CODE_NAMES: dict[str, dict[str, str]] = {
    "level": UNIT_LEVEL_NAMES, "unit_kind": UNIT_KIND_NAMES, "party_status": PARTY_NAMES,
    "employment_type": EMPLOYMENT_NAMES, "role": POSTING_ROLE_NAMES, "categories": VILLAGE_CATEGORY_NAMES,
}
ORG_FIELDS = ("township_id", "unit_id", "supplier_id", "parent_id")
# Field names people read in the history that the commands' labels do not carry.
HISTORY_LABELS = {**LABELS, "name": "名称", "parent_id": "上级机构", "active": "在岗",
                  "categories": "村类别（第一项为主类别）",
                  # a posting's log (service/commands/posting_log.py) carries these two as well
                  "term_end": "实际离任日期", "source_instance_id": "办理流程编号"}


@dataclass
class Field:
    name: str
    label: str
    kind: str = "text"  # text | date | select | checkbox | categories
    choices: list[tuple[str, str]] = field(default_factory=list)
    required: bool = False
    readonly: bool = False
    help: str = ""


def _choices(names: dict[str, str]) -> list[tuple[str, str]]:
    return list(names.items())


def org_choices(*kinds: str, only: set[str] | None = None) -> list[tuple[str, str]]:
    stmt = sa.select(Org.id, Org.name, Org.kind).where(Org.kind.in_(kinds)).order_by(Org.kind, Org.id)
    rows = db.session.execute(stmt).all()
    many = len(kinds) > 1
    return [(r.id, f"{r.name}（{'乡镇' if r.kind == 'township' else '派出单位'}）" if many else r.name)
            for r in rows if only is None or r.id in only]


def fields_for(entity: str, creating: bool, *, unit_choices: list[tuple[str, str]] | None = None,
               unit_fixed: bool = False) -> list[Field]:
    ident = Field("id", "编号", required=True, readonly=not creating,
                  help="字母、数字和 - _ .，如 tw-qingshan；保存后不能修改")
    if entity == "township":
        return [ident, Field("name", "乡镇名称", required=True)]
    if entity == "unit":
        return [ident, Field("name", "单位名称", required=True),
                Field("level", "单位层级", "select", _choices(UNIT_LEVEL_NAMES), required=True,
                      help="软弱涣散村、红色名村的第一书记只能由县级单位选派"),
                Field("unit_kind", "单位性质", "select", _choices(UNIT_KIND_NAMES), required=True)]
    if entity == "village":
        return [ident, Field("name", "村名", required=True),
                Field("township_id", "所属乡镇", "select", org_choices("township"), required=True),
                Field("categories", "村类别", "categories", _choices(VILLAGE_CATEGORY_NAMES), required=True,
                      help="先选主类别，再勾选该村同时具有的其他类别")]
    return [ident, Field("name", "姓名", required=True),
            Field("unit_id", "所在单位", "select", unit_choices or [], required=True, readonly=unit_fixed,
                  help="派出单位，或乡镇（由乡镇补齐的驻村工作队员）"),
            Field("post", "现任职务"),
            Field("birth_date", "出生日期", "date", required=True),
            Field("work_start_date", "参加工作时间", "date", required=True),
            Field("employment_type", "用人性质", "select", _choices(EMPLOYMENT_NAMES), required=True,
                  help="临聘人员不得选派"),
            Field("party_status", "政治面貌", "select", _choices(PARTY_NAMES), required=True),
            Field("party_member_since", "入党时间", "date", help="党员必填"),
            Field("party_confirmed_on", "转正时间", "date", help="党龄自转正之日起算；预备党员不填"),
            Field("rural_expertise", "有农村工作经历或农业专长", "checkbox")]


def form_values(record: dict[str, Any]) -> dict[str, Any]:
    """A record's values as the form shows them (dates as ISO text, None as empty)."""
    out: dict[str, Any] = {}
    for name, value in record.items():
        if isinstance(value, date):
            out[name] = value.isoformat()
        elif value is None:
            out[name] = ""
        else:
            out[name] = value
    return out


def parse_date_text(raw: str) -> date | str | None:
    """A date; unparseable text is passed on so the command names the field; empty is None."""
    raw = raw.strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        return raw


def parse_form(fields: list[Field], form: MultiDict[str, str]) -> dict[str, Any]:
    """The command's values from a post: the editable fields only."""
    values: dict[str, Any] = {}
    for f in fields:
        if f.readonly:
            continue
        if f.kind == "checkbox":
            values[f.name] = form.get(f.name) == "on"
        elif f.kind == "date":
            values[f.name] = parse_date_text(form.get(f.name, ""))
        elif f.kind == "categories":
            main = form.get("category_main", "")
            others = [c for c in form.getlist("categories_other") if c and c != main]
            values[f.name] = ([main] if main else []) + others
        else:
            raw = form.get(f.name, "").strip()
            values[f.name] = raw if raw or f.required else None
    return values


def _names_for(changes: list[dict[str, Any]]) -> dict[str, str]:
    orgs: set[str] = set()
    villages: set[str] = set()
    cadres: set[str] = set()
    for c in changes:
        for side in (c["before"] or {}, c["after"] or {}):
            orgs |= {str(side[n]) for n in ORG_FIELDS if side.get(n)}
            if side.get("village_id"):
                villages.add(str(side["village_id"]))
            if side.get("cadre_id"):
                cadres.add(str(side["cadre_id"]))
    names = org_names(orgs)
    if villages:
        names.update(db.session.execute(
            sa.select(Village.id, Village.name).where(Village.id.in_(villages))).all())
    if cadres:
        names.update(db.session.execute(sa.select(Cadre.id, Cadre.name).where(Cadre.id.in_(cadres))).all())
    return names


def _shown(name: str, value: Any, names: dict[str, str]) -> str:
    if value is None or value == "":
        return "（空）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if name in CODE_NAMES:
        codes = [str(c) for c in (value if isinstance(value, list) else [value])]
        return "、".join(CODE_NAMES[name].get(c, c) for c in codes)
    if name in ORG_FIELDS or name in ("village_id", "cadre_id"):
        return f"{names.get(value, value)}"
    return str(value)


def describe(changes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each change with its fields as (label, before, after) in words a county official reads."""
    names = _names_for(changes)
    out = []
    for c in changes:
        before, after = c["before"] or {}, c["after"] or {}
        rows = [(HISTORY_LABELS.get(n, n), _shown(n, before.get(n), names) if c["before"] is not None else "",
                 _shown(n, after.get(n), names)) for n in after]
        out.append({**c, "rows": rows})
    return out
