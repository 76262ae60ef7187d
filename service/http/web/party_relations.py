"""The Party relation of a posting (党组织关系), kept from the cadre's roster page by unit HR (or the
township for the team members it supplies); the command decides who may (commands/party_relations.py)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import flash, redirect, request, url_for
from werkzeug.wrappers import Response

from service.commands.party_relations import FIELDS, party_relation_editor, save_party_relation
from service.commands.uow import unit_of_work
from service.core.errors import Conflict, Forbidden, ValidationFailed
from service.core.principal import Principal
from service.http.web import bp
from service.http.web.forms import field_errors, parse_date
from service.http.web.session import require_principal, roles_required
from service.persistence.db import db
from service.persistence.models import Cadre, PartyRelation, Posting, User
from service.queries.party_relations import party_relation_view, visible_posting

EDITORS = ("unit_hr", "township", "org_dept", "admin")


def party_relations(principal: Principal, cadre: Cadre) -> list[dict[str, Any]]:
    """Each posting of the cadre with its Party relation and whether the user may keep it."""
    out = []
    logins = {r.updated_by for r in db.session.execute(sa.select(PartyRelation).where(
        PartyRelation.posting_id.in_([p.id for p in cadre.postings]))).scalars()} if cadre.postings else set()
    names = dict(db.session.execute(sa.select(User.login, User.display_name).where(
        User.login.in_(logins))).all()) if logins else {}
    for posting in cadre.postings:
        try:
            party_relation_editor(principal, posting, cadre)
            editable = True
        except Forbidden:
            editable = False
        view = party_relation_view(posting)
        out.append({**view, "editable": editable, "active": posting.active,
                    "updated_by_name": names.get(view["updated_by"], view["updated_by"])})
    return out


def _values(form: Any) -> tuple[dict[str, Any], dict[str, list[str]]]:
    values: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for name in FIELDS:
        raw = (form.get(name) or "").strip()
        if name.endswith("_on"):
            day = parse_date(raw) if raw else None
            if raw and day is None:
                errors[name] = ["请填写有效日期（年-月-日）。"]
            values[name] = day
        else:
            values[name] = raw or None
    return values, errors


@bp.post("/roster/postings/<int:posting_id>/party-relation")
@roles_required(*EDITORS)
def party_relation_save(posting_id: int) -> Response:
    principal = require_principal()
    posting = visible_posting(principal, posting_id)
    values, errors = _values(request.form)
    if not errors:
        try:
            with unit_of_work():
                save_party_relation(principal, posting_id, values, source="page")
        except (ValidationFailed, Conflict, Forbidden) as err:
            errors = field_errors(err.errors or {"_form": [err.detail]}, set(FIELDS))
    cadre_id = db.session.get_one(Posting, posting.id).cadre_id
    if errors:
        for messages in errors.values():
            for message in messages:
                flash(f"党组织关系未保存：{message}", "error")
    else:
        flash("党组织关系已保存。", "ok")
    return redirect(url_for("web.roster_record", entity="cadre", record_id=cadre_id) + "#party-relations")
