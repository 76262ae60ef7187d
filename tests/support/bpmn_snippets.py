"""BPMN fragments for the small inline processes some tests build (subprocesses, call activities,
boundary timers: shapes the bundled processes do not have)."""

from __future__ import annotations


def user_task(task_id: str) -> str:
    return f'<bpmn:userTask id="{task_id}" name="{task_id}"/>'


def flow(flow_id: str, source: str, target: str) -> str:
    return f'<bpmn:sequenceFlow id="{flow_id}" sourceRef="{source}" targetRef="{target}"/>'


def boundary_timer(event_id: str, attached: str) -> str:
    """A non-interrupting one-day timer on `attached`, leading to an end event of its own."""
    return (f'<bpmn:boundaryEvent id="{event_id}" attachedToRef="{attached}" cancelActivity="false">'
            '<bpmn:timerEventDefinition><bpmn:timeDuration>"P1D"</bpmn:timeDuration>'
            '</bpmn:timerEventDefinition></bpmn:boundaryEvent>'
            f'<bpmn:endEvent id="{event_id}_end"/>{flow(event_id + "_f", event_id, event_id + "_end")}')
