"""All tables of design.md §4; importing this package registers them on db.metadata."""

from service.persistence.models.assessments import (
    ASSESSMENT_KINDS,
    GRADES,
    AssessmentResult,
    AssessmentRound,
)
from service.persistence.models.calendar import CalendarYear
from service.persistence.models.calendar_entries import CalendarEntry
from service.persistence.models.calendar_pins import CalendarPin
from service.persistence.models.definitions import ProcessDefinition
from service.persistence.models.dispatch_rounds import DispatchRound
from service.persistence.models.events import HistoryEvent
from service.persistence.models.instances import INSTANCE_STATUSES, ProcessInstance
from service.persistence.models.logins import LoginFailure, WebSession
from service.persistence.models.notifications import Notification
from service.persistence.models.reference import (
    EMPLOYMENT_TYPES,
    ORG_KINDS,
    PARTY_STATUSES,
    POSTING_ROLES,
    UNIT_KINDS,
    UNIT_LEVELS,
    VILLAGE_CATEGORIES,
    Cadre,
    Org,
    Posting,
    Village,
    VillageCategory,
)
from service.persistence.models.roster_changes import ROSTER_ACTIONS, ROSTER_ENTITIES, RosterChange
from service.persistence.models.roster_imports import RosterImport
from service.persistence.models.tasks import TASK_STATUSES, HumanTask
from service.persistence.models.term_reminders import TermReminder
from service.persistence.models.timers import PendingTimer
from service.persistence.models.users import ROLES, SCOPE_KIND_BY_ROLE, User, UserRole
from service.persistence.models.webhooks import DELIVERY_STATUSES, WebhookDelivery

__all__ = [
    "ASSESSMENT_KINDS",
    "GRADES",
    "AssessmentResult",
    "AssessmentRound",
    "DELIVERY_STATUSES",
    "EMPLOYMENT_TYPES",
    "INSTANCE_STATUSES",
    "ORG_KINDS",
    "PARTY_STATUSES",
    "POSTING_ROLES",
    "ROLES",
    "ROSTER_ACTIONS",
    "ROSTER_ENTITIES",
    "SCOPE_KIND_BY_ROLE",
    "TASK_STATUSES",
    "UNIT_KINDS",
    "UNIT_LEVELS",
    "VILLAGE_CATEGORIES",
    "CalendarEntry",
    "CalendarPin",
    "CalendarYear",
    "Cadre",
    "DispatchRound",
    "HistoryEvent",
    "HumanTask",
    "LoginFailure",
    "Notification",
    "Org",
    "PendingTimer",
    "Posting",
    "ProcessDefinition",
    "ProcessInstance",
    "RosterChange",
    "TermReminder",
    "RosterImport",
    "User",
    "UserRole",
    "Village",
    "VillageCategory",
    "WebSession",
    "WebhookDelivery",
]
