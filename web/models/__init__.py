"""The service's data model (shared/DESIGN.md, Domain)."""

from web.models.asks import AskPart, EmployerAsk
from web.models.audit import AuditEvent
from web.models.encounter_matches import EncounterMatch
from web.models.encounter_requests import EncounterRequest, EncounterResponse
from web.models.encounters import EncounterOffer
from web.models.event_feedback import OrganisationFeedback, PupilFeedback
from web.models.events import EncounterEvent, EventAllocation, EventPlace, EventSchool, EventSlot
from web.models.identities import SignInIdentity, SignInPolicy
from web.models.matching import Allocation, MatchRound
from web.models.notifications import Notification
from web.models.opportunities import Opportunity
from web.models.organisations import Employer, Hub, HubApiToken, School
from web.models.parent_links import ParentLink
from web.models.placements import CheckIn, Consent, ExperienceRecord, Feedback, OwnPlacement
from web.models.planner import EntitlementTarget, PlanItem, PlanSession, TermPlan
from web.models.privacy import AccessLog, PupilHold, RetentionRule, RetentionRun, SubjectAccessBundle
from web.models.provider_access import ProviderAccessPolicy
from web.models.provider_requests import ProviderAccessRequest
from web.models.students import Preference, Student, StudentImport, StudentTransfer
from web.models.sub_processors import SubProcessor
from web.models.two_step import TwoStep, TwoStepRecoveryCode
from web.models.users import AccessToken, SignInGuard, User

__all__ = [
    "AccessLog",
    "AccessToken",
    "Allocation",
    "AskPart",
    "AuditEvent",
    "CheckIn",
    "Consent",
    "Employer",
    "EmployerAsk",
    "EncounterEvent",
    "EncounterMatch",
    "EncounterOffer",
    "EncounterRequest",
    "EncounterResponse",
    "EntitlementTarget",
    "EventAllocation",
    "EventPlace",
    "EventSchool",
    "EventSlot",
    "ExperienceRecord",
    "Feedback",
    "Hub",
    "HubApiToken",
    "MatchRound",
    "Notification",
    "Opportunity",
    "OrganisationFeedback",
    "OwnPlacement",
    "ParentLink",
    "PlanItem",
    "PlanSession",
    "Preference",
    "ProviderAccessPolicy",
    "ProviderAccessRequest",
    "PupilFeedback",
    "PupilHold",
    "RetentionRule",
    "RetentionRun",
    "School",
    "SignInGuard",
    "SignInIdentity",
    "SignInPolicy",
    "Student",
    "StudentImport",
    "StudentTransfer",
    "SubProcessor",
    "SubjectAccessBundle",
    "TermPlan",
    "TwoStep",
    "TwoStepRecoveryCode",
    "User",
]
