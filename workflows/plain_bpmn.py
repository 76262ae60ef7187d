"""Diagrams drawn in bpmn.io or Camunda Modeler, without cadreflow's properties, made runnable.

`complete_document` fills in what such a diagram leaves out, in the parsed XML tree (the stored
file stays as uploaded; every load fills it in again the same way), and returns one Chinese
sentence per thing it filled in, naming the element:

* a user or manual task without `camunda:candidateGroups` is done by the role its lane names
  (roles.lane_role); one without `decisions` has the single decision `complete` (完成); one
  without `scope` is done county-wide, or for a unit, township or cadre role in the one the
  instance's data names (roles.DEFAULT_SCOPES);
* a plain `bpmn:task` is passed through when reached, as Camunda executes a task of no type (the
  parser makes it a PassThroughTask); a `bpmn:manualTask` is a human task like a user task;
* a file whose processes are all marked not executable (bpmn.io's default) is taken as executable;
* Camunda's `${...}` expressions in conditions, loop counts and timers become the Python the
  sandbox runs (juel.py), and an unquoted ISO 8601 timer value (`P3D`, `R3/PT1H`, a date) is the
  literal it is; a date without a zone is Beijing time.

`refuse_unrunnable` (deploy only) refuses, naming the element, what could never run here: service
tasks and complex gateways, a script in another language, a wait for a message or signal that
nothing can send (the service delivers only the withdraw message from outside), a process start
that waits for an event, a call to a process that was not uploaded.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any

from lxml import etree
from SpiffWorkflow.camunda.parser.task_spec import CAMUNDA_MODEL_NS

from .juel import JuelError, is_juel, to_python
from .roles import ROLE_NAMES, TASK_ROLES, default_scope, lane_role, role_named

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
_B = "{" + BPMN_NS + "}"
_C = "{" + CAMUNDA_MODEL_NS + "}"
# The one message the service sends to a waiting instance from outside (the withdraw command).
MESSAGES_FROM_OUTSIDE = frozenset({"withdraw"})
DEFAULT_DECISION = "complete"
HUMAN_TASKS = ("userTask", "manualTask")
PYTHON_SCRIPT_FORMATS = ("", "python", "python3", "py")
EXPRESSION_LANGUAGES = ("", "python", "juel")
BEIJING = "+08:00"
KIND_NAMES = {
    "task": "任务", "userTask": "用户任务", "manualTask": "人工任务", "serviceTask": "服务任务",
    "scriptTask": "脚本任务", "businessRuleTask": "业务规则任务", "sendTask": "发送任务",
    "receiveTask": "接收任务", "subProcess": "子流程", "callActivity": "调用活动",
    "transaction": "事务子流程", "adHocSubProcess": "自由子流程", "startEvent": "开始事件",
    "endEvent": "结束事件", "intermediateCatchEvent": "中间捕获事件",
    "intermediateThrowEvent": "中间抛出事件", "boundaryEvent": "边界事件",
    "exclusiveGateway": "排他网关", "parallelGateway": "并行网关", "inclusiveGateway": "包容网关",
    "eventBasedGateway": "事件网关", "complexGateway": "复杂网关", "sequenceFlow": "顺序流",
}
# Elements whose text is an expression the sandbox evaluates (besides timers).
PASS_THROUGH_WORDS = ("普通任务（bpmn:task）不指派给任何人，流程到达时直接通过（与 Camunda 执行未指定类型的"
                      "任务相同）；需要有人办理请画成用户任务或人工任务。")
_EXPRESSION_TAGS = ("conditionExpression", "completionCondition", "loopCardinality", "condition",
                    "loopCondition")
_ISO_LITERAL = re.compile(r"^[0-9A-Za-z:+\-./,]+$")


class PlainBpmnError(ValueError):
    """What makes a diagram unrunnable; parsing.DefinitionError carries it with the file name."""

    def __init__(self, message: str, element_id: str | None) -> None:
        self.element_id = element_id
        self.file_name: str | None = None
        # (file, element, message) of each element refused, when one error names several
        self.problems: list[tuple[str | None, str | None, str]] = []
        super().__init__(message)


def _local(tag: Any) -> str:
    return tag.split("}", 1)[-1] if isinstance(tag, str) else ""


def describe(node: etree._Element) -> str:
    """How a sentence names an element: 用户任务 review（审核申请）."""
    tag = _local(node.tag)
    name = (node.get("name") or "").strip()
    label = f"{KIND_NAMES.get(tag, tag)} {node.get('id')}"
    return f"{label}（{name}）" if name else label


def _owner(node: etree._Element) -> etree._Element:
    """The element an expression belongs to: its nearest ancestor with an id."""
    while node is not None and node.get("id") is None:
        node = node.getparent()
    return node


# --- filling in -----------------------------------------------------------------------------

def complete_document(root: etree._Element, deadline_variables: frozenset[str]) -> list[str]:
    """Fill in what a plain diagram leaves out (in place); one warning per thing filled in.
    Raises PlainBpmnError for a human task whose role nothing names."""
    warnings: list[str] = []
    lanes = _lanes_by_node(root)
    processes = root.findall(f"{_B}process")
    if processes and not any((p.get("isExecutable") or "").lower() == "true" for p in processes):
        # bpmn.io draws every process with isExecutable="false" and has no switch for it.
        for proc in processes:
            proc.set("isExecutable", "true")
            warnings.append(f"流程 {proc.get('id')}：标为不可执行（isExecutable=\"false\"，"
                            "bpmn.io 的默认值），按可执行流程部署。")
    for proc in root.iter(f"{_B}process"):
        for node in proc.iter(f"{_B}*"):
            tag = _local(node.tag)
            if tag in HUMAN_TASKS:
                warnings += _complete_human_task(node, lanes)
            elif tag == "task":
                warnings.append(f"{describe(node)}：{PASS_THROUGH_WORDS}")
            elif tag == "timerEventDefinition":
                warnings += _complete_timer(node, deadline_variables)
            elif tag in _EXPRESSION_TAGS:
                _translate_expression(node)
            elif tag == "multiInstanceLoopCharacteristics":
                _complete_collection(node)
            elif tag in ("exclusiveGateway", "inclusiveGateway"):
                warnings += _gateway_warnings(node)
        for listener in proc.iter(f"{_C}executionListener", f"{_C}taskListener"):
            warnings.append(f"{describe(_owner(listener))}：Camunda 监听器（camunda:{_local(listener.tag)}）"
                            "不会执行。")
    return warnings


def _complete_human_task(node: etree._Element, lanes: dict[str, list[etree._Element]]) -> list[str]:
    """One sentence for the element, listing what was filled in (nothing: no sentence)."""
    what = describe(node)
    filled = []
    if _local(node.tag) == "manualTask":
        filled.append("人工任务（bpmn:manualTask）作为待办任务，由办理人确认完成")
    groups = (node.get(f"{_C}candidateGroups") or "").strip()
    if groups and groups not in TASK_ROLES and "," not in groups:
        named = role_named(groups)
        if named in TASK_ROLES:
            node.set(f"{_C}candidateGroups", named)
            filled.append(f"camunda:candidateGroups“{groups}”按角色{ROLE_NAMES[named]}（{named}）办理")
    elif not groups:
        role, lane = _role_by_lane(node, lanes)
        if role is None:
            where = f"所在泳道“{lane}”不对应任何角色" if lane else "不在任何泳道中"
            raise PlainBpmnError(
                f"{what}：无法确定由谁办理，没有 camunda:candidateGroups，{where}。请把泳道命名为角色"
                f"（如“乡镇”“组织部”“派出单位”，或角色代码 {', '.join(TASK_ROLES)}），"
                "或设置 camunda:candidateGroups", node.get("id"))
        if role not in TASK_ROLES:
            raise PlainBpmnError(f"{what}：所在泳道“{lane}”是{ROLE_NAMES[role]}，该角色只能查阅，"
                                 "不能办理任务；请放到办理角色的泳道中，或设置 camunda:candidateGroups",
                                 node.get("id"))
        node.set(f"{_C}candidateGroups", role)
        filled.append(f"按所在泳道“{lane}”由{ROLE_NAMES[role]}（{role}）办理")
    role = (node.get(f"{_C}candidateGroups") or "").strip()
    props = _properties(node)
    if not (props.get("decisions") or "").strip():
        _set_property(node, "decisions", DEFAULT_DECISION)
        filled.append(f"只有一个决定“完成”（{DEFAULT_DECISION}）")
    if not (props.get("scope") or "").strip() and role in TASK_ROLES:
        scope = default_scope(role)
        _set_property(node, "scope", scope)
        filled.append(f"办理范围为{_scope_words(scope)}")
    for attribute in ("assignee", "candidateUsers"):
        if node.get(f"{_C}{attribute}"):
            filled.append(f"不使用 camunda:{attribute}，按角色分派给持有该角色的人")
    return [f"{what}：{'；'.join(filled)}。"] if filled else []


def _scope_words(scope: str) -> str:
    kind, _, variable = scope.partition(":")
    if kind == "county":
        return "全县（county）"
    words = {"unit": "派出单位", "township": "乡镇", "cadre": "驻村干部"}[kind]
    return f"流程数据 {variable} 所指的{words}（{scope}）"


def _lanes_by_node(root: etree._Element) -> dict[str, list[etree._Element]]:
    index: dict[str, list[etree._Element]] = {}
    for lane in root.iter(f"{_B}lane"):
        for ref in lane.findall(f"{_B}flowNodeRef"):
            if ref.text and ref.text.strip():
                index.setdefault(ref.text.strip(), []).append(lane)
    return index


def _lane_depth(lane: etree._Element) -> int:
    return sum(1 for a in lane.iterancestors() if _local(a.tag) == "lane")


def _role_by_lane(node: etree._Element,
                  lanes: dict[str, list[etree._Element]]) -> tuple[str | None, str | None]:
    """(role, the lane's name or id) of the innermost lane around `node` (or around the
    subprocess it is in) that names a role, trying a lane's parent lanes after it; (None, the
    innermost lane's label) when none does."""
    first_label = None
    current: etree._Element | None = node
    while current is not None:
        around = sorted(lanes.get(current.get("id") or "", []), key=_lane_depth, reverse=True)
        for lane in around:
            for candidate in (lane, *[a for a in lane.iterancestors() if _local(a.tag) == "lane"]):
                label = (candidate.get("name") or "").strip() or candidate.get("id")
                first_label = first_label or label
                role = lane_role(candidate.get("id"), candidate.get("name"))
                if role is not None:
                    return role, label
        current = next((a for a in current.iterancestors()
                        if _local(a.tag) in ("subProcess", "transaction")), None)
    return None, first_label


def _properties(node: etree._Element) -> dict[str, str]:
    return {p.get("name"): p.get("value") or "" for p in
            node.findall(f"{_B}extensionElements/{_C}properties/{_C}property")}


def _set_property(node: etree._Element, name: str, value: str) -> None:
    extensions = node.find(f"{_B}extensionElements")
    if extensions is None:
        extensions = etree.Element(f"{_B}extensionElements")
        node.insert(0, extensions)
    properties = extensions.find(f"{_C}properties")
    if properties is None:
        properties = etree.SubElement(extensions, f"{_C}properties")
    for existing in properties.findall(f"{_C}property"):
        if existing.get("name") == name:
            properties.remove(existing)
    etree.SubElement(properties, f"{_C}property", name=name, value=value)


def _complete_timer(definition: etree._Element, deadline_variables: frozenset[str]) -> list[str]:
    event = definition.getparent()
    warnings = []
    for expression in definition:
        kind = _local(expression.tag)
        if kind not in ("timeDate", "timeDuration", "timeCycle"):
            continue
        text = (expression.text or "").strip()
        if is_juel(text):
            try:
                text = to_python(text)
            except JuelError as err:
                raise PlainBpmnError(f"{describe(event)}：定时器表达式 {text!r} 无法执行，{err}",
                                     event.get("id")) from err
        if _is_literal_value(text, deadline_variables):
            if kind == "timeDate" and _naive_datetime(text):
                warnings.append(f"{describe(event)}：定时器时间 {text} 没有时区，按北京时间（{BEIJING}）计。")
                text += BEIJING
            text = json.dumps(text)
        expression.text = text
    return warnings


def _is_literal_value(text: str, deadline_variables: frozenset[str]) -> bool:
    """An ISO 8601 value written as Camunda writes it (unquoted): `P3D`, `R3/PT1H`, a date."""
    if not text or text in deadline_variables or not _ISO_LITERAL.match(text):
        return False
    return text[0] in "PR" or text[0].isdigit()


def _naive_datetime(text: str) -> bool:
    try:
        return datetime.fromisoformat(text).tzinfo is None
    except ValueError:
        return False


def _translate_expression(node: etree._Element) -> None:
    text = node.text or ""
    if not is_juel(text):
        return
    try:
        node.text = to_python(text)
    except JuelError as err:
        owner = _owner(node)
        raise PlainBpmnError(f"{describe(owner)}：表达式 {text.strip()!r} 无法执行，{err}",
                             owner.get("id")) from err


def _complete_collection(loop: etree._Element) -> None:
    """camunda:collection="${items}" names the variable `items`."""
    collection = loop.get(f"{_C}collection")
    if not collection or not is_juel(collection):
        return
    task = loop.getparent()
    try:
        variable = to_python(collection)
    except JuelError as err:
        raise PlainBpmnError(f"{describe(task)}：camunda:collection {collection!r} 无法执行，{err}",
                             task.get("id")) from err
    if not variable.isidentifier():
        raise PlainBpmnError(f"{describe(task)}：camunda:collection 须为一个变量名（现为 {collection!r}）",
                             task.get("id"))
    loop.set(f"{_C}collection", variable)


def _outgoing(node: etree._Element) -> list[etree._Element]:
    parent = node.getparent()
    return [f for f in parent.findall(f"{_B}sequenceFlow") if f.get("sourceRef") == node.get("id")]


def _gateway_warnings(gateway: etree._Element) -> list[str]:
    flows = _outgoing(gateway)
    if len(flows) < 2 or gateway.get("default"):
        return []
    if all(f.find(f"{_B}conditionExpression") is not None for f in flows):
        return [f"{describe(gateway)}：每个出口都带条件且没有默认出口，条件都不成立时该次办理会被拒绝"
                "（422），流程停在原处；可设一个默认出口。"]
    return []


# --- refusing -------------------------------------------------------------------------------

def refuse_unrunnable(bpmn: dict[str, etree._Element], dmn: dict[str, etree._Element]) -> None:
    """Raise PlainBpmnError naming every element that could never run here (its `problems`; the
    first one's element and file as .element_id and .file_name), so that one upload tells all
    there is to change. `bpmn`, `dmn`: every uploaded file's root by file name (a message may be
    thrown in one file and caught in another, a process called from another file)."""
    known = _Known(bpmn, dmn)
    found: list[PlainBpmnError] = []
    for file_name, root in sorted(bpmn.items()):
        for proc in root.iter(f"{_B}process"):
            for node in proc.iter(f"{_B}*"):
                try:
                    _refuse(node, known)
                except PlainBpmnError as err:
                    err.file_name = file_name
                    found.append(err)
    if found:
        many = len({(e.file_name, e.element_id) for e in found}) > 1
        first = found[0]
        error = PlainBpmnError((f"{len(found)} 处无法执行：" if many else "") + "；".join(map(str, found)),
                               first.element_id)
        error.file_name = first.file_name
        error.problems = [(e.file_name, e.element_id, str(e)) for e in found]
        raise error


class _Known:
    """What the whole upload declares: messages and signals by id, the ones thrown, the
    processes and the DMN decisions."""

    def __init__(self, bpmn: dict[str, etree._Element], dmn: dict[str, etree._Element]) -> None:
        self.messages: dict[str, str] = {}
        self.signals: dict[str, str] = {}
        self.processes: set[str] = set()
        self.thrown_messages: set[str] = set()
        self.thrown_signals: set[str] = set()
        for root in bpmn.values():
            for m in root.iter(f"{_B}message"):
                self.messages[m.get("id")] = m.get("name") or m.get("id")
            for s in root.iter(f"{_B}signal"):
                self.signals[s.get("id")] = s.get("name") or s.get("id")
            self.processes |= {p.get("id") for p in root.iter(f"{_B}process")}
        for root in bpmn.values():
            for event in (*root.iter(f"{_B}intermediateThrowEvent"), *root.iter(f"{_B}endEvent")):
                for d in event.findall(f"{_B}messageEventDefinition"):
                    self.thrown_messages.add(self.messages.get(d.get("messageRef"), d.get("messageRef")))
                for d in event.findall(f"{_B}signalEventDefinition"):
                    self.thrown_signals.add(self.signals.get(d.get("signalRef"), d.get("signalRef")))
            for task in root.iter(f"{_B}sendTask"):
                ref = task.get("messageRef")
                if ref:
                    self.thrown_messages.add(self.messages.get(ref, ref))
        self.decisions = {d.get("id") for root in dmn.values() for d in root.iter()
                          if _local(d.tag) == "decision"}


def _refuse(node: etree._Element, known: _Known) -> None:
    tag, node_id, what = _local(node.tag), node.get("id"), describe(node)

    def refuse(why: str, element_id: str | None = node_id) -> None:
        raise PlainBpmnError(f"{what}：无法执行，{why}", element_id)

    if tag == "serviceTask":
        refuse("服务任务要调用外部系统，本系统不调用外部系统；只作说明的步骤请画成普通任务，"
               "要人办理的画成用户任务，要计算的画成 Python 脚本任务")
    elif tag == "complexGateway":
        refuse("复杂网关不受支持，请改用排他、包容或并行网关")
    elif tag == "adHocSubProcess":
        refuse("自由子流程（ad-hoc）不受支持，请改用普通子流程")
    elif tag == "compensateEventDefinition" or node.get("isForCompensation") == "true":
        owner = _owner(node)
        raise PlainBpmnError(f"{describe(owner)}：无法执行，补偿（compensation）不受支持", owner.get("id"))
    elif tag == "businessRuleTask":
        ref = node.get(f"{_C}decisionRef")
        if not ref:
            refuse("业务规则任务须用 camunda:decisionRef 指定一个随流程上传的 DMN 决策")
        elif ref not in known.decisions:
            refuse(f"camunda:decisionRef 所指的 DMN 决策 {ref!r} 不在上传的文件中")
    elif tag == "scriptTask":
        script_format = (node.get("scriptFormat") or "").strip().lower()
        if script_format not in PYTHON_SCRIPT_FORMATS:
            refuse(f"脚本语言 {node.get('scriptFormat')!r} 不受支持，脚本须为 Python（在沙箱中运行）")
        script = node.find(f"{_B}script")
        if script is None or not (script.text or "").strip():
            refuse("没有脚本内容（外部脚本资源 camunda:resource 不受支持）")
    elif tag == "receiveTask":
        _refuse_unsendable_message(node, node.get("messageRef"), known, refuse)
    elif tag == "callActivity":
        called = node.get("calledElement")
        if not called or called not in known.processes:
            refuse(f"调用的流程 {called!r} 不在上传的文件中（请一并上传）")
    elif tag in ("startEvent", "intermediateCatchEvent", "boundaryEvent"):
        _refuse_event(node, tag, known, refuse)
    elif tag in _EXPRESSION_TAGS:
        language = (node.get("language") or "").strip().lower()
        if language not in EXPRESSION_LANGUAGES:
            owner = _owner(node)
            raise PlainBpmnError(f"{describe(owner)}：表达式语言 {node.get('language')!r} 不受支持，"
                                 "须为 Python 表达式或 Camunda 的 ${…} 表达式", owner.get("id"))
    elif tag in ("exclusiveGateway", "inclusiveGateway"):
        flows = _outgoing(node)
        if len(flows) > 1:
            for flow in flows:
                if flow.get("id") != node.get("default") and flow.find(f"{_B}conditionExpression") is None:
                    refuse(f"出口 {flow.get('id')} 既没有条件，也不是默认出口", flow.get("id"))


def _refuse_event(node: etree._Element, tag: str, known: _Known, refuse: Any) -> None:
    definitions = [_local(d.tag) for d in node if _local(d.tag).endswith("EventDefinition")]
    parent = node.getparent()
    process_start = tag == "startEvent" and _local(parent.tag) == "process"
    if process_start and any(d != "timerEventDefinition" for d in definitions):
        refuse("流程的开始事件只能是普通开始事件或定时开始事件：流程由系统接口发起，不等待消息、信号或条件")
    for d in node:
        kind = _local(d.tag)
        if kind == "messageEventDefinition":
            _refuse_unsendable_message(node, d.get("messageRef"), known, refuse)
        elif kind == "signalEventDefinition":
            name = known.signals.get(d.get("signalRef"), d.get("signalRef"))
            if not name:
                refuse("等待的信号没有指定（signalRef）")
            elif name not in known.thrown_signals:
                refuse(f"等待的信号“{name}”没有任何环节发出，流程会一直停在这里")


def _refuse_unsendable_message(node: etree._Element, ref: str | None, known: _Known, refuse: Any) -> None:
    name = known.messages.get(ref or "", ref)
    if not name:
        refuse("等待的消息没有指定（messageRef）")
    elif name not in known.thrown_messages and name not in MESSAGES_FROM_OUTSIDE:
        refuse(f"等待的消息“{name}”没有任何环节发出，系统从外部也只送达撤回（withdraw）消息，"
               "流程会一直停在这里")

