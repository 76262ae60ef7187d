"""The service layer: one function per command, each one transaction (unit of work).

HTTP handlers, the CLI and the timer service only translate their input into these calls.
"""

from service.commands.actor import SYSTEM
from service.commands.adjustments import submit_adjustment
from service.commands.definitions import (
    deploy,
    deploy_bundled,
    deploy_definition,
    deploy_modelled,
    deploy_paths,
)
from service.commands.migrate import migrate_instances
from service.commands.process import start_process
from service.commands.recalls import open_recall
from service.commands.resume import resume_instance
from service.commands.suspend import suspend_instance
from service.commands.tasks import CompleteResult, claim_task, complete_task, transfer_task, unclaim_task
from service.commands.terminate import terminate_instance
from service.commands.timers import FireResult, fire_due_timers, recompute_deadlines
from service.commands.uow import unit_of_work
from service.commands.withdraw import withdraw_instance

__all__ = [
    "SYSTEM",
    "CompleteResult",
    "FireResult",
    "claim_task",
    "complete_task",
    "deploy",
    "deploy_bundled",
    "deploy_definition",
    "deploy_modelled",
    "deploy_paths",
    "fire_due_timers",
    "migrate_instances",
    "open_recall",
    "recompute_deadlines",
    "resume_instance",
    "start_process",
    "submit_adjustment",
    "suspend_instance",
    "terminate_instance",
    "transfer_task",
    "unclaim_task",
    "unit_of_work",
    "withdraw_instance",
]
