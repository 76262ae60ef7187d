"""The support ledger's commands (工作保障台账, domain rule 12): each records one kind of support in
its own transaction and appends the change to the hash-chained roster change log."""

from service.commands.support.allowances import record_allowance
from service.commands.support.health import record_health_check
from service.commands.support.insurance import record_insurance
from service.commands.support.transport import record_transport

__all__ = ["record_allowance", "record_health_check", "record_insurance", "record_transport"]
