"""流程管理 pages: the deployed process definitions with their versions, a version's diagram and
steps, the difference between two versions, the instances of a definition and version (with
suspend, resume and terminate for administrators), and uploading a .bpmn as a new version.

Administrators manage; the county leading group office reads; anyone else gets 404, as for a
page that does not exist. The forms call the same commands as the API and the command line
(commands.definitions.deploy, commands.suspend / resume / terminate); the browser modeller is
modeller.py."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar, cast

from flask import flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from service.commands import deploy
from service.commands.resume import RESUMABLE
from service.commands.terminate import TERMINABLE
from service.core.errors import NotFound, ValidationFailed
from service.core.labels import STATUS_NAMES
from service.core.text_limits import SHORT_TEXT
from service.http.pagination import paginate
from service.http.web import bp
from service.http.web.paging import PER_PAGE, page_arg, page_count
from service.http.web.session import current_principal, require_principal
from service.queries.definition_diff import diff_definitions, process_cc_words, user_tasks
from service.queries.instances import definition_bpmn_xml
from service.queries.process_admin import (
    definition_version,
    definition_versions,
    definitions_overview,
    deploy_outcome,
    instances_statement,
    status_names,
)
from service.queries.views import instance_items

F = TypeVar("F", bound=Callable[..., Any])
MANAGERS = ("admin",)
READERS = ("admin", "county")


def process_readers(fn: F) -> F:
    """Signed in as an administrator or the county office; anyone else: 404 (the pages are not
    theirs to know of), anonymous visitors: the login page."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        principal = current_principal()
        if principal is None:
            return redirect(url_for("web.login", next=request.full_path.rstrip("?")))
        if not principal.has_role(*READERS):
            raise NotFound("页面不存在。")
        return fn(*args, **kwargs)

    return cast(F, wrapper)


def may_manage() -> bool:
    return require_principal().has_role(*MANAGERS)


def _version_arg(name: str) -> int | None:
    raw = request.args.get(name, "")
    return int(raw) if raw.isdigit() and len(raw) < 7 else None


@bp.get("/processes")
@process_readers
def processes() -> str:
    return _processes_page()[0]


def _processes_page(errors: list[str] | None = None, status: int = 200) -> tuple[str, int]:
    return render_template("web/processes.html", items=definitions_overview(), statuses=status_names(),
                           can_manage=may_manage(), errors=errors or []), status


@bp.post("/processes/upload")
@process_readers
def process_upload() -> Response | tuple[str, int]:
    uploads = [u for u in request.files.getlist("files") if u.filename]
    if not uploads:
        return _processes_page(["请选择要上传的 .bpmn 文件。"], 422)
    files = {u.filename or "upload.bpmn": u.read() for u in uploads}
    try:
        row, created = deploy(require_principal(), files)  # Forbidden for the county: the 403 page
    except ValidationFailed as err:
        return _processes_page([m for ms in err.errors.values() for m in ms] or [err.detail], 422)
    flash(deploy_outcome(row, created), "ok")
    return redirect(url_for("web.process_version", key=row.key, version=row.version))


@bp.get("/processes/<string:key>")
@process_readers
def process_versions(key: str) -> str:
    versions = definition_versions(key)
    return render_template("web/process_versions.html", key=key, versions=versions, latest=versions[0],
                           statuses=status_names(), can_manage=may_manage())


@bp.get("/processes/<string:key>/v<int:version>")
@process_readers
def process_version(key: str, version: int) -> str:
    row = definition_version(key, version)
    versions = definition_versions(key)
    item = next(v for v in versions if v["version"] == version)
    earlier = [v["version"] for v in versions if v["version"] < version]
    xml = definition_bpmn_xml(row.id)
    return render_template("web/process_version.html", key=key, version=item, files=sorted(row.files),
                           steps=user_tasks(xml), process_cc=process_cc_words(xml), statuses=status_names(),
                           previous=earlier[0] if earlier else None, can_manage=may_manage(),
                           warnings=list(row.warnings or []))


@bp.get("/processes/<string:key>/v<int:version>/diagram.bpmn")
@process_readers
def process_version_xml(key: str, version: int) -> Response:
    row = definition_version(key, version)
    response = Response(definition_bpmn_xml(row.id), content_type="application/xml; charset=utf-8")
    if request.args.get("download") == "1":
        response.headers["Content-Disposition"] = f'attachment; filename="{key}_v{version}.bpmn"'
    return response


@bp.get("/processes/<string:key>/diff")
@process_readers
def process_diff(key: str) -> str:
    versions = definition_versions(key)
    numbers = [v["version"] for v in versions]
    new = _version_arg("to") or numbers[0]
    old = _version_arg("from") or next((n for n in numbers if n < new), new)
    old_row, new_row = definition_version(key, old), definition_version(key, new)
    diff = diff_definitions(old_row.files, new_row.files, f"第 {old} 版", f"第 {new} 版")
    return render_template("web/process_diff.html", key=key, name=new_row.name, numbers=numbers, old=old,
                           new=new, diff=diff)


@bp.get("/processes/<string:key>/instances")
@process_readers
def process_instances(key: str) -> str:
    versions = definition_versions(key)
    version = _version_arg("version")
    if version is not None and version not in {v["version"] for v in versions}:
        raise NotFound(f"流程 {key} 没有第 {version} 版。")
    status = request.args.get("status", "")
    status = status if status in STATUS_NAMES else ""
    page = paginate(instances_statement(key, version, status or None), page_arg(), PER_PAGE)
    return render_template("web/process_instances.html", key=key, name=versions[0]["name"],
                           versions=[v["version"] for v in versions], version=version, status=status,
                           statuses=status_names(), items=instance_items(page["items"]),
                           total=page["total"], page=page["page"], pages=page_count(page["total"]),
                           can_manage=may_manage(), resumable=RESUMABLE, terminable=TERMINABLE,
                           reason_limit=SHORT_TEXT, back=request.full_path.rstrip("?"))
