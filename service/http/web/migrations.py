"""迁移实例 page, from a version's page in 流程管理: choose the target version, see the plan (each
step of this version and where it goes, editable), the dry run of this version's running and
suspended instances, then move the chosen ones.

Reading the plan and the dry run writes nothing (a GET form: the target and the mapping are in the
query string), so the county leading group office, who reads the process pages, may look too; the
move is a POST with the CSRF token, for administrators only (commands.migrate_instances refuses
anyone else: the 403 page). Anyone else: 404, as for the other process pages.
"""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from service.commands import migrate_instances
from service.core.errors import ValidationFailed
from service.core.text_limits import SHORT_TEXT
from service.http.web import bp
from service.http.web.processes import may_manage, process_readers
from service.http.web.session import require_principal
from service.queries.migration_plan import MigrationPlan, dry_run, migration_plan, source_step_ids
from service.queries.process_admin import definition_version, definition_versions

MAP_PREFIX = "map."  # a query or form field per step: map.<source element id> = target id ("": none)


def _mapping(values: Any, source_ids: list[str]) -> dict[str, str | None]:
    """The steps whose target the form names (the others keep the plan's default)."""
    return {i: values.get(MAP_PREFIX + i) or None for i in source_ids if MAP_PREFIX + i in values}


def _target(raw: str | None) -> int | None:
    return int(raw) if raw and raw.isdigit() and len(raw) < 7 else None


@bp.get("/processes/<string:key>/v<int:version>/migrate")
@process_readers
def process_migration(key: str, version: int) -> tuple[str, int]:
    return _page(key, version, request.args)


def _page(key: str, version: int, values: Any, errors: list[str] | None = None,
          status: int = 200) -> tuple[str, int]:
    source_row = definition_version(key, version)  # 404 for a version that does not exist
    versions = [v for v in definition_versions(key) if v["version"] != version]
    to = _target(values.get("to"))
    if to is None and versions and "to" not in values:
        to = versions[0]["version"]  # the newest other version
    plan: MigrationPlan | None = None
    checks = []
    errors = list(errors or [])
    if to is not None and to in {v["version"] for v in versions}:
        try:
            plan = migration_plan(key, version, to, _mapping(values, source_step_ids(key, version)))
        except ValidationFailed as err:
            errors += [m for ms in err.errors.values() for m in ms] or [err.detail]
            status = 422
        else:
            checks = dry_run(plan)
    elif to is not None or values.get("to"):
        errors.append(f"流程没有第 {values.get('to')} 版，或与源版本相同。")
        status = 422
    return render_template("web/process_migration.html", key=key, source=source_row, versions=versions,
                           to=to, plan=plan, checks=checks, errors=errors, can_manage=may_manage(),
                           reason_limit=SHORT_TEXT, map_prefix=MAP_PREFIX,
                           chosen=set(values.getlist("instance")),
                           movable=sum(1 for c in checks if c.movable)), status


@bp.post("/processes/<string:key>/v<int:version>/migrate")
@process_readers
def process_migrate(key: str, version: int) -> Response | tuple[str, int]:
    to = _target(request.form.get("to"))
    if to is None:
        return _page(key, version, request.form, ["请选择目标版本。"], 422)
    ids = request.form.getlist("instance")
    if not ids:
        return _page(key, version, request.form, ["请勾选要迁移的实例。"], 422)
    mapping = _mapping(request.form, source_step_ids(key, version))
    try:  # Forbidden for the county: the 403 page
        moved = migrate_instances(require_principal(), key, version, to, mapping, ids,
                                  request.form.get("reason"))
    except ValidationFailed as err:
        messages = [m for ms in err.errors.values() for m in ms] or [err.detail]
        return _page(key, version, request.form, messages, 422)
    done = [m for m in moved if m.moved]
    flash(f"已将 {len(done)} 个实例迁移到第 {to} 版。", "ok")
    for item in (m for m in moved if not m.moved):
        flash(f"实例 {item.instance_id} 未迁移：{'；'.join(item.reasons)}", "error")
    return redirect(url_for("web.process_migration", key=key, version=version, to=to))
