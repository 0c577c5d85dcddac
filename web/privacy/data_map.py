"""Minimisation: which of a pupil's personal details each kind of user can see in this service.

The map is published on the privacy index page and held true by tests/web/privacy_pages/test_data_map.py,
which signs in as each role, opens the pages that show pupils, and fails if a page shows a detail the map does
not give that role. Change the map and the pages together: the map is a promise to pupils and parents.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Detail:
    """A personal detail of a pupil, in words a pupil or parent understands, and why the service holds it."""

    key: str
    label: str
    why: str


DETAILS: tuple[Detail, ...] = (
    Detail("first_name", "Legal first name", "the school's records match on it"),
    Detail("preferred_name", "Preferred first name", "the name the pupil is called by"),
    Detail("last_name", "Surname", "to tell pupils with the same first name apart"),
    Detail("upn", "Unique pupil number (UPN)", "to match the school's records each time they are imported"),
    Detail("date_of_birth", "Date of birth", "places have minimum ages; the law on hours depends on age"),
    Detail("year_group", "Year group", "places and events are for certain year groups"),
    Detail(
        "tutor_group",
        "Tutor group or class",
        "so a whole class can go to an activity together, with its staff",
    ),
    Detail("school", "School or college", "each school arranges its own pupils' places"),
    Detail("postcode", "Home postcode", "to offer places within the distance the pupil can travel"),
    Detail("email", "Pupil's email address", "to invite the pupil to sign in and tell them about offers"),
    Detail(
        "parent_name",
        "Parent or carer's name",
        "so the careers leader knows whom the consent email goes to (the email itself does not use it)",
    ),
    Detail(
        "parent_email",
        "Parent or carer's email address",
        "to send the consent link, and the link to see their child's entitlements",
    ),
    Detail(
        "disadvantaged",
        "Pupil premium or free school meals",
        "to give pupils with fewer chances a fairer share of places, and to report on fairness",
    ),
    Detail("send", "Special educational needs (SEND)", "the same: a fairer share, and fairness reports"),
    Detail(
        "interests",
        "Interests, routes, pathway, travel limit and availability",
        "to match the pupil with places they want",
    ),
    Detail(
        "emergency_contact",
        "Emergency contact, given by a parent or carer",
        "so the employer can reach someone during a placement",
    ),
    Detail(
        "shared_needs",
        "Medical or access needs a parent or carer chose to share",
        "so the employer can make the placement safe and accessible",
    ),
)
KEYS = tuple(detail.key for detail in DETAILS)

# Who the map speaks of: each role that signs in, in the words the privacy page uses.
AUDIENCES: dict[str, str] = {
    "student": "The pupil (their own record)",
    "careers_leader": "Careers leaders at the pupil's school",
    "hub_admin": "The hub's staff",
    "employer": "Employers and providers hosting the pupil",
}

# Which details each role may see. A careers leader sees only their own school's pupils, a pupil only
# themselves, an employer only pupils coming to its own placements or events.
MAP: dict[str, frozenset[str]] = {
    "student": frozenset(KEYS),
    "careers_leader": frozenset(KEYS),
    "hub_admin": frozenset({"first_name", "preferred_name", "last_name", "year_group", "school"}),
    # The name the pupil goes by; the surname only on an event's register, to tell pupils apart at the door.
    "employer": frozenset(
        {
            "first_name",
            "preferred_name",
            "last_name",
            "year_group",
            "school",
            "emergency_contact",
            "shared_needs",
        }
    ),
}
# Who may also produce a subject access bundle, which holds everything about a pupil (web/privacy/
# subject_access.py): to answer the pupil's or parent's request, audited, for the hub admin's whole hub. The
# pages above stay as MAP says; the bundle is the one place these roles see the rest.
SUBJECT_ACCESS_BUNDLE = ("careers_leader", "hub_admin")
# Never shown to employers or providers, whatever else changes (shared/DESIGN.md, Promises to users).
NEVER_TO_EMPLOYERS = frozenset({"date_of_birth", "postcode", "disadvantaged", "send"})
assert not MAP["employer"] & NEVER_TO_EMPLOYERS

# Columns a school's MIS export often has that the service does not need: web/careers/import_csv.py reads
# only the columns it knows (COLUMNS) and keeps just their names in the import's summary, never their values.
NOT_STORED: tuple[str, ...] = (
    "Gender or sex",
    "Ethnicity",
    "Religion",
    "First language and English as an additional language (EAL)",
    "Home address lines other than the postcode",
    "Phone numbers",
    "Medical conditions and medication",
    "Attendance, behaviour and exclusions",
    "Attainment and predicted grades",
    "Looked-after or child-in-need status",
    "Photographs",
)


def may_see(role: str, key: str) -> bool:
    """Whether the map lets this role see this detail of a pupil."""
    return key in MAP.get(role, frozenset())


def rows() -> list[tuple[Detail, list[bool]]]:
    """Each detail with whether each audience (in AUDIENCES' order) may see it, for the published table."""
    return [(detail, [detail.key in MAP[role] for role in AUDIENCES]) for detail in DETAILS]
