"""The instance page: facts, open tasks, the BPMN diagram with progress highlighted, the timeline."""

from __future__ import annotations

from flask import render_template

from service.commands.core import load
from service.http.web import bp
from service.http.web.diagram import render_svg
from service.http.web.session import login_required, require_principal
from service.queries.instances import bpmn_xml, business_data, open_task_items, visible_instance
from service.queries.timeline import instance_history, related_instances
from service.queries.views import instance_items


@bp.get("/instances/<string:instance_id>")
@login_required
def instance_page(instance_id: str) -> str:
    principal = require_principal()
    row = visible_instance(principal, instance_id)
    loaded = load(row.id, read_only=True)
    data = business_data(loaded.instance)
    svg = render_svg(bpmn_xml(loaded), loaded.instance.completed_element_ids(),
                     loaded.instance.active_element_ids())
    return render_template("web/instance.html", instance=instance_items([row])[0], data=data, svg=svg,
                           open_tasks=open_task_items(row.id), history=instance_history(row.id),
                           related=related_instances(row, data),
                           is_auditor=principal.has_role("auditor"))
