"""All tables of design.md §4; importing this package registers them on db.metadata."""

from service.persistence.models.calendar import CalendarYear
from service.persistence.models.calendar_entries import CalendarEntry
from service.persistence.models.calendar_pins import CalendarPin
from service.persistence.models.definitions import ProcessDefinition
from service.persistence.models.events import HistoryEvent
from service.persistence.models.instances import INSTANCE_STATUSES, ProcessInstance
from service.persistence.models.logins import LoginFailure, WebSession
from service.persistence.models.notifications import Notification
from service.persistence.models.reference import (
    ORG_KINDS,
    PARTY_STATUSES,
    POSTING_ROLES,
    VILLAGE_CATEGORIES,
    Cadre,
    Org,
    Posting,
    Village,
)
from service.persistence.models.tasks import TASK_STATUSES, HumanTask
from service.persistence.models.timers import PendingTimer
from service.persistence.models.users import ROLES, SCOPE_KIND_BY_ROLE, User, UserRole
from service.persistence.models.webhooks import DELIVERY_STATUSES, WebhookDelivery

__all__ = [
    "DELIVERY_STATUSES",
    "INSTANCE_STATUSES",
    "ORG_KINDS",
    "PARTY_STATUSES",
    "POSTING_ROLES",
    "ROLES",
    "SCOPE_KIND_BY_ROLE",
    "TASK_STATUSES",
    "VILLAGE_CATEGORIES",
    "CalendarEntry",
    "CalendarPin",
    "CalendarYear",
    "Cadre",
    "HistoryEvent",
    "HumanTask",
    "LoginFailure",
    "Notification",
    "Org",
    "PendingTimer",
    "Posting",
    "ProcessDefinition",
    "ProcessInstance",
    "User",
    "UserRole",
    "Village",
    "WebSession",
    "WebhookDelivery",
]
