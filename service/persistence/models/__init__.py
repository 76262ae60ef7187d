"""All tables of design.md §4; importing this package registers them on db.metadata."""

from service.persistence.models.assessments import (
    ASSESSMENT_KINDS,
    GRADES,
    AssessmentResult,
    AssessmentRound,
)
from service.persistence.models.attachments import Attachment, AttachmentBlob
from service.persistence.models.calendar import CalendarYear
from service.persistence.models.calendar_entries import CalendarEntry
from service.persistence.models.calendar_pins import CalendarPin
from service.persistence.models.definitions import ProcessDefinition
from service.persistence.models.dispatch_rounds import DispatchRound
from service.persistence.models.events import HistoryEvent
from service.persistence.models.instances import INSTANCE_STATUSES, OPEN_STATUSES, ProcessInstance
from service.persistence.models.leaves import (
    GRANTED_STATES,
    HOLDING_STATES,
    LEAVE_STATES,
    LEAVE_TYPES,
    LeaveRequest,
)
from service.persistence.models.logins import LoginFailure, WebSession
from service.persistence.models.notifications import Notification
from service.persistence.models.party_relations import PartyRelation
from service.persistence.models.presence import PRESENCE_STATUSES, PresenceMonth
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
from service.persistence.models.signers import SIGNER_MODES, SIGNER_STATUSES, AddedSigner, CaseReader
from service.persistence.models.support import (
    ALLOWANCE_KINDS,
    SupportAllowance,
    SupportHealthCheck,
    SupportInsurance,
    SupportTransport,
)
from service.persistence.models.tasks import TASK_STATUSES, HumanTask
from service.persistence.models.term_reminders import TermReminder
from service.persistence.models.timers import PendingTimer
from service.persistence.models.users import ROLES, SCOPE_KIND_BY_ROLE, User, UserRole
from service.persistence.models.webhooks import DELIVERY_STATUSES, WebhookDelivery

__all__ = [
    "ALLOWANCE_KINDS",
    "ASSESSMENT_KINDS",
    "GRADES",
    "AssessmentResult",
    "AssessmentRound",
    "AddedSigner",
    "CaseReader",
    "DELIVERY_STATUSES",
    "EMPLOYMENT_TYPES",
    "GRANTED_STATES",
    "HOLDING_STATES",
    "INSTANCE_STATUSES",
    "LEAVE_STATES",
    "LEAVE_TYPES",
    "OPEN_STATUSES",
    "ORG_KINDS",
    "PARTY_STATUSES",
    "POSTING_ROLES",
    "PRESENCE_STATUSES",
    "ROLES",
    "ROSTER_ACTIONS",
    "ROSTER_ENTITIES",
    "SIGNER_MODES",
    "SIGNER_STATUSES",
    "SCOPE_KIND_BY_ROLE",
    "TASK_STATUSES",
    "UNIT_KINDS",
    "UNIT_LEVELS",
    "VILLAGE_CATEGORIES",
    "Attachment",
    "AttachmentBlob",
    "CalendarEntry",
    "CalendarPin",
    "CalendarYear",
    "Cadre",
    "DispatchRound",
    "HistoryEvent",
    "HumanTask",
    "LeaveRequest",
    "LoginFailure",
    "Notification",
    "Org",
    "PartyRelation",
    "PendingTimer",
    "Posting",
    "PresenceMonth",
    "ProcessDefinition",
    "ProcessInstance",
    "RosterChange",
    "SupportAllowance",
    "SupportHealthCheck",
    "SupportInsurance",
    "SupportTransport",
    "TermReminder",
    "RosterImport",
    "User",
    "UserRole",
    "Village",
    "VillageCategory",
    "WebSession",
    "WebhookDelivery",
]
