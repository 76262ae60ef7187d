"""The instance page: facts, open tasks, the BPMN diagram with progress highlighted, the timeline."""

from __future__ import annotations

import sqlalchemy as sa
from flask import render_template

from service.commands.core import load
from service.http.api.instances import open_task_items, visible_instance
from service.http.web import bp
from service.http.web.diagram import render_svg
from service.http.web.session import login_required, require_principal
from service.persistence.db import db
from service.persistence.models import HistoryEvent
from service.queries.timeline import history_entries, related_instances
from service.queries.views import instance_items
from workflows.determinism import RESERVED_KEY


@bp.get("/instances/<string:instance_id>")
@login_required
def instance_page(instance_id: str) -> str:
    principal = require_principal()
    row = visible_instance(principal, instance_id)
    loaded = load(row.id, read_only=True)
    data = {k: v for k, v in loaded.instance.data.items() if k != RESERVED_KEY}
    xml = next(text for name, text in sorted(loaded.definition.xml.items()) if name.endswith(".bpmn"))
    svg = render_svg(xml, loaded.instance.completed_element_ids(), loaded.instance.active_element_ids())
    events = db.session.execute(sa.select(HistoryEvent).where(HistoryEvent.instance_id == row.id)
                                .order_by(HistoryEvent.seq)).scalars().all()
    return render_template("web/instance.html", instance=instance_items([row])[0], data=data, svg=svg,
                           open_tasks=open_task_items(row.id), history=history_entries(events),
                           related=related_instances(row, data),
                           is_auditor=principal.has_role("auditor"))
