"""Audit of the hash-chained history (issue 5): verification, point-in-time state, ledger export.

Read-only: nothing here writes to the database. service/history/append.py is the only writer.
"""

from service.audit.chain import ChainResult, check_chain
from service.audit.events import instance_events
from service.audit.ledger import LEDGER_COLUMNS, ledger_rows, write_csv, write_xlsx
from service.audit.replayer import Replayer, ReplayOutcome
from service.audit.state_at import InstanceNotStarted, state_at
from service.audit.verify import Verification, verify_instance

__all__ = [
    "LEDGER_COLUMNS",
    "ChainResult",
    "InstanceNotStarted",
    "ReplayOutcome",
    "Replayer",
    "Verification",
    "check_chain",
    "instance_events",
    "ledger_rows",
    "state_at",
    "verify_instance",
    "write_csv",
    "write_xlsx",
]
