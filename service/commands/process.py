"""start_process: start any deployed process (admin, or a role whose lane holds the start event, or
a role a start event names in its `start_roles` camunda property)."""

from __future__ import annotations

import threading
from typing import Any

from service.commands.actor import first_grant
from service.commands.core import start
from service.commands.recalls import PROCESS_KEY as RECALL_KEY
from service.commands.recalls import RECALL_ROLES
from service.commands.start_defaults import start_defaults
from service.commands.uow import unit_of_work
from service.core.clock import now
from service.core.errors import Forbidden, ValidationFailed
from service.core.principal import Grant, Principal
from service.persistence.models import ProcessInstance
from service.persistence.runtime import definition_of, latest_definition_row
from workflows.engine import Definition, EngineError, FormInvalid, ScriptError
from workflows.parsing import BPMN_NS, ROLES, safe_parse_xml

# A narrow role may only start for its own jurisdiction, named by this data field.
SCOPE_FIELD = {"unit": "unit_id", "township": "township_id", "cadre": "cadre_id"}
# Roles api.md lets open a case of the process on its own endpoint (POST /recalls) may start it here
# too, whichever lane of the diagram holds the start event.
ENDPOINT_STARTERS = {RECALL_KEY: frozenset(RECALL_ROLES)}
CAMUNDA_NS = "http://camunda.org/schema/1.0/bpmn"
_start_roles: dict[str, frozenset[str]] = {}
_lock = threading.Lock()


def start_roles(definition: Definition) -> frozenset[str]:
    """Roles of the lanes (ids `lane_<role>`) that contain a start event of the process, plus the
    roles a start event lists in its `start_roles` property (a process one lane cannot express,
    e.g. unit_duties: the Organization Department's lane, and the county leading group too)."""
    with _lock:
        cached = _start_roles.get(definition.content_hash)
    if cached is not None:
        return cached
    roles: set[str] = set()
    for name, content in definition.files.items():
        if not name.endswith(".bpmn"):
            continue
        root = safe_parse_xml(content, name)
        starts = {e.get("id") for e in root.iter(f"{{{BPMN_NS}}}startEvent")}
        for event in root.iter(f"{{{BPMN_NS}}}startEvent"):
            for prop in event.iter(f"{{{CAMUNDA_NS}}}property"):
                if prop.get("name") == "start_roles":
                    roles |= {r.strip() for r in (prop.get("value") or "").split(",") if r.strip() in ROLES}
        for lane in root.iter(f"{{{BPMN_NS}}}lane"):
            refs = {r.text.strip() for r in lane.iter(f"{{{BPMN_NS}}}flowNodeRef") if r.text}
            if refs & starts and (lane.get("id") or "").startswith("lane_"):
                roles.add(lane.get("id").removeprefix("lane_"))
    result = frozenset(roles)
    with _lock:
        _start_roles[definition.content_hash] = result
    return result


def _starting_grant(actor: Principal, roles: frozenset[str], data: dict[str, Any]) -> Grant:
    admin = first_grant(actor, "admin")
    if admin is not None:
        return admin
    for grant in actor.grants:
        if grant.role not in roles:
            continue
        field = SCOPE_FIELD.get(grant.scope_kind)
        if field is None or str(data.get(field)) == grant.scope_id:
            return grant
    raise Forbidden("无权发起该流程：需要管理员或流程开始节点所在泳道的角色（且在管辖范围内）。")


def start_process(actor: Principal, key: str, data: dict[str, Any],
                  business_key: str | None = None) -> ProcessInstance:
    at = now()
    with unit_of_work():
        row = latest_definition_row(key)
        data = {**start_defaults(row.key), **data}
        roles = start_roles(definition_of(row)) | ENDPOINT_STARTERS.get(row.key, frozenset())
        grant = _starting_grant(actor, roles, data)
        try:
            instance = start(row, data, at, actor=actor, grant=grant, business_key=business_key,
                             submitter=actor.login)
        except FormInvalid as err:
            raise ValidationFailed(str(err), errors={f"data.{err.field}": [str(err)]}) from err
        except EngineError as err:
            raise ValidationFailed(str(err), errors={"data": [str(err)]}) from err
        except ScriptError as err:
            raise _script_failed(err) from err
    return instance


def _script_failed(err: ScriptError) -> ValidationFailed:
    """The start data did not carry what the process's scripts read (422, not a 500)."""
    missing = getattr(err.cause, "name", None) if isinstance(err.cause, NameError) else None
    if missing:
        message = f"缺少启动数据字段 {missing}（流程环节 {err.element_id} 需要）。"
        return ValidationFailed(message, errors={f"data.{missing}": [message]})
    message = f"启动数据有误：流程环节 {err.element_id} 执行失败（{type(err.cause).__name__}: {err.cause}）。"
    return ValidationFailed(message, errors={"data": [message]})
