"""The service's data model (shared/DESIGN.md, Domain)."""

from web.models.audit import AuditEvent
from web.models.matching import Allocation, MatchRound
from web.models.notifications import Notification
from web.models.opportunities import Opportunity
from web.models.organisations import Employer, Hub, School
from web.models.placements import Consent, ExperienceRecord, Feedback
from web.models.students import Preference, Student, StudentImport
from web.models.users import AccessToken, SignInGuard, User

__all__ = [
    "AccessToken",
    "Allocation",
    "AuditEvent",
    "Consent",
    "Employer",
    "ExperienceRecord",
    "Feedback",
    "Hub",
    "MatchRound",
    "Notification",
    "Opportunity",
    "Preference",
    "School",
    "SignInGuard",
    "Student",
    "StudentImport",
    "User",
]
