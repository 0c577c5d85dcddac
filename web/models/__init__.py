"""The service's data model (shared/DESIGN.md, Domain)."""

from web.models.audit import AuditEvent
from web.models.matching import Allocation, MatchRound
from web.models.opportunities import Opportunity
from web.models.organisations import Employer, Hub, School
from web.models.placements import Consent, ExperienceRecord, Feedback
from web.models.students import Preference, Student
from web.models.users import SignInGuard, User

__all__ = [
    "Allocation",
    "AuditEvent",
    "Consent",
    "Employer",
    "ExperienceRecord",
    "Feedback",
    "Hub",
    "MatchRound",
    "Opportunity",
    "Preference",
    "School",
    "SignInGuard",
    "Student",
    "User",
]
