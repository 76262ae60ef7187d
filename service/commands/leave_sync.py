"""sync_leave: every step of a leave case keeps its leave_requests row in step (a reaction, in the
command's transaction): granted, refused, withdrawn, back (销假, with the return date)."""

from __future__ import annotations

from datetime import date
from typing import Any

from service.commands.outbox import Reported
from service.persistence.db import db
from service.persistence.models import LeaveRequest

LEAVE_KEY = "leave"
# The instance's status -> the leave's state, once the case has ended without a grant.
ENDED_STATES = {"rejected": "rejected", "withdrawn": "withdrawn", "terminated": "terminated"}


def leave_state(status: str, data: dict[str, Any]) -> str:
    """Where a leave stands, from its case's status and data."""
    if status in ENDED_STATES and not data.get("leave_approved"):
        return ENDED_STATES[status]
    if status == "completed":
        return "returned"
    if data.get("leave_approved"):
        # A granted leave whose case an administrator ended stays granted: the days were taken.
        return "approved"
    return ENDED_STATES.get(status, "pending")


def sync_leave(reported: Reported) -> None:
    """A step of a leave case: its row follows (state, return date)."""
    leave = db.session.get(LeaveRequest, reported.row.id)
    if leave is None:
        return
    leave.state = leave_state(reported.row.status, reported.data)
    returned = reported.data.get("return_date")
    if returned:
        leave.return_date = date.fromisoformat(str(returned)[:10])
