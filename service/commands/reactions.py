"""Follow-on actions of what the engine reported (commands.outbox), run inside the same unit of work.

- a thrown `handover_requested` starts the handover process;
- a thrown `posting_approved` (an approved dispatch) starts the posting, or a rotation's handover;
- a completed handover switches the village's postings and records the Party relation's move;
- every step of a leave case keeps its leave row in step;
- a thrown `recall_requested` (an assessment graded 不称职) opens the recall case, and a completed
  assessment leaves its result (the unit's record, the cadre's file);
- every step tells the people it concerns (commands.process_notices);
- a step or a process whose diagram declares 抄送 (`cc`) copies the case to its readers
  (commands.declared_cc).
"""

from __future__ import annotations

from collections.abc import Callable

from service.commands import outbox
from service.commands.assessments.results import record_result
from service.commands.declared_cc import copy_declared
from service.commands.handover import HANDOVER_KEY, HANDOVER_MESSAGE, start_handover, switch_postings
from service.commands.leave_sync import LEAVE_KEY, sync_leave
from service.commands.party_relations import record_handover_transfer
from service.commands.postings import POSTING_MESSAGE, on_posting_approved
from service.commands.process_notices import notify_case_steps
from service.commands.recall_start import RECALL_MESSAGE, start_recall_for_assessment
from service.persistence.models import ProcessInstance
from service.queries.assessments.keys import PROCESS_KEY as ASSESSMENT_KEY

# thrown message name -> the action that starts what it asks for (returns the started instance)
ON_MESSAGE: dict[str, Callable[[outbox.Reported, object], ProcessInstance | None]] = {
    HANDOVER_MESSAGE: start_handover,
    POSTING_MESSAGE: on_posting_approved,
    RECALL_MESSAGE: start_recall_for_assessment,
}
# process key -> what follows its completion, in order (the Party relation is recorded on the
# postings the switch made and ended)
ON_COMPLETED: dict[str, tuple[Callable[[outbox.Reported], None], ...]] = {
    HANDOVER_KEY: (switch_postings, record_handover_transfer),
    ASSESSMENT_KEY: (record_result,),
}
# process key -> what follows each of its steps (whatever the step)
ON_STEP: dict[str, Callable[[outbox.Reported], None]] = {
    LEAVE_KEY: sync_leave,
}


def dispatch() -> list[ProcessInstance]:
    """Act on every report so far, and on the reports those actions make in turn; returns the
    instances started."""
    started: list[ProcessInstance] = []
    while reports := outbox.take():
        for reported in reports:
            notify_case_steps(reported)
            copy_declared(reported)
            on_step = ON_STEP.get(reported.row.process_key)
            if on_step is not None:
                on_step(reported)
            for name, payload in reported.thrown_messages:
                action = ON_MESSAGE.get(name)
                instance = action(reported, payload) if action is not None else None
                if instance is not None:
                    started.append(instance)
            if reported.completed:
                for follow in ON_COMPLETED.get(reported.row.process_key, ()):
                    follow(reported)
    return started
