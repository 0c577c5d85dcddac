"""The retention schedule: for each record type, how long it is kept, from when, what happens then, and why.

The defaults follow the sector's practice (the IRMS schools toolkit, the DfE's destination measures and the
statutory careers guidance); a hub may change a period within its limits, giving its reason. Two periods are
the service's own and the same for every hub, because their records belong to no one hub.
"""

from __future__ import annotations

from dataclasses import dataclass

from web.models.privacy import RECORD_TYPES


@dataclass(frozen=True)
class Period:
    """One record type's rule."""

    record_type: str
    label: str
    what: str  # what is removed, in plain words
    counted_from: str
    action: str  # "anonymise" or "delete"
    days: int
    least: int
    most: int
    reason: str
    adjustable: bool = True


DEFAULTS: dict[str, Period] = {
    period.record_type: period
    for period in (
        Period(
            "pupil",
            "Pupils who have left",
            "Name, unique pupil number, postcode, email, parent's name and email, personal statement; the "
            "date of birth is kept to the month",
            "the day they left the school",
            "anonymise",
            730,
            365,
            2190,
            "A school answers questions about a leaver's experiences, and checks their destinations, for two "
            "years after they leave (the DfE's destination measures follow a year group for two years). "
            "After that nothing needs their name; their school, year group and groups stay so reports still "
            "count them.",
        ),
        Period(
            "account",
            "Leavers' sign-in accounts",
            "The account's email address and name; it can no longer sign in",
            "the day they left the school",
            "anonymise",
            30,
            0,
            365,
            "A leaver no longer signs in. A month lets a school correct a wrong leaving date before the "
            "account goes.",
        ),
        Period(
            "consent",
            "Parents' consent records",
            "The parent's name, the emergency contact and any needs they shared; the decision is kept",
            "the day the consent was asked for",
            "anonymise",
            365,
            90,
            1095,
            "The contact details and needs are needed around the placement itself; the school and its "
            "insurer may ask about a placement for a year after it.",
        ),
        Period(
            "parent_link",
            "Parents' links to their child's entitlements",
            "The link's record: which pupil it was for, when it was sent and used, and the hashes of its "
            "secret and of the parent's session (never the secret itself)",
            "the day the link ran out or was revoked",
            "delete",
            90,
            90,
            90,
            "An ended link opens nothing; for three months it answers 'did the parent get the link, and "
            "when did it stop working?'. The service's own rule, the same for every hub (a pupil who is "
            "erased or anonymised loses their links at once).",
            adjustable=False,
        ),
        Period(
            "placement",
            "Placement notes",
            "Careers leaders' check-in notes, and the contact details on placements a pupil found",
            "the day the placement ended",
            "anonymise",
            730,
            365,
            2190,
            "A placement's notes may be needed if something that happened on it is raised later; two years "
            "covers the school's own reviews.",
        ),
        Period(
            "encounter_record",
            "Encounter and experience records",
            "The records of a pupil's encounters and experiences",
            "the day the pupil left the school",
            "delete",
            2190,
            730,
            3650,
            "A pupil's record follows them from Year 7 to 13, and Gatsby Benchmark reports and Ofsted's "
            "careers judgements look back over several years; six years after leaving follows the schools' "
            "toolkit for pupil records. Until then a leaver's records count, without their name.",
        ),
        Period(
            "feedback",
            "Feedback comments",
            "The words of feedback by and about pupils; ratings are kept for reports",
            "the day it was given",
            "anonymise",
            730,
            365,
            1825,
            "Comments help an employer or school improve the next year's placements; after two years the "
            "ratings alone serve the reports.",
        ),
        Period(
            "access_log",
            "Who viewed pupils' data",
            "The log of staff, employers and providers viewing a pupil's page",
            "the day of the view",
            "delete",
            365,
            180,
            1095,
            "Long enough for a subject access request to show who looked at a pupil's data over the last "
            "year, and for the hub to look into a concern.",
        ),
        Period(
            "notification",
            "Emails sent",
            "The record of an email: to whom, which message and when",
            "the day it was written",
            "delete",
            90,
            90,
            90,
            "It answers 'did the parent get the link?' while a placement is being arranged; after three "
            "months it does not. The service's own rule, the same for every hub.",
            adjustable=False,
        ),
        Period(
            "audit_event",
            "Audit trail",
            "Who did what to which record, and when (it holds no personal data beyond the user's id)",
            "the day of the action",
            "delete",
            2190,
            2190,
            2190,
            "It is how a school or hub shows its decisions about pupils were made properly, for as long as "
            "the records it describes may be questioned. The service's own rule, the same for every hub.",
            adjustable=False,
        ),
        Period(
            "mis_import",
            "MIS import files",
            "A school's uploaded export, checked and waiting to be confirmed",
            "the moment it was uploaded",
            "delete",
            1,
            1,
            1,
            "An import waits only for the careers leader to confirm it; unconfirmed, it holds pupils' "
            "details for nothing. Removed every hour (schedule.purge_imports), the same for every hub.",
            adjustable=False,
        ),
    )
}


# The record types a hub may set a period for are the model's RECORD_TYPES; the service's own rules that
# came later (parent links) need no row there, as no hub changes them.
assert {t for t, period in DEFAULTS.items() if period.adjustable} <= set(RECORD_TYPES) <= set(DEFAULTS)


def periods(overrides: dict[str, tuple[int, str]]) -> list[tuple[Period, int, str]]:
    """Each record type's rule with the hub's period and reason (or the default's) beside it."""
    rows = []
    for record_type, period in DEFAULTS.items():
        days, reason = overrides.get(record_type, (period.days, ""))
        if not period.adjustable:
            days, reason = period.days, ""
        rows.append((period, days, reason))
    return rows
