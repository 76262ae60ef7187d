"""The browser modeller (建模器): bpmn-js's Modeler with a properties form of cadreflow's own
(static/web/modeller.js), for administrators. It opens the latest version of a process, or a
blank one, and deploys what is drawn as a new version through the same command as an upload
(commands.definitions.deploy_modelled -> deploy).

The county leading group office reads the process pages but may not model (403); anyone else
gets 404 (processes.process_readers). The deploy is a POST of the pages, so it carries the
session's CSRF token like every form; the BPMN travels as a file part of the multipart body,
which form-field size limits do not cut."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import jsonify, render_template, request, url_for
from werkzeug.wrappers import Response

from service.commands import deploy_modelled
from service.core.errors import Forbidden, ValidationFailed
from service.core.labels import (
    DEADLINE_NAMES,
    DECISION_NAMES,
    ROLE_NAMES,
    SCOPE_KIND_NAMES,
    TIMER_WHAT,
)
from service.core.principal import SCOPE_KIND_BY_ROLE
from service.http.web import bp
from service.http.web.processes import may_manage, process_readers
from service.http.web.session import require_principal
from service.queries.definition_diff import DAY_COUNT_NAMES, KIND_NAMES
from service.queries.instances import definition_bpmn_xml
from service.queries.process_admin import deploy_outcome, latest_version
from workflows.carbon_copy import CC_ROLES
from workflows.durations import DAY_COUNTS
from workflows.parsing import (
    DECISIONS,
    DEFAULT_COMMENT_REQUIRED,
    FORM_TYPES,
    KNOWN_DEADLINE_VARIABLES,
    MAX_DECISION_LABEL,
    ROLES,
    SCOPE_KINDS,
    TIMER_KINDS,
)

FORM_TYPE_NAMES = {"string": "文本", "long": "整数", "boolean": "是 / 否", "date": "日期", "enum": "选项"}


def _named(codes: Iterable[str], names: dict[str, str]) -> list[list[str]]:
    return [[code, names.get(code, code)] for code in codes]


def _managers_only() -> None:
    if not may_manage():
        raise Forbidden("只有系统管理员可以编辑和部署流程。")


def _key_arg() -> str | None:
    key = request.args.get("key", "").strip()
    return key[:100] or None


@bp.get("/modeller")
@process_readers
def modeller() -> str:
    _managers_only()
    key = _key_arg()
    latest = latest_version(key) if key else None  # 404 for a process never deployed
    # What the properties form offers: the values workflows/parsing.py accepts, in Chinese.
    vocabulary: dict[str, Any] = {
        "roles": _named(ROLES, ROLE_NAMES), "decisions": _named(DECISIONS, DECISION_NAMES),
        "scopeKinds": _named(SCOPE_KINDS, SCOPE_KIND_NAMES), "timerKinds": _named(TIMER_KINDS, TIMER_WHAT),
        "formTypes": _named(FORM_TYPES, FORM_TYPE_NAMES), "dayCounts": _named(DAY_COUNTS, DAY_COUNT_NAMES),
        "deadlines": _named(sorted(KNOWN_DEADLINE_VARIABLES), DEADLINE_NAMES), "kinds": KIND_NAMES,
        "defaultCommentRequired": list(DEFAULT_COMMENT_REQUIRED), "maxDecisionLabel": MAX_DECISION_LABEL,
        # the jurisdiction a role acts in: picking a step's role suggests the matching scope
        "roleScopeKinds": {role: SCOPE_KIND_BY_ROLE[role] for role in ROLES},
        # 抄送 (property `cc`, workflows/carbon_copy.py): any role may be told, the auditors too
        "ccRoles": _named(CC_ROLES, ROLE_NAMES),
    }
    return render_template("web/modeller.html", key=key, latest=latest, vocabulary=vocabulary,
                           source_url=url_for("web.modeller_source", key=key))


@bp.get("/modeller/source.bpmn")
@process_readers
def modeller_source() -> Response:
    """The BPMN the modeller opens: the latest version of `key`, or the blank process."""
    _managers_only()
    key = _key_arg()
    xml = definition_bpmn_xml(latest_version(key).id) if key else render_template("web/new_process.bpmn")
    return Response(xml, content_type="application/xml; charset=utf-8")


@bp.post("/modeller/deploy")
@process_readers
def modeller_deploy() -> tuple[Response, int]:
    _managers_only()
    upload = request.files.get("xml")
    if upload is None:
        return jsonify(ok=False, message="没有收到流程图。", errors={"xml": ["缺少流程图。"]}), 422
    try:
        text = upload.read().decode("utf-8")
    except UnicodeDecodeError:
        message = "流程图须为 UTF-8 编码。"
        return jsonify(ok=False, message=message, errors={"xml": [message]}), 422
    try:
        row, created = deploy_modelled(require_principal(), text)
    except ValidationFailed as err:
        return jsonify(ok=False, message=err.detail, errors=err.errors,
                       element_id=(err.extra or {}).get("element_id")), 422
    answer = jsonify(ok=True, created=created, key=row.key, version=row.version, name=row.name,
                     message=deploy_outcome(row, created),
                     url=url_for("web.process_version", key=row.key, version=row.version))
    return answer, 201 if created else 200
