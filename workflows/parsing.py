"""BPMN parsing for cadreflow: safe XML, our timers, recovered Camunda attributes, validation.

`CadreflowParser` is CamundaParser plus:
* timer events (start / boundary / intermediate catch) built from timers.py classes;
* user tasks keep `camunda:candidateGroups`, `camunda:assignee`, `camunda:properties` and the
  `camunda:formData` fields (Camunda's own parser drops the first two and reads form fields only
  with a formKey) in `task_spec.extensions`; a manual task is parsed as a user task (a person
  confirms it) and a plain task as a PassThroughTask (nobody does it: it passes);
* timer boundary events keep their `camunda:properties` (`timer_kind`, `notify`), and every timer
  event's `day_count` (`working` | `calendar`) goes into its duration/cycle timer definition.
`validate_document` enforces design.md §1 and names the offending element and file.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Any

from lxml import etree
from RestrictedPython import compile_restricted_eval, compile_restricted_exec
from SpiffWorkflow.bpmn.parser.event_parsers import TIMER_EVENT_XPATH  # noqa: F401  (documented hook)
from SpiffWorkflow.bpmn.parser.util import first, full_tag
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.specs.defaults import BoundaryEvent, IntermediateCatchEvent, NoneTask, StartEvent
from SpiffWorkflow.camunda.parser.CamundaParser import NSMAP, CamundaParser
from SpiffWorkflow.camunda.parser.event_parsers import (
    CamundaBoundaryEventParser,
    CamundaIntermediateCatchEventParser,
    CamundaStartEventParser,
)
from SpiffWorkflow.camunda.parser.task_spec import CAMUNDA_MODEL_NS, CamundaTaskParser, UserTaskParser
from SpiffWorkflow.camunda.specs.user_task import UserTask

from .carbon_copy import CC_PROPERTY, CC_ROLES, unknown_cc_roles
from .countersign import completion_condition, parse_rule
from .durations import DAY_COUNTS, DurationError, parse_duration
from .roles import TASK_ROLES
from .timers import (
    ClockTimeDateTimer,
    WorkingCycleTimer,
    WorkingDurationTimer,
    cycle_problem,
    parse_aware,
    split_cycle,
)

MAX_FILE_BYTES = 2 * 1024 * 1024
ROLES = TASK_ROLES
# `complete` (完成) is the one decision of a task whose diagram lists none (plain_bpmn.py).
DECISIONS = ("approve", "reject", "return", "resubmit", "withdraw", "recall", "rectify", "complete")
MAX_DECISION_LABEL = 12
DEFAULT_COMMENT_REQUIRED = ("reject", "return", "recall", "rectify")
# `user:<variable>`: one named person (a login), e.g. each signer of a countersign step.
SCOPE_KINDS = ("unit", "township", "county", "cadre", "user")
TIMER_KINDS = ("reminder", "escalation", "deadline")
FORM_TYPES = ("string", "long", "boolean", "date", "enum")
KNOWN_DEADLINE_VARIABLES = frozenset({
    "deadline_approval_reminder", "deadline_approval_escalation", "deadline_revision",
    "deadline_arrival", "deadline_handover", "deadline_statement", "deadline_rectification",
    "deadline_nomination", "deadline_return_reminder", "deadline_return_escalation", "deadline_summary",
    # A leave's end (bpmn/leave.bpmn, a timeDate): the service sets it from the leave's dates.
    "deadline_leave_end",
})
BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
BPMNDI_NS = "http://www.omg.org/spec/BPMN/20100524/DI"
FLOW_NODE_TAGS = (
    "task", "userTask", "serviceTask", "scriptTask", "manualTask", "businessRuleTask", "sendTask",
    "receiveTask", "subProcess", "callActivity", "transaction", "startEvent", "endEvent",
    "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent", "exclusiveGateway",
    "parallelGateway", "inclusiveGateway", "eventBasedGateway", "complexGateway",
)
_NS = {"bpmn": BPMN_NS, "bpmndi": BPMNDI_NS, "camunda": CAMUNDA_MODEL_NS}
_C = "{" + CAMUNDA_MODEL_NS + "}"


class DefinitionError(ValueError):
    """An invalid process definition; the message names the element id and the file."""

    def __init__(self, message: str, element_id: str | None = None, file_name: str | None = None,
                 problems: list[tuple[str | None, str | None, str]] | None = None) -> None:
        self.element_id = element_id
        self.file_name = file_name
        # (file, element, message) of every element refused, when the error names several
        self.problems = problems or []
        where = ", ".join(p for p in (f"文件 {file_name}" if file_name else "",
                                       f"元素 {element_id}" if element_id else "") if p)
        super().__init__(f"{message} ({where})" if where else message)


# --- safe XML -------------------------------------------------------------------------------

def safe_parse_xml(content: bytes, file_name: str, expect_bpmn: bool = True) -> etree._Element:
    if not isinstance(content, bytes | bytearray):
        raise DefinitionError("BPMN 文件内容必须是字节串", file_name=file_name)
    if len(content) > MAX_FILE_BYTES:
        raise DefinitionError(f"BPMN 文件超过 {MAX_FILE_BYTES} 字节上限", file_name=file_name)
    # No DTDs at all: this rules out external entities and entity-expansion bombs outright.
    if b"<!DOCTYPE" in content or b"<!ENTITY" in content:
        raise DefinitionError("BPMN 文件不得包含 DOCTYPE/ENTITY 声明", file_name=file_name)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             huge_tree=False, remove_comments=True)
    try:
        root = etree.fromstring(bytes(content), parser)
    except etree.XMLSyntaxError as err:
        raise DefinitionError(f"XML 格式错误: {err}", file_name=file_name) from err
    if expect_bpmn and root.tag != f"{{{BPMN_NS}}}definitions":
        raise DefinitionError("根元素必须是 bpmn:definitions", file_name=file_name)
    return root


# --- parser subclasses ---------------------------------------------------------------------

def _camunda_properties(node: etree._Element) -> dict[str, str]:
    props = {}
    for p in node.xpath("./bpmn:extensionElements/camunda:properties/camunda:property", namespaces=_NS):
        props[p.get("name")] = p.get("value")
    return props


class _TimerParsing:
    """Mixin: timers built from our classes; camunda:properties kept on events too."""

    if TYPE_CHECKING:
        # Supplied by the SpiffWorkflow event parser each subclass also derives from (untyped).
        node: Any
        filename: str

        def get_event_description(self, event: Any) -> Any: ...
        def xpath(self, xpath: str) -> list[Any]: ...

    def parse_timer_event(self, event: Any) -> Any:
        try:
            description = self.get_event_description(event)
            name = self.node.get("name", self.node.get("id"))
            time_date = first(self.xpath(".//bpmn:timeDate"))
            if time_date is not None:
                return ClockTimeDateTimer(name, time_date.text, description=description)
            day_count = _camunda_properties(self.node).get("day_count") or "working"
            time_duration = first(self.xpath(".//bpmn:timeDuration"))
            if time_duration is not None:
                return WorkingDurationTimer(name, time_duration.text, day_count, description=description)
            time_cycle = first(self.xpath(".//bpmn:timeCycle"))
            if time_cycle is not None:
                return WorkingCycleTimer(name, time_cycle.text, day_count, description=description)
            raise ValidationException("Unknown Time Specification", node=self.node, file_name=self.filename)
        except ValidationException:
            raise
        except Exception as e:
            raise ValidationException("Time Specification Error. " + str(e), node=self.node,
                                      file_name=self.filename) from e

    def parse_extensions(self, node: Any = None) -> dict[str, Any]:
        return _camunda_properties(self.node)


class CadreflowStartEventParser(_TimerParsing, CamundaStartEventParser):
    pass


class CadreflowBoundaryEventParser(_TimerParsing, CamundaBoundaryEventParser):
    pass


class CadreflowIntermediateCatchEventParser(_TimerParsing, CamundaIntermediateCatchEventParser):
    pass


class CadreflowUserTaskParser(UserTaskParser):
    def parse_extensions(self, node: Any = None) -> dict[str, Any]:
        ext: dict[str, Any] = dict(super().parse_extensions(node))
        ext["candidateGroups"] = self.node.get(f"{_C}candidateGroups")
        ext["assignee"] = self.node.get(f"{_C}assignee")
        ext["formFields"] = parse_form_fields(self.node)
        ext["decisionLabels"] = parse_decision_labels(ext.get("decision_labels"))
        return ext

    def _add_multiinstance_task(self, loop_characteristics: Any) -> None:
        # A countersign step (countersign.py) ends when its tally is decided, unless the BPMN
        # gives a completion condition of its own.
        super()._add_multiinstance_task(loop_characteristics)
        if _camunda_properties(self.node).get("countersign") and not self.task.condition:
            self.task.condition = completion_condition(self.bpmn_id)


def parse_decision_labels(text: str | None) -> dict[str, str]:
    """The step's own word for each decision, from ``approve:予以备案,reject:不予备案``; a decision
    left out keeps the general word (the service's labels). Malformed entries are skipped here
    and refused by validate_document."""
    out: dict[str, str] = {}
    for item in (text or "").split(","):
        code, sep, word = item.partition(":")
        if sep and code.strip() and word.strip():
            out[code.strip()] = word.strip()
    return out


def parse_form_fields(node: etree._Element) -> list[dict[str, Any]]:
    fields = []
    for f in node.xpath("./bpmn:extensionElements/camunda:formData/camunda:formField", namespaces=_NS):
        constraints = {c.get("name"): c.get("config")
                       for c in f.xpath("./camunda:validation/camunda:constraint", namespaces=_NS)}
        properties = {p.get("id"): p.get("value")
                      for p in f.xpath("./camunda:properties/camunda:property", namespaces=_NS)}
        values = f.xpath("./camunda:value", namespaces=_NS)
        fields.append({
            "id": f.get("id"),
            "label": f.get("label") or f.get("id"),
            "type": f.get("type") or "string",
            "required": "required" in constraints,
            "default": f.get("defaultValue"),
            "options": [v.get("id") for v in values],
            # the options' names as people read them (an enum's camunda:value name)
            "option_names": {v.get("id"): v.get("name") or v.get("id") for v in values},
            # a long text (a report): forms give it a text area
            "multiline": properties.get("multiline") == "true",
        })
    return fields


class PassThroughTask(NoneTask):
    """A plain `bpmn:task`: nobody is asked to do it, the instance passes it when it gets there,
    as Camunda executes a task of no type. (SpiffWorkflow's NoneTask waits for someone to run it
    by hand, which nothing here ever does: the instance would wait for ever.)"""

    def __init__(self, wf_spec: Any, bpmn_id: str, **kwargs: Any) -> None:
        super().__init__(wf_spec, bpmn_id, **kwargs)
        self.manual = False


class CadreflowParser(CamundaParser):
    OVERRIDE_PARSER_CLASSES = {
        **CamundaParser.OVERRIDE_PARSER_CLASSES,
        full_tag("userTask"): (CadreflowUserTaskParser, UserTask),
        # A manual task is a step a person confirms: a human task like a user task.
        full_tag("manualTask"): (CadreflowUserTaskParser, UserTask),
        full_tag("task"): (CamundaTaskParser, PassThroughTask),
        full_tag("startEvent"): (CadreflowStartEventParser, StartEvent),
        full_tag("boundaryEvent"): (CadreflowBoundaryEventParser, BoundaryEvent),
        full_tag("intermediateCatchEvent"): (CadreflowIntermediateCatchEventParser, IntermediateCatchEvent),
    }

    def __init__(self) -> None:
        super().__init__(namespaces=NSMAP)


# --- validation ----------------------------------------------------------------------------

def _local(tag: str) -> str:
    return tag.split("}", 1)[-1]


def executable_processes(root: etree._Element) -> list[etree._Element]:
    procs = root.xpath("./bpmn:process", namespaces=_NS)
    executable = [p for p in procs if p.get("isExecutable", "false").lower() == "true"]
    return executable or procs


def validate_document(root: etree._Element, file_name: str,
                      deadline_variables: frozenset[str] = KNOWN_DEADLINE_VARIABLES) -> None:
    def fail(msg: str, element_id: str | None) -> None:
        raise DefinitionError(msg, element_id, file_name)

    shapes = {s.get("bpmnElement") for s in root.xpath(".//bpmndi:BPMNShape", namespaces=_NS)}
    edges = {s.get("bpmnElement") for s in root.xpath(".//bpmndi:BPMNEdge", namespaces=_NS)}
    if not root.xpath(".//bpmndi:BPMNDiagram", namespaces=_NS):
        fail("缺少 BPMNDI 图形信息 (BPMNDiagram)", None)
    for proc in root.xpath("./bpmn:process", namespaces=_NS):
        for node in proc.iter():
            if not isinstance(node.tag, str) or not node.tag.startswith(f"{{{BPMN_NS}}}"):
                continue
            tag, node_id = _local(node.tag), node.get("id")
            if tag in FLOW_NODE_TAGS and node_id not in shapes:
                fail(f"流程节点 {tag} 缺少 BPMNShape", node_id)
            if tag == "sequenceFlow" and node_id not in edges:
                fail("顺序流缺少 BPMNEdge", node_id)
            if tag in ("userTask", "manualTask"):
                _validate_user_task(node, fail)
            if tag in ("userTask", "manualTask", "process"):
                _validate_cc(node, fail)
            if tag == "timerEventDefinition":
                _validate_timer(node.getparent(), node, fail, deadline_variables)
            # Refuse at deploy what the sandbox would refuse at run time (dunders, eval, ...).
            if tag == "script":
                _check_code(node.text or "", compile_restricted_exec, node.getparent().get("id"), fail)
            if tag == "conditionExpression":
                _check_code(node.text or "", compile_restricted_eval, node.getparent().get("id"), fail)


def validate_new_version(root: etree._Element, file_name: str) -> None:
    """Rules a definition must pass to be deployed now, on top of validate_document's.

    They came after versions were deployed, so a stored version is loaded without them (its
    instances must stay readable, and terminable); what they prevent is also stopped at run time.
    Cycle timers: a quoted literal R<n>/[<start>/]<period>, at most MAX_CYCLE_REPETITIONS times,
    a period of at least a minute (timers.cycle_problem)."""
    for definition in root.iter(f"{{{BPMN_NS}}}timerEventDefinition"):
        cycle = definition.find(f"{{{BPMN_NS}}}timeCycle")
        if cycle is not None:
            _check_cycle(definition.getparent(), (cycle.text or "").strip(), file_name)


def _check_cycle(event: etree._Element, text: str, file_name: str) -> None:
    name = event.get("name")
    label = f"循环定时器「{name}」" if name else "循环定时器"
    try:
        tree = ast.parse(text, mode="eval").body
    except SyntaxError:
        tree = None
    if not (isinstance(tree, ast.Constant) and isinstance(tree.value, str)):
        problem: str | None = f"timeCycle 须为带引号的字面量，如 \"R3/P1D\"（现为 {text!r}）"
    else:
        day_count = _camunda_properties(event).get("day_count") or "working"
        try:
            cycles, _, period = split_cycle(tree.value)
            problem = cycle_problem(cycles, period, day_count)
        except (DurationError, ValueError) as err:
            problem = f"定时器字面量 {tree.value!r} 无效: {err}"
    if problem is not None:
        raise DefinitionError(f"{label}：{problem}", event.get("id"), file_name)


def _check_code(code: str, compiler: Any, element_id: str | None, fail: Any) -> None:
    result = compiler(code.strip() or "None", "<bpmn>")
    if result.errors:
        fail(f"脚本/条件无法在沙箱中编译: {'; '.join(result.errors)} — code: {code.strip()!r}", element_id)


def _validate_user_task(node: etree._Element, fail: Any) -> None:
    node_id = node.get("id")
    groups = (node.get(f"{_C}candidateGroups") or "").strip()
    if not groups:
        fail("用户任务缺少 camunda:candidateGroups (角色)", node_id)
    if "," in groups or groups not in ROLES:
        fail(f"用户任务的角色 {groups!r} 未知 (须为 {', '.join(ROLES)} 之一)", node_id)
    props = _camunda_properties(node)
    decisions = [d.strip() for d in (props.get("decisions") or "").split(",") if d.strip()]
    if not decisions:
        fail("用户任务缺少 decisions 属性", node_id)
    unknown = [d for d in decisions if d not in DECISIONS]
    if unknown:
        fail(f"未知的决定 {unknown}", node_id)
    for item in (props.get("decision_labels") or "").split(","):
        code, sep, word = item.partition(":")
        if not item.strip():
            continue
        if not sep or not word.strip() or len(word.strip()) > MAX_DECISION_LABEL:
            fail(f"decision_labels 的条目 {item.strip()!r} 须为 决定:名称（名称 1–{MAX_DECISION_LABEL} 字）",
                 node_id)
        if code.strip() not in decisions:
            fail(f"decision_labels 中的决定 {code.strip()!r} 不在本任务的 decisions 中", node_id)
    for d in (props.get("comment_required") or "").split(","):
        if d.strip() and d.strip() not in DECISIONS:
            fail(f"comment_required 中未知的决定 {d.strip()!r}", node_id)
    scope = (props.get("scope") or "").strip()
    if not scope:
        fail("用户任务缺少 scope 属性", node_id)
    kind, _, var = scope.partition(":")
    if kind not in SCOPE_KINDS or (kind != "county" and not var.isidentifier()) or (kind == "county" and var):
        fail(f"无效的 scope {scope!r}", node_id)
    if props.get("countersign") is not None:
        _validate_countersign(node, props, decisions, fail)
    for f in parse_form_fields(node):
        if not f["id"] or not f["id"].isidentifier():
            fail(f"表单字段 id 无效: {f['id']!r}", node_id)
        if f["type"] not in FORM_TYPES:
            fail(f"表单字段 {f['id']} 的类型 {f['type']!r} 不受支持", node_id)


def _validate_cc(node: etree._Element, fail: Any) -> None:
    """抄送 (carbon_copy.py): every entry of a step's or the process's `cc` names a role."""
    unknown = unknown_cc_roles(_camunda_properties(node).get(CC_PROPERTY))
    if unknown:
        fail(f"抄送（cc）中的角色 {'、'.join(repr(u) for u in unknown)} 未知（须为 {', '.join(CC_ROLES)} "
             "之一，或其中文名称）", node.get("id"))


def _validate_countersign(node: etree._Element, props: dict[str, str], decisions: list[str],
                          fail: Any) -> None:
    node_id = node.get("id")
    try:
        parse_rule(props.get("countersign"))
    except ValueError as err:
        fail(str(err), node_id)
    loop = node.find(f"{{{BPMN_NS}}}multiInstanceLoopCharacteristics")
    sequential = loop is not None and loop.get("isSequential", "false").lower() == "true"
    if loop is None or sequential or not loop.get(f"{_C}collection") or not loop.get(f"{_C}elementVariable"):
        fail("会签任务须为并行多实例（multiInstanceLoopCharacteristics，camunda:collection 与 "
             "camunda:elementVariable 指明会签人列表）", node_id)
    if "approve" not in decisions:
        fail("会签任务的 decisions 须含 approve", node_id)


def _validate_timer(event: etree._Element, definition: etree._Element, fail: Any,
                    deadline_variables: frozenset[str]) -> None:
    event_id = event.get("id")
    exprs = [c for c in definition if isinstance(c.tag, str)]
    if len(exprs) != 1:
        fail("定时器必须且只能有一个 timeDate/timeDuration/timeCycle", event_id)
    kind, text = _local(exprs[0].tag), (exprs[0].text or "").strip()
    props = _camunda_properties(event)
    day_count = props.get("day_count", "working")
    if day_count not in DAY_COUNTS:
        fail(f"未知的 day_count {day_count!r} (须为 {' 或 '.join(DAY_COUNTS)})", event_id)
    try:
        tree = ast.parse(text, mode="eval").body
    except SyntaxError:
        fail(f"定时器表达式 {text!r} 不是合法表达式", event_id)
    if isinstance(tree, ast.Name):
        if tree.id not in deadline_variables:
            fail(f"定时器表达式 {text!r} 不是已知的期限变量", event_id)
    elif isinstance(tree, ast.Constant) and isinstance(tree.value, str):
        try:
            if kind == "timeDuration":
                parse_duration(tree.value, day_count)
            elif kind == "timeDate":
                parse_aware(tree.value)
            elif not tree.value.upper().startswith("R"):
                raise ValueError("timeCycle must start with R")
        except (DurationError, ValueError) as err:
            fail(f"定时器字面量 {tree.value!r} 无效: {err}", event_id)
    else:
        fail(f"定时器表达式 {text!r} 必须是期限变量名或带引号的字面量", event_id)
    if _local(event.tag) == "boundaryEvent":
        if props.get("timer_kind") is not None and props["timer_kind"] not in TIMER_KINDS:
            fail(f"未知的 timer_kind {props['timer_kind']!r}", event_id)
        if props.get("notify") is not None and props["notify"] not in ROLES:
            fail(f"未知的通知角色 {props['notify']!r}", event_id)
