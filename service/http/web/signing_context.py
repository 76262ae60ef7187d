"""What the task page shows of 会签, 加签 and 抄送: the countersign step's signers and rule, the
task's added signers (the open one holds the holder's decision form), the forms of the holder
(加签, 抄送) and of the added signer (签署), and to a reader how the case was copied to them."""

from __future__ import annotations

from typing import Any

from service.core.labels import SIGNER_MODE_HELP, SIGNER_MODE_NAMES
from service.core.principal import Principal
from service.persistence.models import HumanTask, ProcessInstance
from service.queries.access import PERSONAL
from service.queries.people import user_choices
from service.queries.signers import case_readers, copied_to, countersign_steps, pending_signer, task_signers


def signing_context(principal: Principal, task: HumanTask, row: ProcessInstance, holds: bool,
                    panels: dict[str, Any]) -> dict[str, Any]:
    """Template values; `holds`: the caller may act on the task now (its holder)."""
    signers = task_signers(task.id)
    pending = pending_signer(signers) if task.status == "open" else None
    running = row.status == "running" and task.status == "open"
    # the holder adds a signer or copies the case while no added signer is still to sign
    delegates = holds and running and pending is None
    return {
        "signers": signers, "pending_signer": pending,
        "decide_blocked": (f"已加签：须待 {pending.name} 签署后才能办理。" if pending is not None else None),
        "i_sign": pending is not None and pending.login == principal.login and running,
        "can_delegate": delegates, "can_copy": holds and running,
        "user_options": user_choices(exclude=[principal.login]) if holds and running else [],
        "mode_names": SIGNER_MODE_NAMES, "mode_help": SIGNER_MODE_HELP,
        "countersign": countersign_steps(row, task) if task.scope_kind == PERSONAL else [],
        "readers": case_readers(row.id) if holds else [],
        "copied": copied_to(row, principal.login),
        "signer_errors": panels.get("signer_errors", {}), "signer_values": panels.get("signer_values", {}),
        "cc_errors": panels.get("cc_errors", {}), "cc_values": panels.get("cc_values", {}),
        "sign_errors": panels.get("sign_errors", {}), "sign_values": panels.get("sign_values", {}),
    }
