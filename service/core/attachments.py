"""Which steps of a case carry files (附件), and how many at once.

A file enters a case with the step that submits it: the request that opens the case (its
"start"), or the completion of one of these tasks. Its name, size and SHA-256 then go into that
step's history event, so the audit replay covers them.
"""

from __future__ import annotations

START = "start"  # the request or the recall that opens the case

# process key -> the steps that may carry files
ATTACHMENT_STEPS: dict[str, frozenset[str]] = {
    # the request (申请书, 医院证明 ...) and its revision when it was sent back
    "mid_term_replacement": frozenset({START, "revise_request"}),
    # the handover list and what goes with it (签字的交接清单)
    "handover": frozenset({"prepare_handover_list"}),
    # the finding that opens the recall, its verification, and the cadre's own statement
    "recall": frozenset({START, "verify_finding_org_dept", "verify_finding_rrb", "cadre_statement"}),
}

START_NAMES = {"mid_term_replacement": "提出调整申请", "recall": "启动召回"}

FILES_PER_STEP = 10  # files one step may carry


def carries_attachments(process_key: str, step: str) -> bool:
    return step in ATTACHMENT_STEPS.get(process_key, frozenset())
