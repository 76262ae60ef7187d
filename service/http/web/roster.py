"""名册: the county's townships, dispatch units, villages and cadres, each with its edit form and
its change history. Who may change what is the commands' decision; the pages only offer the forms
to those who may use them (others read). Cadres are listed as the access policy lets each role read."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from service.commands.roster import (
    cadre_warnings,
    end_posting,
    save_cadre,
    save_posting,
    save_township,
    save_unit,
    save_village,
)
from service.commands.roster.cadre import cadre_snapshot
from service.commands.roster.orgs import org_snapshot
from service.commands.roster.permissions import county_editor
from service.commands.roster.village import village_snapshot
from service.commands.uow import unit_of_work
from service.core.errors import Conflict, NotFound, ValidationFailed
from service.core.labels import POSTING_ROLE_NAMES, UNIT_KIND_NAMES, UNIT_LEVEL_NAMES, VILLAGE_CATEGORY_NAMES
from service.core.principal import Principal
from service.http.pagination import paginate
from service.http.web import bp
from service.http.web.forms import field_errors
from service.http.web.paging import page_arg, page_count
from service.http.web.party_relations import party_relations
from service.http.web.roster_forms import (
    Field,
    describe,
    fields_for,
    form_values,
    org_choices,
    parse_date_text,
    parse_form,
)
from service.http.web.session import require_principal, roles_required
from service.persistence.db import db
from service.persistence.models import Cadre, Org, Posting, Village, VillageCategory
from service.queries.access import cadre_clause, can_see_cadre
from service.queries.presence import county_today, year_of
from service.queries.roster import (
    cadre_views,
    change_views,
    history_statement,
    posting_rows,
    village_views,
)

# Everyone whose work reads the roster; cadres read their own page elsewhere.
READERS = ("admin", "org_dept", "unit_hr", "township", "county", "rrb", "auditor")
PER_PAGE = 20
SOURCE = "page"
HISTORY_SIZE = 50


@dataclass(frozen=True)
class Entity:
    title: str
    save: Any
    list_endpoint: str


ENTITIES = {
    "township": Entity("乡镇", save_township, "web.roster_townships"),
    "unit": Entity("派出单位", save_unit, "web.roster_units"),
    "village": Entity("村", save_village, "web.roster_villages"),
    "cadre": Entity("干部", save_cadre, "web.roster_cadres"),
}
ORG_KIND = {"township": "township", "unit": "dispatch_unit"}


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


# -- lists ----------------------------------------------------------------------------------------

@bp.get("/roster")
@roles_required(*READERS)
def roster_home() -> Response:
    return redirect(url_for("web.roster_cadres"))


@bp.get("/roster/townships")
@roles_required(*READERS)
def roster_townships() -> str:
    principal = require_principal()
    counts = dict(db.session.execute(sa.select(Village.township_id, sa.func.count())
                                     .group_by(Village.township_id)).all())
    rows = db.session.execute(sa.select(Org).where(Org.kind == "township").order_by(Org.id)).scalars().all()
    return render_template("web/roster_townships.html", rows=rows, counts=counts,
                           can_create=county_editor(principal) is not None, tab="township")


@bp.get("/roster/units")
@roles_required(*READERS)
def roster_units() -> str:
    principal = require_principal()
    args = {k: request.args.get(k, "") for k in ("level", "unit_kind")}
    stmt = sa.select(Org).where(Org.kind == "dispatch_unit").order_by(Org.id)
    if args["level"]:
        stmt = stmt.where(Org.level == args["level"])
    if args["unit_kind"]:
        stmt = stmt.where(Org.unit_kind == args["unit_kind"])
    rows = db.session.execute(stmt).scalars().all()
    staff = dict(db.session.execute(sa.select(Cadre.unit_id, sa.func.count()).group_by(Cadre.unit_id)).all())
    posted = dict(db.session.execute(sa.select(Posting.supplier_id, sa.func.count()).where(
        Posting.active.is_(True)).group_by(Posting.supplier_id)).all())
    return render_template("web/roster_units.html", rows=rows, staff=staff, posted=posted, args=args,
                           levels=UNIT_LEVEL_NAMES, kinds=UNIT_KIND_NAMES,
                           can_create=county_editor(principal) is not None, tab="unit")


@bp.get("/roster/villages")
@roles_required(*READERS)
def roster_villages() -> str:
    principal = require_principal()
    args = {k: request.args.get(k, "").strip() for k in ("township_id", "category", "q")}
    stmt = sa.select(Village).order_by(Village.township_id, Village.id)
    if args["township_id"]:
        stmt = stmt.where(Village.township_id == args["township_id"])
    if args["category"]:
        stmt = stmt.where(sa.select(VillageCategory.village_id).where(
            VillageCategory.village_id == Village.id, VillageCategory.category == args["category"]).exists())
    if args["q"]:
        stmt = stmt.where(Village.name.like(_like(args["q"]), escape="\\"))
    page = paginate(stmt, page_arg(), PER_PAGE)
    items = village_views(page["items"])
    ids = [v["id"] for v in items]
    sitting = db.session.execute(
        sa.select(Posting.village_id, Posting.role, Cadre.name).join(Cadre, Cadre.id == Posting.cadre_id)
        .where(Posting.village_id.in_(ids), Posting.active.is_(True)).order_by(Cadre.id)).all() if ids else []
    for v in items:
        v["first_secretary"] = [n for vid, role, n in sitting if vid == v["id"] and role == "first_secretary"]
        v["team"] = [n for vid, role, n in sitting if vid == v["id"] and role == "team_member"]
    return render_template("web/roster_villages.html", items=items, args=args, total=page["total"],
                           page=page["page"], pages=page_count(page["total"], PER_PAGE),
                           townships=org_choices("township"), categories=VILLAGE_CATEGORY_NAMES,
                           can_create=county_editor(principal) is not None, tab="village")


@bp.get("/roster/cadres")
@roles_required(*READERS)
def roster_cadres() -> str:
    principal = require_principal()
    args = {k: request.args.get(k, "").strip() for k in ("unit_id", "posted", "q")}
    stmt = sa.select(Cadre).order_by(Cadre.unit_id, Cadre.id)
    visible = cadre_clause(principal)
    if visible is not None:
        stmt = stmt.where(visible)
    if args["unit_id"]:
        stmt = stmt.where(Cadre.unit_id == args["unit_id"])
    active = sa.select(Posting.id).where(Posting.cadre_id == Cadre.id, Posting.active.is_(True)).exists()
    if args["posted"] in ("yes", "no"):
        stmt = stmt.where(active if args["posted"] == "yes" else ~active)
    if args["q"]:
        stmt = stmt.where(Cadre.name.like(_like(args["q"]), escape="\\"))
    page = paginate(stmt, page_arg(), PER_PAGE)
    return render_template("web/roster_cadres.html", items=cadre_views(page["items"]), args=args,
                           total=page["total"], page=page["page"],
                           pages=page_count(page["total"], PER_PAGE),
                           units=org_choices("dispatch_unit", "township"),
                           can_create=bool(_cadre_units(principal)), tab="cadre")


# -- one record: its form and its history ---------------------------------------------------------

def _cadre_units(principal: Principal) -> list[tuple[str, str]]:
    """The units a new cadre of this user may belong to."""
    if county_editor(principal) is not None:
        return org_choices("dispatch_unit", "township")
    own = set(principal.scopes("unit_hr")) | set(principal.scopes("township"))
    return org_choices("dispatch_unit", "township", only=own) if own else []


def _load(entity: str, record_id: str, principal: Principal) -> Any:
    if entity in ORG_KIND:
        row = db.session.get(Org, record_id)
        return row if row is not None and row.kind == ORG_KIND[entity] else None
    if entity == "village":
        return db.session.get(Village, record_id)
    cadre = db.session.get(Cadre, record_id)
    # As on the API: a cadre the user may not read is answered as if it did not exist.
    return cadre if cadre is not None and can_see_cadre(principal, cadre) else None


def _can_edit(entity: str, row: Any, principal: Principal) -> bool:
    if county_editor(principal) is not None:
        return True
    if entity != "cadre":
        return False
    own = principal.scopes("unit_hr") | principal.scopes("township")
    return bool(own) if row is None else row.unit_id in own


def _fields(entity: str, row: Any, principal: Principal) -> list[Field]:
    unit_fixed = county_editor(principal) is None and row is not None
    return fields_for(entity, row is None, unit_choices=_cadre_units(principal) if not unit_fixed else
                      org_choices("dispatch_unit", "township"), unit_fixed=unit_fixed)


def _snapshot(entity: str, row: Any) -> dict[str, Any]:
    if entity in ORG_KIND:
        return {"id": row.id, **org_snapshot(row)}
    if entity == "village":
        return {"id": row.id, **village_snapshot(row)}
    return {"id": row.id, **cadre_snapshot(row)}


def _postings_context(row: Cadre, principal: Principal) -> dict[str, Any]:
    postings = posting_rows(row.postings)
    townships = principal.scopes("township")
    county = county_editor(principal) is not None
    for p in postings:
        supplied = p["role"] == "team_member" and p["supplier_id"] in townships
        p["editable"] = p["active"] and (county or (supplied and p["township_id"] in townships))
    may_post = county or row.unit_id in townships
    villages = db.session.execute(
        sa.select(Village).order_by(Village.township_id, Village.id)).scalars().all()
    return {
        "postings": postings,
        "may_post": may_post and not row.active_postings,
        "post_villages": [(v.id, v.name) for v in villages if county or v.township_id in townships],
        "post_roles": list(POSTING_ROLE_NAMES.items()) if county else [("team_member", "驻村工作队员")],
        "suppliers": org_choices("dispatch_unit", "township") if county else
        org_choices("township", only=set(townships)),
    }


def _history(entity: str, row: Any) -> list[dict[str, Any]]:
    ids: dict[str, list[str]] = {entity: [row.id]}
    if entity == "cadre":
        ids["posting"] = [str(p.id) for p in row.postings]
        ids["party_relation"] = ids["posting"]
    changes = db.session.execute(history_statement(ids).limit(HISTORY_SIZE)).scalars().all()
    return describe(change_views(changes))


def _render(entity: str, row: Any, values: dict[str, Any], errors: dict[str, list[str]],
            status: int = 200, **extra: Any) -> tuple[str, int]:
    principal = require_principal()
    fields = _fields(entity, row, principal)
    context: dict[str, Any] = {"posting_errors": {}, "end_errors": {}, "posting_values": {}}
    if entity == "cadre" and row is not None:
        context.update(_postings_context(row, principal))
        context["view"] = cadre_views([row])[0]
        context["presence"] = year_of(row.id, county_today().year)
        context["relations"] = party_relations(principal, row)
    if entity == "village" and row is not None:
        context["stationed"] = posting_rows(db.session.execute(sa.select(Posting).where(
            Posting.village_id == row.id, Posting.active.is_(True)).order_by(Posting.role, Posting.id)
        ).scalars().all())
    context.update(extra)
    return render_template(
        "web/roster_record.html", entity=entity, meta=ENTITIES[entity], row=row, fields=fields,
        values=values, errors=errors, can_edit=_can_edit(entity, row, principal),
        history=_history(entity, row) if row is not None else [], tab=entity, **context), status


def _kind(entity: str) -> Entity:
    if entity not in ENTITIES:
        abort(404)
    return ENTITIES[entity]


@bp.get("/roster/<string:entity>/new")
@roles_required(*READERS)
def roster_new(entity: str) -> tuple[str, int]:
    _kind(entity)
    if not _can_edit(entity, None, require_principal()):
        abort(403)
    return _render(entity, None, {}, {})


@bp.get("/roster/<string:entity>/<string:record_id>")
@roles_required(*READERS)
def roster_record(entity: str, record_id: str) -> tuple[str, int]:
    _kind(entity)
    row = _load(entity, record_id, require_principal())
    if row is None:
        raise NotFound(f"{ENTITIES[entity].title} {record_id} 不存在或无权查看。")
    return _render(entity, row, form_values(_snapshot(entity, row)), {})


def _taken(entity: str, record_id: Any) -> bool:
    """A new record's id already in use (the form creates; it must not update another record)."""
    if not isinstance(record_id, str) or not record_id:
        return False
    model = Org if entity in ORG_KIND else Village if entity == "village" else Cadre
    return db.session.get(model, record_id) is not None


def _save(entity: str, record_id: str | None) -> Response | tuple[str, int]:
    principal = require_principal()
    meta = _kind(entity)
    row = _load(entity, record_id, principal) if record_id is not None else None
    if record_id is not None and row is None:
        raise NotFound(f"{meta.title} {record_id} 不存在或无权查看。")
    if not _can_edit(entity, row, principal):
        abort(403)
    fields = _fields(entity, row, principal)
    values = parse_form(fields, request.form)
    if row is not None:
        values["id"] = row.id
    elif _taken(entity, values.get("id")):
        shown = request.form.to_dict()
        return _render(entity, None, shown, {"id": [f"编号 {values['id']} 已被使用，请换一个编号。"]}, 422)
    warnings = cadre_warnings(values) if entity == "cadre" else {}
    try:
        with unit_of_work():
            change = meta.save(principal, values, source=SOURCE)
    except (ValidationFailed, Conflict) as err:
        shown = {**(form_values(_snapshot(entity, row)) if row is not None else {}), **request.form.to_dict()}
        if entity == "village":
            shown["categories"] = values.get("categories", [])
        known = {f.name for f in fields}
        return _render(entity, row, shown, field_errors(err.errors or {"_form": [err.detail]}, known),
                       err.status)
    flash(f"{meta.title}信息已保存。" if change is not None else "没有修改任何内容。", "ok")
    for messages in warnings.values():
        for message in messages:
            flash(f"请注意：{message}", "warn")
    return redirect(url_for("web.roster_record", entity=entity, record_id=values["id"]))


@bp.post("/roster/<string:entity>/new")
@roles_required(*READERS)
def roster_create(entity: str) -> Response | tuple[str, int]:
    return _save(entity, None)


@bp.post("/roster/<string:entity>/<string:record_id>")
@roles_required(*READERS)
def roster_update(entity: str, record_id: str) -> Response | tuple[str, int]:
    return _save(entity, record_id)


# -- a cadre's postings ---------------------------------------------------------------------------

def _visible_cadre(cadre_id: str) -> Cadre:
    cadre = _load("cadre", cadre_id, require_principal())
    if cadre is None:
        raise NotFound(f"干部 {cadre_id} 不存在或无权查看。")
    return cadre


def _cadre_page(cadre: Cadre, status: int, **extra: Any) -> tuple[str, int]:
    return _render("cadre", cadre, form_values(_snapshot("cadre", cadre)), {}, status, **extra)


@bp.post("/roster/cadre/<string:cadre_id>/postings")
@roles_required(*READERS)
def roster_posting_create(cadre_id: str) -> Response | tuple[str, int]:
    principal = require_principal()
    cadre = _visible_cadre(cadre_id)
    form = request.form
    values: dict[str, Any] = {
        "cadre_id": cadre.id, "village_id": form.get("village_id", ""), "role": form.get("role", ""),
        "term_start": parse_date_text(form.get("term_start", "")),
    }
    for name in ("planned_end",):
        if form.get(name, "").strip():
            values[name] = parse_date_text(form[name])
    if form.get("supplier_id"):
        values["supplier_id"] = form["supplier_id"]
    try:
        with unit_of_work():
            save_posting(principal, values, source=SOURCE)
    except (ValidationFailed, Conflict) as err:
        known = {"village_id", "role", "term_start", "planned_end", "supplier_id", "cadre_id", "leads_team"}
        errors = field_errors(err.errors or {"_form": [err.detail]}, known)
        return _cadre_page(cadre, err.status, posting_errors=errors, posting_values=form.to_dict())
    flash("任职已保存。", "ok")
    return redirect(url_for("web.roster_record", entity="cadre", record_id=cadre.id))


def _posting_of(posting_id: int) -> tuple[Posting, Cadre]:
    posting = db.session.get(Posting, posting_id)
    if posting is None:
        raise NotFound(f"任职 {posting_id} 不存在。")
    return posting, _visible_cadre(posting.cadre_id)


@bp.post("/roster/postings/<int:posting_id>/end")
@roles_required(*READERS)
def roster_posting_end(posting_id: int) -> Response | tuple[str, int]:
    principal = require_principal()
    posting, cadre = _posting_of(posting_id)
    try:
        with unit_of_work():
            end_posting(principal, posting_id, parse_date_text(request.form.get("ended_on", "")),
                        request.form.get("reason", "").strip(), source=SOURCE)
    except (ValidationFailed, Conflict) as err:
        errors = field_errors(err.errors or {"_form": [err.detail]}, {"ended_on", "reason"})
        return _cadre_page(cadre, err.status, end_errors={posting.id: errors})
    flash("任职已结束。", "ok")
    return redirect(url_for("web.roster_record", entity="cadre", record_id=cadre.id))


@bp.post("/roster/postings/<int:posting_id>")
@roles_required(*READERS)
def roster_posting_update(posting_id: int) -> Response | tuple[str, int]:
    principal = require_principal()
    posting, cadre = _posting_of(posting_id)
    try:
        with unit_of_work():
            change = save_posting(principal, {"id": posting_id, "planned_end": parse_date_text(
                request.form.get("planned_end", ""))}, source=SOURCE)
    except (ValidationFailed, Conflict) as err:
        errors = field_errors(err.errors or {"_form": [err.detail]}, {"planned_end"})
        return _cadre_page(cadre, err.status, end_errors={posting.id: errors})
    flash("计划任期届满日期已修改。" if change is not None else "没有修改任何内容。", "ok")
    return redirect(url_for("web.roster_record", entity="cadre", record_id=cadre.id))

