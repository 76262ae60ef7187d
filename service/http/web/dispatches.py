"""选派 pages: the nomination form (村, 岗位, 干部 by name), the county's round form, the round page."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from service.commands.dispatch_rounds import create_round
from service.commands.dispatches import start_dispatch
from service.core.errors import Conflict, Forbidden, ValidationFailed
from service.core.labels import VILLAGE_CATEGORY_NAMES
from service.core.principal import Principal
from service.http.web import bp
from service.http.web.forms import field_errors, parse_date
from service.http.web.session import require_principal, roles_required
from service.persistence.db import db
from service.persistence.models import Cadre, Org, Posting, Village
from service.queries.dispatch_rounds import get_round, round_progress
from workflows.rules import ROLES

DISPATCH_FIELDS = {"village_id", "role", "cadre_id", "term_start", "planned_end", "predecessor_cadre_id"}
ROUND_FIELDS = {"name", "term_start", "term_end", "roles", "township_id", "categories", "village_ids"}


def _nominees(principal: Principal) -> list[Cadre]:
    """The caller's own unposted cadres: its unit's, or the township's own (team members)."""
    scopes = set(principal.scopes("unit_hr")) | set(principal.scopes("township"))
    posted = sa.select(Posting.id).where(Posting.cadre_id == Cadre.id, Posting.active.is_(True)).exists()
    return list(db.session.execute(sa.select(Cadre).where(Cadre.unit_id.in_(scopes), ~posted)
                                   .order_by(Cadre.name)).scalars())


def _villages() -> list[Village]:
    return list(db.session.execute(sa.select(Village).order_by(Village.township_id, Village.id)).scalars())


def _incumbents(village_ids: list[str]) -> list[dict[str, Any]]:
    """Cadres in post, the predecessors a term-end rotation may name."""
    rows = db.session.execute(sa.select(Posting, Cadre.name).join(Cadre, Cadre.id == Posting.cadre_id)
                              .where(Posting.active.is_(True), Posting.village_id.in_(village_ids))
                              .order_by(Posting.village_id, Posting.role)).all()
    return [{"cadre_id": p.cadre_id, "name": name, "village_id": p.village_id, "role": p.role,
             "planned_end": p.planned_end} for p, name in rows]


def _render_dispatch(values: dict[str, Any], errors: dict[str, list[str]],
                     status: int = 200) -> tuple[str, int]:
    principal = require_principal()
    villages = _villages()
    round_view = None
    if values.get("round_id"):
        found = get_round(str(values["round_id"]))
        round_view = {"id": found.id, "name": found.name, "term_start": found.term_start,
                      "term_end": found.term_end}
        villages = [v for v in villages if v.id in found.village_ids]
    return render_template("web/dispatch_form.html", villages=villages, nominees=_nominees(principal),
                           incumbents=_incumbents([v.id for v in villages]), roles=ROLES,
                           categories=VILLAGE_CATEGORY_NAMES, values=values, errors=errors,
                           round=round_view), status


@bp.get("/dispatches/new")
@roles_required("unit_hr", "township")
def dispatch_form() -> tuple[str, int]:
    return _render_dispatch(request.args.to_dict(), {})


def _dispatch_payload(form: dict[str, str]) -> tuple[dict[str, Any], dict[str, list[str]]]:
    errors: dict[str, list[str]] = {}
    for name, what in (("village_id", "请选择村。"), ("cadre_id", "请选择拟选派的干部。")):
        if not form.get(name):
            errors[name] = [what]
    if form.get("role") not in ROLES:
        errors["role"] = ["请选择岗位。"]
    dates: dict[str, date | None] = {}
    for name in ("term_start", "planned_end"):
        raw = form.get(name, "").strip()
        dates[name] = parse_date(raw) if raw else None
        if raw and dates[name] is None:
            errors[name] = ["请填写有效日期（年-月-日）。"]
    if not form.get("round_id") and not form.get("term_start"):
        errors["term_start"] = ["请填写任期开始日期。"]
    payload = {"village_id": form.get("village_id", ""), "role": form.get("role", ""),
               "cadre_id": form.get("cadre_id", ""), **dates,
               "predecessor_cadre_id": form.get("predecessor_cadre_id") or None,
               "round_id": form.get("round_id") or None}
    return payload, errors


@bp.post("/dispatches/new")
@roles_required("unit_hr", "township")
def dispatch_submit() -> Response | tuple[str, int]:
    values = request.form.to_dict()
    payload, errors = _dispatch_payload(values)
    if errors:
        return _render_dispatch(values, errors, 422)
    try:
        row = start_dispatch(require_principal(), payload)
    except (ValidationFailed, Conflict, Forbidden) as err:
        aliases = {"nominee_id": "cadre_id"}
        return _render_dispatch(values, field_errors(err.errors or {"_form": [err.detail]}, DISPATCH_FIELDS,
                                                     aliases), err.status)
    flash("选派提名已提交。", "ok")
    return redirect(url_for("web.instance_page", instance_id=row.id))


def _render_round_form(values: dict[str, Any], errors: dict[str, list[str]], status: int = 200
                       ) -> tuple[str, int]:
    townships = list(db.session.execute(
        sa.select(Org).where(Org.kind == "township").order_by(Org.id)).scalars())
    return render_template("web/round_form.html", townships=townships, villages=_villages(),
                           categories=VILLAGE_CATEGORY_NAMES, roles=ROLES, values=values,
                           errors=errors), status


@bp.get("/dispatch-rounds/new")
@roles_required("county", "org_dept")
def round_form() -> tuple[str, int]:
    return _render_round_form({"roles": list(ROLES)}, {})


@bp.post("/dispatch-rounds/new")
@roles_required("county", "org_dept")
def round_submit() -> Response | tuple[str, int]:
    form = request.form
    values: dict[str, Any] = {**form.to_dict(), "roles": form.getlist("roles"),
                              "categories": form.getlist("categories"),
                              "village_ids": form.getlist("village_ids")}
    errors: dict[str, list[str]] = {}
    dates = {name: parse_date(form.get(name, "")) for name in ("term_start", "term_end")}
    for name, value in dates.items():
        if value is None:
            errors[name] = ["请填写有效日期（年-月-日）。"]
    if not values["roles"] or any(r not in ROLES for r in values["roles"]):
        errors["roles"] = ["请选择岗位。"]
    if errors:
        return _render_round_form(values, errors, 422)
    payload = {"name": form.get("name") or None, **dates, "roles": values["roles"],
               "village_ids": values["village_ids"], "township_id": form.get("township_id") or None,
               "categories": [c for c in values["categories"] if c in VILLAGE_CATEGORY_NAMES]}
    try:
        row = create_round(require_principal(), payload)
    except ValidationFailed as err:
        return _render_round_form(values, field_errors(err.errors or {"_form": [err.detail]}, ROUND_FIELDS),
                                  err.status)
    flash("选派批次已发起。", "ok")
    return redirect(url_for("web.round_page", round_id=row.id))


@bp.get("/dispatch-rounds/<string:round_id>")
@roles_required("unit_hr", "township", "county", "org_dept", "rrb", "auditor", "admin")
def round_page(round_id: str) -> str:
    principal = require_principal()
    view = round_progress(principal, get_round(round_id))
    may_nominate = principal.has_role("unit_hr", "township")
    return render_template("web/round.html", round=view, may_nominate=may_nominate)
