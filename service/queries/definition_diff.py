"""What changed between two versions of a process definition, for people and as text.

The readable part lists the process elements (steps, events, gateways, flows, lanes) added,
removed and changed, by id and Chinese name; a change names each property that differs (role,
decisions, scope, timers, form fields, conditions...) with its old and new value. Where the
diagram only moved (BPMNDI), one count says so. The text part is difflib's unified diff of the
files, line by line, for whoever wants the exact XML.

The XML is parsed as the engine parses it (workflows.parsing.safe_parse_xml: no DTD, no
entities, no network)."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from service.core.labels import DECISION_NAMES, ROLE_NAMES, SCOPE_KIND_NAMES, decision_word
from workflows.parsing import BPMN_NS, BPMNDI_NS, parse_decision_labels, safe_parse_xml

CAMUNDA_NS = "http://camunda.org/schema/1.0/bpmn"
_NS = {"bpmn": BPMN_NS, "bpmndi": BPMNDI_NS, "camunda": CAMUNDA_NS}
_PREFIX = {BPMN_NS: "", CAMUNDA_NS: "camunda:"}
# Child elements whose content is read into their parent's properties, or only repeat the flows.
_FOLDED = {"extensionElements", "incoming", "outgoing", "documentation", "conditionExpression", "script",
           "timerEventDefinition", "messageEventDefinition", "flowNodeRef", "laneSet", "text"}
# A text diff longer than this is cut (a re-serialised file differs on nearly every line).
MAX_TEXT_LINES = 3000

KIND_NAMES = {
    "process": "流程", "collaboration": "协作", "participant": "参与者（池）", "lane": "泳道",
    "userTask": "人工环节", "scriptTask": "脚本环节", "serviceTask": "服务环节", "task": "环节",
    "manualTask": "手工环节", "sendTask": "发送环节", "receiveTask": "接收环节",
    "businessRuleTask": "规则环节", "subProcess": "子流程", "callActivity": "调用活动",
    "startEvent": "开始事件", "endEvent": "结束事件", "boundaryEvent": "边界事件",
    "intermediateCatchEvent": "中间捕获事件", "intermediateThrowEvent": "中间抛出事件",
    "exclusiveGateway": "排他网关", "parallelGateway": "并行网关", "inclusiveGateway": "包容网关",
    "eventBasedGateway": "事件网关", "complexGateway": "复杂网关", "sequenceFlow": "顺序流",
    "message": "消息", "signal": "信号", "error": "错误", "dataObject": "数据对象",
    "dataObjectReference": "数据对象引用", "textAnnotation": "注释", "association": "关联",
}
PROPERTY_NAMES = {
    "camunda:candidateGroups": "办理角色", "camunda:assignee": "指定办理人",
    "prop:decisions": "可选决定", "prop:scope": "管辖范围", "prop:decision_labels": "决定名称",
    "prop:comment_required": "须填理由的决定", "prop:timer_kind": "定时器类型", "prop:notify": "通知角色",
    "prop:day_count": "计日方式", "prop:start_roles": "可发起角色", "prop:cc": "抄送", "timer": "定时",
    "condition": "条件", "script": "脚本", "documentation": "说明", "sourceRef": "起点",
    "targetRef": "终点", "attachedToRef": "所附环节", "cancelActivity": "中断所附环节",
    "default": "默认流向", "isExecutable": "可执行", "processRef": "所属流程", "members": "泳道内元素",
    "message": "消息", "scriptFormat": "脚本语言", "name": "名称",
}
TIMER_KIND_NAMES = {"reminder": "催办", "escalation": "督办", "deadline": "期满处理"}
# Attributes whose absence means their BPMN default: a modeller that leaves out a default writes
# the same process (bpmn-js drops cancelActivity="true", for one).
DEFAULTS = {"cancelActivity": "true", "isInterrupting": "true", "isForCompensation": "false",
            "parallelMultiple": "false", "instantiate": "false", "isImmediate": "false",
            "isClosed": "false", "isExecutable": "false"}
DAY_COUNT_NAMES = {"working": "工作日", "calendar": "自然日"}


@dataclass
class Element:
    id: str
    kind: str
    name: str
    props: dict[str, str] = field(default_factory=dict)

    @property
    def kind_name(self) -> str:
        return KIND_NAMES.get(self.kind, self.kind)

    @property
    def label(self) -> str:
        return f"{self.name}（{self.id}）" if self.name else self.id


@dataclass
class Change:
    property: str
    label: str
    old: str | None
    new: str | None


@dataclass
class ChangedElement:
    old: Element
    new: Element
    changes: list[Change]


@dataclass
class TextLine:
    kind: str  # "add" | "del" | "hunk" | "file" | "ctx"
    text: str


@dataclass
class DefinitionDiff:
    added: list[Element]
    removed: list[Element]
    changed: list[ChangedElement]
    moved_shapes: int  # diagram shapes and edges placed differently
    text: list[TextLine]
    text_cut: int  # lines of the text diff left out
    same_text: bool

    @property
    def same_model(self) -> bool:
        return not (self.added or self.removed or self.changed)


def _local(tag: str) -> str:
    return tag.split("}", 1)[-1]


def _qualified(tag_or_attr: str) -> str:
    if tag_or_attr.startswith("{"):
        ns, _, local = tag_or_attr[1:].partition("}")
        return _PREFIX.get(ns, "") + local if ns in _PREFIX else local
    return tag_or_attr


def _text(node: etree._Element | None) -> str:
    return " ".join((node.text or "").split()) if node is not None else ""


def _form_field(f: etree._Element) -> str:
    constraints = [c.get("name") for c in f.xpath("./camunda:validation/camunda:constraint", namespaces=_NS)]
    options = [v.get("id") for v in f.xpath("./camunda:value", namespaces=_NS)]
    parts = [f.get("label") or "", f"类型 {f.get('type') or 'string'}"]
    if "required" in constraints:
        parts.append("必填")
    if options:
        parts.append("选项 " + "、".join(o for o in options if o))
    if f.get("defaultValue"):
        parts.append(f"默认 {f.get('defaultValue')}")
    return "，".join(p for p in parts if p)


def _timer(definition: etree._Element) -> str:
    for child in definition:
        if isinstance(child.tag, str):
            return f"{_local(child.tag)} {_text(child)}"
    return ""


def _props(node: etree._Element) -> dict[str, str]:
    props: dict[str, str] = {}
    for attr, value in node.attrib.items():
        name = _qualified(str(attr))
        if name not in ("id", "name") and not name.startswith("{") and DEFAULTS.get(name) != value:
            props[name] = value
    for p in node.xpath("./bpmn:extensionElements/camunda:properties/camunda:property", namespaces=_NS):
        props[f"prop:{p.get('name')}"] = p.get("value") or ""
    for f in node.xpath("./bpmn:extensionElements/camunda:formData/camunda:formField", namespaces=_NS):
        props[f"form:{f.get('id')}"] = _form_field(f)
    for tag, key in (("documentation", "documentation"), ("conditionExpression", "condition"),
                     ("script", "script")):
        found = node.find(f"{{{BPMN_NS}}}{tag}")
        if found is not None:
            props[key] = _text(found)
    timers = node.findall(f"{{{BPMN_NS}}}timerEventDefinition")
    if timers:
        props["timer"] = "；".join(_timer(t) for t in timers)
    messages = node.findall(f"{{{BPMN_NS}}}messageEventDefinition")
    if messages:
        props["message"] = "；".join(m.get("messageRef") or "" for m in messages)
    members = node.findall(f"{{{BPMN_NS}}}flowNodeRef")
    if members:
        props["members"] = "、".join(sorted(_text(m) for m in members))
    return props


def describe(xml: str | bytes, file_name: str = "process.bpmn") -> dict[str, Element]:
    """The process elements of a BPMN document by id, in document order."""
    content = xml.encode("utf-8") if isinstance(xml, str) else xml
    root = safe_parse_xml(content, file_name)
    out: dict[str, Element] = {}
    for node in root.iter():
        if not isinstance(node.tag, str) or not node.tag.startswith(f"{{{BPMN_NS}}}"):
            continue
        kind, node_id = _local(node.tag), node.get("id")
        if node_id is None or kind in _FOLDED or kind == "definitions":
            continue
        if any(_local(a.tag) == "extensionElements" for a in node.iterancestors() if isinstance(a.tag, str)):
            continue
        out[node_id] = Element(node_id, kind, node.get("name") or "", _props(node))
    return out


def _layout(xml: str) -> dict[str, str]:
    root = safe_parse_xml(xml.encode("utf-8"), "layout.bpmn")
    out = {}
    for node in root.iter(f"{{{BPMNDI_NS}}}BPMNShape", f"{{{BPMNDI_NS}}}BPMNEdge"):
        points = [(c.get("x"), c.get("y"), c.get("width"), c.get("height")) for c in node.iter()
                  if isinstance(c.tag, str) and _local(c.tag) in ("Bounds", "waypoint")]
        out[node.get("bpmnElement") or ""] = repr(points)
    return out


def _role(value: str) -> str:
    roles = [v.strip() for v in value.split(",") if v.strip()]
    return "、".join(f"{ROLE_NAMES.get(r, r)}（{r}）" for r in roles)


def readable_value(prop: str, value: str | None) -> str | None:
    """A property's value as people read it: roles, decisions, scopes and timer kinds in Chinese."""
    if value is None or value == "":
        return value
    if prop in ("camunda:candidateGroups", "prop:notify", "prop:start_roles", "prop:cc"):
        return _role(value)
    if prop in ("prop:decisions", "prop:comment_required"):
        return "、".join(f"{DECISION_NAMES.get(d.strip(), d.strip())}（{d.strip()}）"
                        for d in value.split(",") if d.strip())
    if prop == "prop:scope":
        kind, _, variable = value.partition(":")
        by = f"，按 {variable}" if variable else ""
        return f"{SCOPE_KIND_NAMES.get(kind, kind)}{by}（{value}）"
    if prop == "prop:timer_kind":
        return f"{TIMER_KIND_NAMES.get(value, value)}（{value}）"
    if prop == "prop:day_count":
        return f"{DAY_COUNT_NAMES.get(value, value)}（{value}）"
    if prop == "cancelActivity":
        return "是" if value == "true" else "否"
    return value


def property_label(prop: str) -> str:
    if prop.startswith("form:"):
        return f"表单字段 {prop[5:]}"
    if prop.startswith("prop:"):
        return PROPERTY_NAMES.get(prop, f"扩展属性 {prop[5:]}")
    return PROPERTY_NAMES.get(prop, prop)


def _changes(old: Element, new: Element) -> list[Change]:
    out = []
    if old.kind != new.kind:
        out.append(Change("kind", "类型", old.kind_name, new.kind_name))
    if old.name != new.name:
        out.append(Change("name", "名称", old.name or None, new.name or None))
    for prop in sorted(set(old.props) | set(new.props), key=lambda p: (p.startswith("form:"), p)):
        a, b = old.props.get(prop), new.props.get(prop)
        if a != b:
            out.append(Change(prop, property_label(prop), readable_value(prop, a), readable_value(prop, b)))
    return out


def _text_diff(old_files: dict[str, str], new_files: dict[str, str], old_label: str,
               new_label: str) -> tuple[list[TextLine], int]:
    """The unified diff of each file; the main .bpmn files are paired whatever their names."""
    old_main = _main(old_files)
    new_main = _main(new_files)
    pairs: list[tuple[str | None, str | None]] = [(old_main, new_main)]
    for name in sorted((set(old_files) | set(new_files)) - {old_main, new_main}):
        pairs.append((name if name in old_files else None, name if name in new_files else None))
    lines: list[TextLine] = []
    for a, b in pairs:
        diff = difflib.unified_diff(
            old_files.get(a or "", "").splitlines(), new_files.get(b or "", "").splitlines(),
            fromfile=f"{old_label} {a or '（无）'}", tofile=f"{new_label} {b or '（无）'}", lineterm="", n=3)
        for line in diff:
            if line.startswith(("---", "+++")):
                kind = "file"
            elif line.startswith("@@"):
                kind = "hunk"
            elif line.startswith("+"):
                kind = "add"
            elif line.startswith("-"):
                kind = "del"
            else:
                kind = "ctx"
            lines.append(TextLine(kind, line))
    cut = max(0, len(lines) - MAX_TEXT_LINES)
    return lines[:MAX_TEXT_LINES], cut


def _main(files: dict[str, str]) -> str:
    return next(name for name in sorted(files) if name.endswith(".bpmn"))


def diff_definitions(old_files: dict[str, str], new_files: dict[str, str], old_label: str = "旧版",
                     new_label: str = "新版") -> DefinitionDiff:
    old_xml, new_xml = old_files[_main(old_files)], new_files[_main(new_files)]
    before, after = describe(old_xml, _main(old_files)), describe(new_xml, _main(new_files))
    changed = [ChangedElement(before[i], after[i], changes) for i in after if i in before
               and (changes := _changes(before[i], after[i]))]
    old_layout, new_layout = _layout(old_xml), _layout(new_xml)
    moved = sum(1 for k in set(old_layout) & set(new_layout) if old_layout[k] != new_layout[k])
    text, cut = _text_diff(old_files, new_files, old_label, new_label)
    return DefinitionDiff(
        added=[e for i, e in after.items() if i not in before],
        removed=[e for i, e in before.items() if i not in after],
        changed=changed, moved_shapes=moved, text=text, text_cut=cut,
        same_text=old_files == new_files)


def user_tasks(xml: str) -> list[dict[str, Any]]:
    """A version's steps as people read them: name, role, scope, decisions, form fields, and the
    roles the case is copied to once the step is done (抄送)."""
    out = []
    for element in describe(xml).values():
        if element.kind != "userTask":
            continue
        p = element.props
        words = parse_decision_labels(p.get("prop:decision_labels"))
        decisions = [d.strip() for d in (p.get("prop:decisions") or "").split(",") if d.strip()]
        out.append({
            "id": element.id, "name": element.name,
            "role": readable_value("camunda:candidateGroups", p.get("camunda:candidateGroups")),
            "scope": readable_value("prop:scope", p.get("prop:scope")),
            # each in the step's own word (decision_labels), else the general one
            "decisions": "、".join(f"{decision_word(d, words)}（{d}）" for d in decisions),
            "form": [f"{k[5:]}：{v}" for k, v in p.items() if k.startswith("form:")],
            "cc": readable_value("prop:cc", p.get("prop:cc")),
        })
    return out


def process_cc_words(xml: str) -> str | None:
    """The roles a version's cases are copied to when they end (the process's `cc`), as read."""
    for element in describe(xml).values():
        if element.kind == "process" and element.props.get("prop:cc"):
            return readable_value("prop:cc", element.props["prop:cc"])
    return None
