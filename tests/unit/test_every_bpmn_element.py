"""Every element SpiffWorkflow's BPMN/Camunda parser parses, drawn the way a modeller draws it (no
cadreflow properties; user tasks in a lane named 组织部), deployed and run as the service runs
it: each one runs to its end, or waits visibly (an open task, a timer), or is refused at deploy
naming the element, or stops with the element named (the service's `error`). None hangs
silently: after every command the driver asks stall_of, as commands.core.save does."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from element_diagrams import diagram, drive, flows
from SpiffWorkflow.bpmn.parser import event_parsers

from workflows.definitions import load_definition
from workflows.engine import Engine
from workflows.parsing import CadreflowParser, DefinitionError

AT = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)  # Tuesday 09:00 in Beijing, a working day
S, E = '<bpmn:startEvent id="s"/>', '<bpmn:endEvent id="e"/>'
E2 = '<bpmn:endEvent id="e2"/>'
USER = '<bpmn:userTask id="u" name="审核"/>'
MSG = '<bpmn:message id="m" name="notice"/>'
WITHDRAW = '<bpmn:message id="mw" name="withdraw"/>'
SIGNAL = '<bpmn:signal id="sg" name="sig"/>'
ESCALATION = '<bpmn:escalation id="esc" escalationCode="E1"/>'
ERROR = '<bpmn:error id="err" errorCode="X1"/>'
CONDITION = ('<bpmn:conditionalEventDefinition><bpmn:condition xsi:type="bpmn:tFormalExpression">{}'
             "</bpmn:condition></bpmn:conditionalEventDefinition>")
TIMER = '<bpmn:timerEventDefinition><bpmn:timeDuration>PT1H</bpmn:timeDuration></bpmn:timerEventDefinition>'


def catch(event_id: str, definition: str, tag: str = "intermediateCatchEvent", attrs: str = "") -> str:
    return f'<bpmn:{tag} id="{event_id}"{attrs}>{definition}</bpmn:{tag}>'


def message(ref: str = "m") -> str:
    return f'<bpmn:messageEventDefinition messageRef="{ref}"/>'


def signal() -> str:
    return '<bpmn:signalEventDefinition signalRef="sg"/>'


def boundary(definition: str, attached: str = "u", interrupting: bool = True) -> str:
    attrs = f' attachedToRef="{attached}"' + ("" if interrupting else ' cancelActivity="false"')
    return catch("b", definition, "boundaryEvent", attrs) + E2 + flows("b", "e2", prefix="y")


def subprocess(inner: str, sub_id: str = "sp", attrs: str = "", tag: str = "subProcess") -> str:
    return f'<bpmn:{tag} id="{sub_id}"{attrs}>{inner}</bpmn:{tag}>'


def conditional(flow_id: str, source: str, target: str, condition: str, language: str = "") -> str:
    lang = f' language="{language}"' if language else ""
    return (f'<bpmn:sequenceFlow id="{flow_id}" sourceRef="{source}" targetRef="{target}">'
            f'<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression"{lang}>{condition}'
            "</bpmn:conditionExpression></bpmn:sequenceFlow>")


def plain(flow_id: str, source: str, target: str) -> str:
    return f'<bpmn:sequenceFlow id="{flow_id}" sourceRef="{source}" targetRef="{target}"/>'


CHILD = ('<bpmn:process id="child" isExecutable="true"><bpmn:startEvent id="cs"/><bpmn:task id="ct"/>'
         '<bpmn:endEvent id="ce"/>' + flows("cs", "ct", "ce", prefix="z") + "</bpmn:process>")
RAISE_IN_SUB = subprocess('<bpmn:startEvent id="ss"/><bpmn:endEvent id="se">{}</bpmn:endEvent>'
                          + flows("ss", "se", prefix="x"))

# (case, process body, declarations, start data, expected)
# expected: "completed" | "waiting" | "stalled <element>" | "refused <element>" (at deploy) |
# "not-run <element>" (the command refused, the instance left where it was)
CASES = [
    # tasks
    ("task", S + '<bpmn:task id="t"/>' + E + flows("s", "t", "e"), "", {}, "completed"),
    ("userTask", S + USER + E + flows("s", "u", "e"), "", {}, "completed"),
    ("manualTask", S + '<bpmn:manualTask id="u"/>' + E + flows("s", "u", "e"), "", {}, "completed"),
    ("scriptTask", S + '<bpmn:scriptTask id="t" scriptFormat="python"><bpmn:script>n = 1</bpmn:script>'
     "</bpmn:scriptTask>" + E + flows("s", "t", "e"), "", {}, "completed"),
    ("scriptTask without a script", S + '<bpmn:scriptTask id="t"/>' + E + flows("s", "t", "e"), "", {},
     "refused t"),
    ("scriptTask in JavaScript", S + '<bpmn:scriptTask id="t" scriptFormat="javascript"><bpmn:script>'
     "var n = 1;</bpmn:script></bpmn:scriptTask>" + E + flows("s", "t", "e"), "", {}, "refused t"),
    ("serviceTask", S + '<bpmn:serviceTask id="t" camunda:class="a.Delegate"/>' + E + flows("s", "t", "e"),
     "", {}, "refused t"),
    ("businessRuleTask without a decision", S + '<bpmn:businessRuleTask id="t"/>' + E + flows("s", "t", "e"),
     "", {}, "refused t"),
    ("sendTask", S + '<bpmn:sendTask id="t" messageRef="m"/>' + E + flows("s", "t", "e"), MSG, {},
     "completed"),
    ("receiveTask", S + '<bpmn:receiveTask id="t" messageRef="m"/>' + E + flows("s", "t", "e"), MSG, {},
     "refused t"),
    ("receiveTask without a message", S + '<bpmn:receiveTask id="t"/>' + E + flows("s", "t", "e"), "", {},
     "refused t"),
    # gateways
    ("exclusiveGateway", S + '<bpmn:exclusiveGateway id="g" default="f2"/>' + E + E2
     + conditional("f1", "g", "e", "${n &gt; 1}") + plain("f2", "g", "e2") + flows("s", "g", prefix="h"),
     "", {"n": 2}, "completed"),
    ("exclusiveGateway, no exit holds", S + USER + '<bpmn:exclusiveGateway id="g"/>' + E + E2
     + conditional("f1", "g", "e", "${n &gt; 1}") + conditional("f2", "g", "e2", "${n &lt; 0}")
     + flows("s", "u", "g", prefix="h"), "", {"n": 0}, "not-run g"),
    ("exclusiveGateway, exit with no condition", S + '<bpmn:exclusiveGateway id="g"/>' + E + E2
     + plain("f1", "g", "e") + conditional("f2", "g", "e2", "${n &lt; 0}") + flows("s", "g", prefix="h"),
     "", {"n": 0}, "refused f1"),
    ("parallelGateway", S + '<bpmn:parallelGateway id="g"/><bpmn:task id="a"/><bpmn:task id="b"/>'
     '<bpmn:parallelGateway id="j"/>' + E + flows("s", "g", "a", "j", "e") + flows("g", "b", "j", prefix="h"),
     "", {}, "completed"),
    ("parallelGateway joining a branch not taken", S + '<bpmn:exclusiveGateway id="x" default="f1"/>'
     '<bpmn:task id="a"/><bpmn:task id="b"/><bpmn:parallelGateway id="j"/>' + E + plain("f1", "x", "a")
     + conditional("f2", "x", "b", "False") + flows("s", "x", prefix="h") + flows("a", "j", "e", prefix="i")
     + flows("b", "j", prefix="k"), "", {}, "stalled j"),
    ("inclusiveGateway", S + '<bpmn:inclusiveGateway id="g"/><bpmn:task id="a"/><bpmn:task id="b"/>'
     '<bpmn:inclusiveGateway id="j"/>' + E + conditional("f1", "g", "a", "True")
     + conditional("f2", "g", "b", "False") + flows("s", "g", prefix="h") + flows("a", "j", "e", prefix="i")
     + flows("b", "j", prefix="k"), "", {}, "completed"),
    ("complexGateway", S + '<bpmn:complexGateway id="g"/>' + E + flows("s", "g", "e"), "", {}, "refused g"),
    ("eventBasedGateway with a timer", S + '<bpmn:eventBasedGateway id="g"/>' + catch("c1", TIMER)
     + catch("c2", message("mw")) + E + E2 + flows("s", "g", "c1", "e") + flows("g", "c2", "e2", prefix="y"),
     WITHDRAW, {}, "completed"),
    ("eventBasedGateway on a message nobody sends", S + '<bpmn:eventBasedGateway id="g"/>'
     + catch("c2", message()) + E + flows("s", "g", "c2", "e"), MSG, {}, "refused c2"),
    # start events
    ("startEvent with a timer", catch("s", TIMER, "startEvent") + E + flows("s", "e"), "", {}, "completed"),
    ("startEvent on a message", catch("s", message(), "startEvent") + E + flows("s", "e"), MSG, {},
     "refused s"),
    ("startEvent on a signal", catch("s", signal(), "startEvent") + E + flows("s", "e"), SIGNAL, {},
     "refused s"),
    ("startEvent on a condition", catch("s", "<bpmn:conditionalEventDefinition><bpmn:condition>n"
                                        "</bpmn:condition></bpmn:conditionalEventDefinition>", "startEvent")
     + E + flows("s", "e"), "", {}, "refused s"),
    # intermediate events
    ("timer catch", S + catch("c", TIMER) + E + flows("s", "c", "e"), "", {}, "completed"),
    ("timer catch on a date without a zone", S + catch("c", "<bpmn:timerEventDefinition><bpmn:timeDate>"
                                                       "2026-12-02T09:00:00</bpmn:timeDate>"
                                                       "</bpmn:timerEventDefinition>")
     + E + flows("s", "c", "e"), "", {}, "completed"),
    ("timer catch on a cycle", S + catch("c", "<bpmn:timerEventDefinition><bpmn:timeCycle>R2/PT1H"
                                              "</bpmn:timeCycle></bpmn:timerEventDefinition>")
     + E + flows("s", "c", "e"), "", {}, "stalled c"),
    ("message catch nobody sends", S + catch("c", message()) + E + flows("s", "c", "e"), MSG, {},
     "refused c"),
    ("signal catch nobody throws", S + catch("c", signal()) + E + flows("s", "c", "e"), SIGNAL, {},
     "refused c"),
    ("message thrown and caught", S + '<bpmn:parallelGateway id="g"/>' + catch("c", message())
     + catch("t", message(), "intermediateThrowEvent") + '<bpmn:parallelGateway id="j"/>' + E
     + flows("s", "g", "c", "j", "e") + flows("g", "t", "j", prefix="h"), MSG, {}, "completed"),
    ("signal thrown and caught", S + '<bpmn:parallelGateway id="g"/>' + catch("c", signal())
     + catch("t", signal(), "intermediateThrowEvent") + '<bpmn:parallelGateway id="j"/>' + E
     + flows("s", "g", "c", "j", "e") + flows("g", "t", "j", prefix="h"), SIGNAL, {}, "completed"),
    ("signal thrown on a branch not taken", S + '<bpmn:exclusiveGateway id="x" default="f1"/>'
     + catch("c", signal()) + catch("t", signal(), "intermediateThrowEvent") + E + E2 + plain("f1", "x", "c")
     + conditional("f2", "x", "t", "False") + flows("s", "x", prefix="h") + flows("c", "e", prefix="i")
     + flows("t", "e2", prefix="k"), SIGNAL, {}, "stalled c"),
    ("conditional catch never true", S + catch("c", CONDITION.format("${n == 1}")) + E + flows("s", "c", "e"),
     "", {"n": 0}, "stalled c"),
    ("throw events", S + catch("t1", message(), "intermediateThrowEvent")
     + catch("t2", signal(), "intermediateThrowEvent")
     + catch("t3", '<bpmn:escalationEventDefinition escalationRef="esc"/>', "intermediateThrowEvent")
     + '<bpmn:intermediateThrowEvent id="t4"/>' + E + flows("s", "t1", "t2", "t3", "t4", "e"),
     MSG + SIGNAL + ESCALATION, {}, "completed"),
    ("link events", S + catch("lt", '<bpmn:linkEventDefinition name="L"/>', "intermediateThrowEvent")
     + catch("lc", '<bpmn:linkEventDefinition name="L"/>') + E + flows("s", "lt")
     + flows("lc", "e", prefix="g"), "", {}, "completed"),
    ("a catch of a timer and the withdraw message", S + catch("c", TIMER + message("mw")) + E
     + flows("s", "c", "e"), WITHDRAW, {}, "completed"),
    # end events
    ("end events of every kind", S + '<bpmn:parallelGateway id="g"/>'
     + catch("e1", message(), "endEvent") + catch("e2", signal(), "endEvent")
     + catch("e3", '<bpmn:escalationEventDefinition escalationRef="esc"/>', "endEvent")
     + catch("e4", '<bpmn:errorEventDefinition errorRef="err"/>', "endEvent")
     + flows("s", "g", "e1") + flows("g", "e2", prefix="a") + flows("g", "e3", prefix="b")
     + flows("g", "e4", prefix="c"), MSG + SIGNAL + ESCALATION + ERROR, {}, "completed"),
    ("terminate end event", S + '<bpmn:parallelGateway id="g"/>' + USER
     + catch("e1", "<bpmn:terminateEventDefinition/>", "endEvent") + E + flows("s", "g", "e1")
     + flows("g", "u", "e", prefix="a"), "", {}, "completed"),
    # boundary events
    ("interrupting timer on a task", S + USER + boundary(TIMER) + E + flows("s", "u", "e"), "", {},
     "completed"),
    ("non-interrupting timer on a task", S + USER + boundary(TIMER, interrupting=False) + E
     + flows("s", "u", "e"), "", {}, "completed"),
    ("withdraw message on a task", S + USER + boundary(message("mw")) + E + flows("s", "u", "e"),
     WITHDRAW, {}, "completed"),
    ("message nobody sends on a task", S + USER + boundary(message()) + E + flows("s", "u", "e"), MSG, {},
     "refused b"),
    ("signal nobody throws on a task", S + USER + boundary(signal()) + E + flows("s", "u", "e"), SIGNAL, {},
     "refused b"),
    ("condition on a task", S + USER + boundary("<bpmn:conditionalEventDefinition><bpmn:condition>n == 1"
                                                "</bpmn:condition></bpmn:conditionalEventDefinition>")
     + E + flows("s", "u", "e"), "", {"n": 0}, "completed"),
    ("error from a subprocess", S + RAISE_IN_SUB.format('<bpmn:errorEventDefinition errorRef="err"/>')
     + boundary('<bpmn:errorEventDefinition errorRef="err"/>', "sp") + E + flows("s", "sp", "e"), ERROR, {},
     "completed"),
    ("escalation from a subprocess", S + RAISE_IN_SUB.format('<bpmn:escalationEventDefinition '
                                                             'escalationRef="esc"/>')
     + boundary('<bpmn:escalationEventDefinition escalationRef="esc"/>', "sp", interrupting=False) + E
     + flows("s", "sp", "e"), ESCALATION, {}, "completed"),
    ("cancel of a transaction", S + subprocess('<bpmn:startEvent id="ss"/><bpmn:endEvent id="se">'
                                               "<bpmn:cancelEventDefinition/></bpmn:endEvent>"
                                               + flows("ss", "se", prefix="x"), tag="transaction")
     + boundary("<bpmn:cancelEventDefinition/>", "sp") + E + flows("s", "sp", "e"), "", {}, "completed"),
    ("compensation", S + '<bpmn:task id="t"/>' + catch("cb", "<bpmn:compensateEventDefinition/>",
                                                        "boundaryEvent", ' attachedToRef="t"')
     + '<bpmn:task id="undo" isForCompensation="true"/>'
     + catch("ct", "<bpmn:compensateEventDefinition/>", "intermediateThrowEvent") + E
     + flows("s", "t", "ct", "e"), "", {}, "refused cb"),
    # subprocesses and calls
    ("subProcess with a user task",
     S + subprocess('<bpmn:startEvent id="ss"/><bpmn:userTask id="su"/><bpmn:endEvent id="se"/>'
                    + flows("ss", "su", "se", prefix="x")) + E + flows("s", "sp", "e"), "", {}, "completed"),
    ("transaction", S + subprocess('<bpmn:startEvent id="ss"/><bpmn:task id="st"/><bpmn:endEvent id="se"/>'
                                   + flows("ss", "st", "se", prefix="x"), tag="transaction")
     + E + flows("s", "sp", "e"), "", {}, "completed"),
    ("adHocSubProcess", S + '<bpmn:adHocSubProcess id="sp"><bpmn:task id="a1"/></bpmn:adHocSubProcess>' + E
     + flows("s", "sp", "e"), "", {}, "refused sp"),
    ("callActivity", S + '<bpmn:callActivity id="c" calledElement="child"/>' + E + flows("s", "c", "e"),
     "", {}, "completed"),
    ("callActivity of a process not uploaded", S + '<bpmn:callActivity id="c" calledElement="other"/>' + E
     + flows("s", "c", "e"), "", {}, "refused c"),
    ("event subprocess on a timer", S + USER + E + flows("s", "u", "e")
     + subprocess(catch("es", TIMER, "startEvent", ' isInterrupting="false"') + '<bpmn:endEvent id="ee"/>'
                  + flows("es", "ee", prefix="q"), "evs", ' triggeredByEvent="true"'), "", {}, "completed"),
    ("event subprocess on an error",
     S + RAISE_IN_SUB.format('<bpmn:errorEventDefinition errorRef="err"/>') + E + flows("s", "sp", "e")
     + subprocess(catch("es", '<bpmn:errorEventDefinition errorRef="err"/>', "startEvent")
                  + '<bpmn:endEvent id="ee"/>' + flows("es", "ee", prefix="q"), "evs",
                  ' triggeredByEvent="true"'), ERROR, {}, "completed"),
    # loops and multi-instance
    ("parallel multi-instance", S + '<bpmn:task id="t"><bpmn:multiInstanceLoopCharacteristics>'
     "<bpmn:loopCardinality>3</bpmn:loopCardinality></bpmn:multiInstanceLoopCharacteristics></bpmn:task>" + E
     + flows("s", "t", "e"), "", {}, "completed"),
    ("sequential multi-instance user task",
     S + '<bpmn:userTask id="u"><bpmn:multiInstanceLoopCharacteristics isSequential="true">'
     "<bpmn:loopCardinality>2</bpmn:loopCardinality></bpmn:multiInstanceLoopCharacteristics></bpmn:userTask>"
     + E + flows("s", "u", "e"), "", {}, "completed"),
    ("multi-instance over a collection", S + '<bpmn:userTask id="u"><bpmn:multiInstanceLoopCharacteristics '
     'camunda:collection="${items}" camunda:elementVariable="item"/></bpmn:userTask>' + E
     + flows("s", "u", "e"), "", {"items": ["甲", "乙"]}, "completed"),
    ("standard loop", S + '<bpmn:task id="t"><bpmn:standardLoopCharacteristics loopMaximum="3"/></bpmn:task>'
     + E + flows("s", "t", "e"), "", {}, "completed"),
]
LANE = '<bpmn:lane id="Lane_1" name="组织部">{}</bpmn:lane>'


def _file(body: str, declarations: str) -> bytes:
    nodes = re.findall(r'<bpmn:(?:userTask|manualTask|subProcess)\b[^>]*\bid="([^"]+)"', body)
    refs = "".join(f"<bpmn:flowNodeRef>{n}</bpmn:flowNodeRef>" for n in nodes)
    return diagram(body, definitions=declarations, lanes=LANE.format(refs) if refs else "",
                   processes=CHILD if 'calledElement="child"' in body else "")


@pytest.mark.parametrize(("body", "declarations", "data", "expected"),
                         [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_an_element_runs_waits_visibly_or_is_refused_naming_it(body: str, declarations: str, data: dict,
                                                                expected: str) -> None:
    outcome, _, element = expected.partition(" ")
    xml = _file(body, declarations)
    if outcome == "refused":
        with pytest.raises(DefinitionError) as refused:
            load_definition({"plain.bpmn": xml})
        assert refused.value.element_id == element
        assert element in str(refused.value) and "plain.bpmn" in str(refused.value)
        return
    run = drive(Engine(), load_definition({"plain.bpmn": xml}), data, AT)
    if outcome == "stalled":
        assert run.outcome == "stalled", run
        assert run.stall is not None and run.stall.element_ids == (element,)
        assert element in run.stall.reason
    elif outcome == "not-run":
        assert run.outcome == "refused", run
        assert run.refusal is not None and run.refusal.element_id == element and element in str(run.refusal)
        assert run.instance.status == "running" and run.instance.open_tasks(), "it stays where it was"
    else:
        assert run.outcome == outcome, run


def test_the_cases_cover_every_element_and_event_the_parser_knows() -> None:
    parser = CadreflowParser()
    tags = {tag.split("}")[1] for tag in (*parser.PARSER_CLASSES, *parser.OVERRIDE_PARSER_CLASSES)}
    tags |= {"complexGateway"}  # drawn by modellers, not parsed by SpiffWorkflow: refused
    events = {path.split(":")[1] for name, path in vars(event_parsers).items()
              if name.endswith("_EVENT_XPATH")}
    events |= {"linkEventDefinition", "compensateEventDefinition"}
    drawn = {tag for case in CASES for tag in re.findall(r"<bpmn:(\w+)", case[1] + case[2])}
    assert tags - drawn == set()
    assert events - drawn == set()
