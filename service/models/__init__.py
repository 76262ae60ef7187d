"""All tables of design.md §4; importing this package registers them on db.metadata."""

from service.models.calendar import CalendarYear
from service.models.calendar_entries import CalendarEntry
from service.models.definitions import ProcessDefinition
from service.models.events import HistoryEvent
from service.models.instances import INSTANCE_STATUSES, ProcessInstance
from service.models.notifications import Notification
from service.models.reference import (
    ORG_KINDS,
    PARTY_STATUSES,
    POSTING_ROLES,
    VILLAGE_CATEGORIES,
    Cadre,
    Org,
    Posting,
    Village,
)
from service.models.tasks import TASK_STATUSES, HumanTask
from service.models.timers import PendingTimer
from service.models.users import ROLES, SCOPE_KIND_BY_ROLE, User, UserRole
from service.models.webhooks import DELIVERY_STATUSES, WebhookDelivery

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
    "CalendarYear",
    "Cadre",
    "HistoryEvent",
    "HumanTask",
    "Notification",
    "Org",
    "PendingTimer",
    "Posting",
    "ProcessDefinition",
    "ProcessInstance",
    "User",
    "UserRole",
    "Village",
    "WebhookDelivery",
]
