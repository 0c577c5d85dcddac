"""Everything held about one pupil, gathered for their subject access bundle one section at a time, as plain
dicts: the pupil's own record here, their placements and events in web/dao/bundle_placements.py.

Each section reads only rows that belong to the pupil (their student id, or an allocation, event place,
consent, account or bundle of theirs), so nothing about another pupil can reach their bundle. The values
are Python's own (dates, decimals); web/privacy/bundle.py writes them as JSON and HTML.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import and_, func, or_, select

from web.dao.bundle_people import ROLE_WORDS, everyone, person, who
from web.dao.bundle_placements import (
    allocation_ids,
    check_ins,
    consents,
    event_places,
    experience_records,
    feedback,
    own_placements,
    place_ids,
    placements,
    pupil_feedback,
    shown_to_organisations,
)
from web.dao.notifications import WHAT, about_pupils
from web.dao.subject_access import of_student
from web.extensions import db
from web.models import (
    AccessLog,
    AccessToken,
    AuditEvent,
    Consent,
    Employer,
    Hub,
    Notification,
    Opportunity,
    OwnPlacement,
    Preference,
    PupilHold,
    School,
    Student,
    StudentTransfer,
    SubjectAccessBundle,
    User,
)

HOLD_REASON_WITHHELD = "Kept back by the school: ask the school if you need to know"


def pupil(student_id: int) -> dict[str, Any]:
    """Every field of the pupil's record, as the school's MIS and the pupil gave them."""
    student = db.session.get(Student, student_id)
    if student is None:
        return {}
    return {column.key: getattr(student, column.key) for column in Student.__mapper__.column_attrs}


def account(student_id: int) -> dict[str, Any] | None:
    """The pupil's account: its address, role and dates, and the sign-in links sent to it (never the
    password's hash, the session token or a link's secret)."""
    user = db.session.scalar(select(User).where(User.student_id == student_id))
    if user is None:
        return None
    links = db.session.scalars(
        select(AccessToken).where(AccessToken.user_id == user.id).order_by(AccessToken.created_at)
    )
    return {
        "email": user.email,
        "name": user.name,
        "role": ROLE_WORDS.get(user.role, user.role),
        "active": user.active,
        "password_chosen": bool(user.password_hash),
        "created_at": user.created_at,
        "links_sent": [
            {
                "purpose": link.purpose,
                "created_at": link.created_at,
                "expires_at": link.expires_at,
                "used_at": link.used_at,
            }
            for link in links
        ],
    }


def school(student_id: int) -> dict[str, Any] | None:
    """The pupil's school and its careers hub."""
    row = db.session.execute(
        select(School, Hub)
        .join(Student, Student.school_id == School.id)
        .join(Hub, Hub.id == School.hub_id)
        .where(Student.id == student_id)
    ).first()
    if row is None:
        return None
    found, hub = row
    return {
        "name": found.name,
        "urn": found.urn,
        "postcode": found.postcode,
        "phase": found.phase,
        "hub": hub.name,
    }


def preferences(student_id: int) -> list[dict[str, Any]]:
    """The opportunities the pupil ranked, most wanted first."""
    rows = db.session.execute(
        select(Preference, Opportunity, Employer)
        .join(Opportunity, Opportunity.id == Preference.opportunity_id)
        .join(Employer, Employer.id == Opportunity.employer_id)
        .where(Preference.student_id == student_id)
        .order_by(Preference.rank)
    ).all()
    return [
        {"rank": preference.rank, "opportunity": opportunity.title, "organisation": employer.name}
        for preference, opportunity, employer in rows
    ]


def transfers(student_id: int) -> list[dict[str, Any]]:
    """Moves between schools asked for the pupil, with what the new school's records said."""
    rows = db.session.scalars(
        select(StudentTransfer)
        .where(StudentTransfer.student_id == student_id)
        .order_by(StudentTransfer.created_at, StudentTransfer.id)
    ).all()
    schools = {
        school_id: name
        for school_id, name in db.session.execute(
            select(School.id, School.name).where(
                School.id.in_({t.from_school_id for t in rows} | {t.to_school_id for t in rows})
            )
        )
    }
    people = everyone({t.requested_by_id for t in rows} | {t.decided_by_id for t in rows})
    return [
        {
            "from_school": schools.get(transfer.from_school_id, ""),
            "to_school": schools.get(transfer.to_school_id, ""),
            "status": transfer.status,
            "details": transfer.details,
            "requested_by": who(people, transfer.requested_by_id),
            "decided_by": who(people, transfer.decided_by_id),
            "created_at": transfer.created_at,
            "decided_at": transfer.decided_at,
        }
        for transfer in rows
    ]


def holds(student_id: int) -> list[dict[str, Any]]:
    """A school's hold on the pupil's record (which keeps it whole): that there is one, who set it and when.
    Its reason is for staff only (often a safeguarding concern, which the law lets a school withhold where
    telling would put someone at risk), so the bundle says it was kept back; staff can add it by hand."""
    rows = db.session.scalars(select(PupilHold).where(PupilHold.student_id == student_id)).all()
    people = everyone({hold.set_by_id for hold in rows})
    return [
        {"reason": HOLD_REASON_WITHHELD, "set_by": who(people, hold.set_by_id), "set_at": hold.set_at}
        for hold in rows
    ]


def _addresses(student_id: int) -> set[str]:
    student = db.session.get(Student, student_id)
    if student is None:
        return set()
    login = db.session.scalar(select(User.email).where(User.student_id == student_id))
    return {address.strip().lower() for address in (student.email, login, student.parent_email) if address}


def notifications(student_id: int) -> list[dict[str, Any]]:
    """Emails to the pupil's or their parent's address about the pupil's own records: which message and
    when (never its words). A shared family address gets a sibling's emails too: those are left out."""
    addresses = _addresses(student_id)
    if not addresses:
        return []
    rows = db.session.scalars(
        select(Notification)
        .where(func.lower(Notification.recipient).in_(sorted(addresses)), about_pupils([student_id]))
        .order_by(Notification.created_at, Notification.id)
    ).all()
    parent = (db.session.scalar(select(Student.parent_email).where(Student.id == student_id)) or "").lower()
    return [
        {
            "template": message.template,
            "about": WHAT.get(message.template, message.template.replace("_", " ").capitalize()),
            "to": message.recipient,
            "to_parent_or_carer": message.recipient.strip().lower() == parent,
            "status": message.status,
            "written_at": message.created_at,
            "sent_at": message.sent_at,
        }
        for message in rows
    ]


def audit_events(student_id: int) -> list[dict[str, Any]]:
    """What was done to the pupil's records, by whom and when (the audit trail holds no personal data)."""
    account_id = db.session.scalar(select(User.id).where(User.student_id == student_id))
    records: list[tuple[str, Any]] = [
        ("allocation", allocation_ids(student_id)),
        ("consent", select(Consent.id).where(Consent.allocation_id.in_(allocation_ids(student_id)))),
        ("event_place", place_ids(student_id)),
        ("own_placement", select(OwnPlacement.id).where(OwnPlacement.student_id == student_id)),
        ("student_transfer", select(StudentTransfer.id).where(StudentTransfer.student_id == student_id)),
        ("pupil_hold", select(PupilHold.id).where(PupilHold.student_id == student_id)),
        (
            "subject_access_bundle",
            select(SubjectAccessBundle.id).where(SubjectAccessBundle.student_id == student_id),
        ),
    ]
    conditions = [
        and_(AuditEvent.record_type == "student", AuditEvent.record_id == student_id),
        *(and_(AuditEvent.record_type == kind, AuditEvent.record_id.in_(ids)) for kind, ids in records),
        # A school's event about one pupil (a transfer in or out) names them by id in its detail.
        AuditEvent.detail["student_id"].as_integer() == student_id,
    ]
    if account_id is not None:
        conditions.append(and_(AuditEvent.record_type == "user", AuditEvent.record_id == account_id))
    rows = db.session.scalars(
        select(AuditEvent).where(or_(*conditions)).order_by(AuditEvent.at, AuditEvent.id)
    ).all()
    people = everyone({event.user_id for event in rows})
    return [
        {
            "action": event.action,
            "record_type": event.record_type,
            "record_id": event.record_id,
            "by": who(people, event.user_id),
            "at": event.at,
            "detail": event.detail,
        }
        for event in rows
    ]


def access_log(student_id: int) -> list[dict[str, Any]]:
    """Who was shown a page with the pupil's data, which page, and when."""
    rows = db.session.execute(
        select(AccessLog, User)
        .outerjoin(User, User.id == AccessLog.user_id)
        .where(AccessLog.student_id == student_id)
        .order_by(AccessLog.at, AccessLog.id)
    ).all()
    people = everyone({user.id for _, user in rows if user is not None})
    return [{"who": who(people, entry.user_id), "page": entry.page, "at": entry.at} for entry, _ in rows]


def subject_access_requests(student_id: int) -> list[dict[str, Any]]:
    """Earlier bundles asked for the pupil: who asked, when, and what became of each."""
    return [
        {
            "asked_by": person(user),
            "asked_at": bundle.created_at,
            "status": bundle.status,
            "ready_at": bundle.ready_at,
            "downloaded_at": bundle.used_at,
            "expires_at": bundle.expires_at,
        }
        for bundle, user in reversed(of_student(student_id))
    ]


# The bundle's sections in order: (key, heading, what it holds, the function that gathers it).
Section = tuple[str, str, str, Callable[[int], Any]]


SECTIONS: tuple[Section, ...] = (
    ("pupil", "Your record", "What your school's records say about you.", pupil),
    ("account", "Your account", "Your account on this service.", account),
    ("school", "Your school", "Your school and its careers hub.", school),
    ("preferences", "Your ranked choices", "Opportunities you ranked.", preferences),
    ("placements", "Placements", "Placements proposed to you or held by you, and what happened.", placements),
    ("consents", "Consent", "Consent for your placements, who gave it and when.", consents),
    ("check_ins", "Check-ins", "Calls and visits by your careers leader during placements.", check_ins),
    (
        "experience_records",
        "Encounters and experiences",
        "Your record of encounters and experiences.",
        experience_records,
    ),
    ("feedback", "Feedback on placements", "Your reflections, and what employers said about you.", feedback),
    ("own_placements", "Placements you found", "Placements you found yourself.", own_placements),
    ("event_places", "Event places", "Your places at encounter events.", event_places),
    ("pupil_feedback", "Your feedback on events", "What you said about events.", pupil_feedback),
    ("transfers", "Moves between schools", "Transfers between schools.", transfers),
    ("holds", "Holds on your record", "Reasons your school keeps your record whole.", holds),
    (
        "notifications",
        "Emails",
        "Emails sent to you or your parent or carer about you (not their words).",
        notifications,
    ),
    (
        "audit_events",
        "Changes to your records",
        "What was done to your records, by whom and when.",
        audit_events,
    ),
    ("access_log", "Who saw your data", "Who was shown a page with your data, and when.", access_log),
    (
        "shown_to_organisations",
        "What employers and providers were shown",
        "What each employer or provider was shown about you, and when.",
        shown_to_organisations,
    ),
    (
        "subject_access_requests",
        "Requests for this information",
        "Bundles like this one asked for you.",
        subject_access_requests,
    ),
)


def gather(student_id: int) -> dict[str, Any]:
    """Every section of the pupil's bundle, by key."""
    return {key: read(student_id) for key, _, _, read in SECTIONS}
