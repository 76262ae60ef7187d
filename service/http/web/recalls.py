"""召回 from the pages: the Organization Department, the RRB or the county opens a recall case.

The form picks the cadre by name among the cadres posted now within the caller's reach and asks
for the problem's source and the finding; it starts the same command as POST /api/v1/recalls
(commands/recalls.py), which judges the rules (posted, no recall already open).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from service.commands import open_recall
from service.commands.recalls import RECALL_ROLES
from service.core.errors import Conflict, Forbidden, ValidationFailed
from service.core.labels import RECALL_SOURCE_NAMES
from service.core.principal import Principal
from service.core.text_limits import EVIDENCE_ITEMS, LONG_TEXT, SHORT_TEXT
from service.http.web import bp
from service.http.web.forms import field_errors
from service.http.web.session import require_principal, roles_required
from service.persistence.db import db
from service.persistence.models import Cadre, Posting
from service.queries.access import cadre_clause
from service.queries.people import Person, Unresolved, people, resolve

FORM_FIELDS = {"cadre_id", "source", "finding", "evidence"}
CADRE_FIELD = "被召回干部"


def _posted_cadres(principal: Principal) -> list[Person]:
    """Cadres in post now that the caller may see: a recall is about one of them."""
    posted = sa.select(Posting.id).where(Posting.cadre_id == Cadre.id, Posting.active.is_(True)).exists()
    stmt = sa.select(Cadre).where(posted).order_by(Cadre.name, Cadre.id)
    reach = cadre_clause(principal)
    if reach is not None:
        stmt = stmt.where(reach)
    return people(db.session.execute(stmt).scalars().all())


def _render(values: dict[str, Any], errors: dict[str, list[str]], status: int = 200) -> tuple[str, int]:
    return render_template("web/recall_form.html", cadres=_posted_cadres(require_principal()),
                           sources=RECALL_SOURCE_NAMES, values=values, errors=errors,
                           finding_limit=LONG_TEXT, evidence_items=EVIDENCE_ITEMS,
                           evidence_limit=SHORT_TEXT), status


@bp.get("/recalls/new")
@roles_required(*RECALL_ROLES)
def recall_form() -> tuple[str, int]:
    return _render({}, {})


def _payload(principal: Principal, form: dict[str, str]) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The command's payload, and what only the form can judge: a field left empty, a choice not
    offered, a name that names nobody or several people. Lengths and rules are the command's."""
    errors: dict[str, list[str]] = {}
    cadre_id = ""
    try:
        cadre_id = resolve(form.get("cadre_id", ""), _posted_cadres(principal), CADRE_FIELD)
    except Unresolved as err:
        errors["cadre_id"] = [str(err)]
    if form.get("source") not in RECALL_SOURCE_NAMES:
        errors["source"] = ["请选择问题来源（日常监督检查或考核）。"]
    finding = form.get("finding", "").strip()
    if not finding:
        errors["finding"] = ["请填写发现的问题：核实时据此调查，并记入办理经过。"]
    evidence = [line.strip() for line in form.get("evidence", "").splitlines() if line.strip()]
    return {"cadre_id": cadre_id, "source": form.get("source", ""), "finding": finding,
            "evidence": evidence}, errors


@bp.post("/recalls/new")
@roles_required(*RECALL_ROLES)
def recall_submit() -> Response | tuple[str, int]:
    values = request.form.to_dict()
    principal = require_principal()
    payload, errors = _payload(principal, values)
    if errors:
        return _render(values, errors, 422)
    try:
        row = open_recall(principal, payload)
    except (ValidationFailed, Conflict, Forbidden) as err:  # 409: the same recall started twice at once
        aliases = {f"evidence[{n}]": "evidence" for n in range(len(payload["evidence"]))}
        return _render(values, field_errors(err.errors or {"_form": [err.detail]}, FORM_FIELDS, aliases),
                       err.status)
    flash("召回案件已启动，等待核实问题。", "ok")
    return redirect(url_for("web.instance_page", instance_id=row.id))
