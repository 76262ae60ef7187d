"""start_process: POST /definitions/{key}/instances, the generic start of a deployed process.

A process that has a command of its own starts only through that command, whose checks and whose
data from the registry the generic start would bypass (a forged case: another unit's cadre, facts
the caller wrote, 1-second deadlines). So the generic start refuses `mid_term_replacement`,
`recall` and `handover` (403, naming where they start), and passes `unit_duties` to its command
(`unit_id` and `year`, nothing else). Any other process starts here, for the admin or a role whose
lane holds the start event (or that its `start_roles` property names), but the caller never sets
what the service fills in (reserved keys), and the names, unit and township that go with a cadre
or village id come from the registry, so the jurisdiction checked is the real one.
"""

from __future__ import annotations

import threading
from typing import Any

from service.commands.actor import first_grant
from service.commands.adjustments import PROCESS_KEY as ADJUSTMENT_KEY
from service.commands.core import start
from service.commands.dispatches import PROCESS_KEY as DISPATCH_KEY
from service.commands.handover import HANDOVER_KEY
from service.commands.leave_sync import LEAVE_KEY
from service.commands.recalls import PROCESS_KEY as RECALL_KEY
from service.commands.start_defaults import UNIT_DUTIES_KEY
from service.commands.uow import unit_of_work
from service.commands.yearly_duties import DUTY_YEARS, start_unit_duties
from service.core.clock import now
from service.core.errors import Conflict, Forbidden, ValidationFailed
from service.core.principal import Grant, Principal
from service.persistence.db import db
from service.persistence.models import Cadre, Org, ProcessInstance, Village
from service.persistence.runtime import definition_of, latest_definition_row
from service.queries.assessments.keys import PROCESS_KEY as ASSESSMENT_KEY
from workflows.engine import RESERVED_DATA_KEYS, Definition, EngineError, FormInvalid, ScriptError
from workflows.parsing import BPMN_NS, ROLES, safe_parse_xml
from workflows.roles import lane_role

# A narrow role may only start for its own jurisdiction, named by this data field.
SCOPE_FIELD = {"unit": "unit_id", "township": "township_id", "cadre": "cadre_id"}
# Where the processes with a command of their own start (the answer of the generic start).
DEDICATED = {
    ADJUSTMENT_KEY: "中途调整申请须通过 POST /api/v1/adjustments 提出：由系统核对干部的任职、"
                    "申请是否重复及接任人选资格，并从登记信息生成流程数据。",
    RECALL_KEY: "召回案件须通过 POST /api/v1/recalls 启动：由系统核对干部的任职及是否已有召回案件，"
                "并从登记信息生成流程数据。",
    HANDOVER_KEY: "工作交接在中途调整或召回审批通过后由系统自动启动，不能直接发起。",
    DISPATCH_KEY: "驻村干部选派须通过 POST /api/v1/dispatches 提名：由系统核对提名权限、任职情况、"
                  "村类别与岗位及人选资格，并从登记信息生成流程数据。",
    LEAVE_KEY: "请假须由驻村干部本人通过 POST /api/v1/leaves 提出：由系统核对在村任职、请假日期是否与"
               "已有请假重叠，并计算工作日数。",
    ASSESSMENT_KEY: "驻村干部考核由县驻村工作领导小组通过 POST /api/v1/assessment-rounds（年度考核）或 "
                    "POST /api/v1/assessments（期满考核）发起，任期届满时系统也会自动发起期满考核。",
}
# Start data only the service fills in: deadlines and duty thresholds from the configuration,
# facts from the registry, the engine's own bookkeeping.
RESERVED_PREFIXES = {"deadline_": "期限由系统配置（CADREFLOW_DEADLINE_*）决定，不能在启动数据中设置。",
                     "duty_": "帮扶责任标准由系统配置（CADREFLOW_DUTY_*）决定，不能在启动数据中设置。",
                     "_": "流程引擎内部字段，不能在启动数据中设置。"}
FACTS_SUFFIX = "_facts"
# Cadre ids whose `<x>_name` comes from the registry; the first one present gives `unit_id`.
CADRE_ID_FIELDS = ("cadre_id", "old_cadre_id", "new_cadre_id", "nominee_id")
UNIT_DUTIES_FIELDS = ("unit_id", "year")
CAMUNDA_NS = "http://camunda.org/schema/1.0/bpmn"
_start_roles: dict[str, frozenset[str]] = {}
_lock = threading.Lock()


def start_roles(definition: Definition) -> frozenset[str]:
    """Roles of the lanes that contain a start event of the process (a lane names its role by
    its id, `lane_<role>`, or by its name, e.g. 乡镇: workflows.roles.lane_role), plus the roles a
    start event lists in its `start_roles` property (a process one lane cannot express, e.g.
    unit_duties: the Organization Department's lane, and the county leading group too)."""
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
            role = lane_role(lane.get("id"), lane.get("name"))
            if refs & starts and role in ROLES:
                roles.add(role)
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
    if key in DEDICATED:
        raise Forbidden(f"流程 {key} 不能通过本接口发起。{DEDICATED[key]}",
                        errors={"key": [DEDICATED[key]]}, slug="dedicated-command")
    if key == UNIT_DUTIES_KEY:
        return _start_unit_duties(actor, data, business_key)
    at = now()
    with unit_of_work():
        row = latest_definition_row(key)
        _refuse_reserved(data)
        data = {**data, **_registry_data(data)}
        grant = _starting_grant(actor, start_roles(definition_of(row)), data)
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


def _reserved(key: str) -> str | None:
    """Why the caller may not set `key` in start data, or None."""
    if key in RESERVED_DATA_KEYS:
        return "流程引擎内部字段，不能在启动数据中设置。"
    for prefix, why in RESERVED_PREFIXES.items():
        if key.startswith(prefix):
            return why
    if key.endswith(FACTS_SUFFIX):
        return "人员资格信息由系统从干部登记信息填写，不能在启动数据中设置。"
    return None


def _refuse_reserved(data: dict[str, Any]) -> None:
    errors = {f"data.{k}": [why] for k in data if (why := _reserved(k)) is not None}
    if errors:
        raise ValidationFailed("启动数据含有由系统填写的字段：" + "、".join(sorted(errors)), errors=errors)


def _registry_data(data: dict[str, Any]) -> dict[str, Any]:
    """The names, unit and township that go with the cadre and village ids of `data`, from the
    registry. An id the registry lacks, or a value given that contradicts it, is a 422."""
    errors: dict[str, list[str]] = {}
    derived: dict[str, Any] = {}
    for field in CADRE_ID_FIELDS:
        if data.get(field) is None:
            continue
        cadre = db.session.get(Cadre, str(data[field]))
        if cadre is None:
            errors[f"data.{field}"] = [f"干部 {data[field]} 不存在。"]
            continue
        derived[field.removesuffix("_id") + "_name"] = cadre.name
        derived.setdefault("unit_id", cadre.unit_id)
    if data.get("village_id") is not None:
        village = db.session.get(Village, str(data["village_id"]))
        if village is None:
            errors["data.village_id"] = [f"村 {data['village_id']} 不存在。"]
        else:
            derived.update(village_name=village.name, village_category=village.category,
                           township_id=village.township_id)
    for field, kind, what in (("unit_id", "dispatch_unit", "派出单位"), ("township_id", "township", "乡镇")):
        if field not in derived and data.get(field) is not None:
            org = db.session.get(Org, str(data[field]))
            if org is None or org.kind != kind:
                errors[f"data.{field}"] = [f"{what} {data[field]} 不存在。"]
    for field, value in derived.items():
        given = data.get(field)
        if given is not None and given != value and f"data.{field}" not in errors:
            errors[f"data.{field}"] = [f"与登记信息不符：应为 {value}（可省略，由系统按登记信息填写）。"]
    if errors:
        raise ValidationFailed("启动数据与登记信息不符：" + "、".join(sorted(errors)), errors=errors)
    return derived


def _start_unit_duties(actor: Principal, data: dict[str, Any], business_key: str | None) -> ProcessInstance:
    """One unit's duty year, through the command the timer service uses (yearly_duties.py)."""
    at = now()
    with unit_of_work():
        row = latest_definition_row(UNIT_DUTIES_KEY)
        grant = _starting_grant(actor, start_roles(definition_of(row)), data)
        errors: dict[str, list[str]] = {}
        for key in data:
            if key not in UNIT_DUTIES_FIELDS:
                errors[f"data.{key}"] = [_reserved(key) or "未知字段：该流程的启动数据只有 unit_id 和 year。"]
        unit_id, year = data.get("unit_id"), data.get("year")
        unit = db.session.get(Org, unit_id) if isinstance(unit_id, str) else None
        if unit is None or unit.kind != "dispatch_unit":
            errors["data.unit_id"] = [f"派出单位 {unit_id} 不存在。" if unit_id is not None
                                      else "缺少派出单位（unit_id）。"]
        if isinstance(year, bool) or not isinstance(year, int) or year not in DUTY_YEARS:
            errors["data.year"] = [f"年度须为 {DUTY_YEARS.start}–{DUTY_YEARS.stop - 1} 之间的整数。"]
        if business_key is not None:
            errors["business_key"] = ["该流程的业务键由系统生成（unit_duties:<派出单位>:<年度>），不能指定。"]
        if errors:
            raise ValidationFailed("帮扶责任落实流程的启动数据有误：" + "、".join(sorted(errors)),
                                   errors=errors)
        assert isinstance(unit_id, str) and isinstance(year, int)
        instance = start_unit_duties(unit_id, year, at, actor=actor, grant=grant, submitter=actor.login)
        if instance is None:
            message = f"{unit_id} {year} 年度的帮扶责任落实流程已经发起。"
            raise Conflict(message, errors={"data.unit_id": [message]}, slug="duplicate-open-case")
    return instance


def _script_failed(err: ScriptError) -> ValidationFailed:
    """The start data did not carry what the process's scripts read (422, not a 500)."""
    missing = getattr(err.cause, "name", None) if isinstance(err.cause, NameError) else None
    if missing:
        message = f"缺少启动数据字段 {missing}（流程环节 {err.element_id} 需要）。"
        return ValidationFailed(message, errors={f"data.{missing}": [message]})
    message = f"启动数据有误：流程环节 {err.element_id} 执行失败（{type(err.cause).__name__}: {err.cause}）。"
    return ValidationFailed(message, errors={"data": [message]})
