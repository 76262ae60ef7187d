"""Audit of the hash-chained history (issue 5): verification, point-in-time state, ledger export.

Read-only: nothing here writes to the database. service/history/append.py is the only writer.
"""

from service.audit.chain import ChainResult, check_chain
from service.audit.events import instance_events
from service.audit.ledger import LedgerCounts, write_ledger_csv, write_ledger_xlsx
from service.audit.replayer import Replayer, ReplayOutcome
from service.audit.state_at import InstanceNotStarted, state_at
from service.audit.verify import Verification, verify_instance

__all__ = [
    "ChainResult",
    "InstanceNotStarted",
    "LedgerCounts",
    "ReplayOutcome",
    "Replayer",
    "Verification",
    "check_chain",
    "instance_events",
    "state_at",
    "verify_instance",
    "write_ledger_csv",
    "write_ledger_xlsx",
]
