"""Subject access: asking for a pupil's bundle, finding it by its link, spending it once, purging it, and
gathering everything held about the pupil, one function per section, as plain dicts.

Each section reads only rows that belong to the pupil (their student id, or an allocation, event place,
consent, account or bundle of theirs), so nothing about another pupil can reach their bundle. The values
are Python's own (dates, decimals); web/privacy/bundle.py writes them as JSON and HTML.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import ColumnElement, CursorResult, and_, delete, func, or_, select, update

from web.dao import tokens
from web.dao.base import audit
from web.dao.hosting import INCOMING_STATUSES
from web.dao.notifications import WHAT
from web.dao.registers import ON_REGISTER
from web.extensions import db
from web.models import (
    AccessLog,
    AccessToken,
    Allocation,
    AuditEvent,
    CheckIn,
    Consent,
    Employer,
    EncounterEvent,
    EventPlace,
    EventSlot,
    ExperienceRecord,
    Feedback,
    Hub,
    Notification,
    Opportunity,
    OwnPlacement,
    Preference,
    PupilFeedback,
    PupilHold,
    School,
    Student,
    StudentTransfer,
    SubjectAccessBundle,
    User,
)
from web.models.base import UNDONE_STATUSES, utcnow
from web.models.organisations import ORGANISATION_KINDS

# A bundle's link works for this long after it was asked for; the purge task then deletes the row.
BUNDLE_DAYS = 7
# The HMAC purpose of a bundle's link (web/dao/tokens.py), so its secret differs from any other link's.
PURPOSE = "subject_access"
# A bundle still queued after this long lost its message (the broker was away): the purge task sends it again.
STALE_QUEUED = timedelta(minutes=10)
# An employer could see the pupil on a placement once the pupil said yes: while it went ahead, and in the
# statuses that undid the yes later (it was shown before it was undone).
SHOWN_STATUSES = (*INCOMING_STATUSES, *UNDONE_STATUSES)
ROLE_WORDS = {
    "hub_admin": "Hub admin",
    "careers_leader": "Careers leader",
    "employer": "Employer or provider user",
    "student": "Pupil",
}


# --- Asking, finding, spending and purging -------------------------------------------------------------


def ask(student_id: int, requested_by_id: int) -> SubjectAccessBundle:
    """A queued bundle for this pupil, asked for by this user, with its audit event, in the caller's
    transaction; the caller hands its id to the worker once that commits."""
    now = utcnow()
    salt = secrets.token_hex(32)
    bundle = SubjectAccessBundle(
        student_id=student_id,
        requested_by_id=requested_by_id,
        status="queued",
        salt=salt,
        token_hash=tokens.hash_of(tokens.secret_for(salt, PURPOSE)),
        created_at=now,
        expires_at=now + timedelta(days=BUNDLE_DAYS),
    )
    db.session.add(bundle)
    db.session.flush()
    audit(
        requested_by_id, "subject_access_requested", "subject_access_bundle", bundle.id, student_id=student_id
    )
    return bundle


def waiting(student_id: int, requested_by_id: int) -> SubjectAccessBundle | None:
    """A bundle this user asked for this pupil that is still being made: asking again (a second click)
    makes no second one."""
    return db.session.scalar(
        select(SubjectAccessBundle).where(
            SubjectAccessBundle.student_id == student_id,
            SubjectAccessBundle.requested_by_id == requested_by_id,
            SubjectAccessBundle.status == "queued",
        )
    )


def get(bundle_id: int) -> SubjectAccessBundle | None:
    """The bundle with this id."""
    return db.session.get(SubjectAccessBundle, bundle_id)


def secret_of(bundle: SubjectAccessBundle) -> str:
    """The secret in the bundle's emailed link (computed, never stored)."""
    return tokens.secret_for(bundle.salt, PURPOSE)


def find(secret: str) -> SubjectAccessBundle | None:
    """The bundle whose link this is, whatever its state (the page says why it no longer works)."""
    if not secret or len(secret) > tokens.MAX_SECRET_LENGTH:
        return None
    return db.session.scalar(
        select(SubjectAccessBundle).where(SubjectAccessBundle.token_hash == tokens.hash_of(secret))
    )


def of_student(student_id: int) -> list[tuple[SubjectAccessBundle, User | None]]:
    """The pupil's bundles, newest first, each with who asked for it."""
    rows = db.session.execute(
        select(SubjectAccessBundle, User)
        .outerjoin(User, User.id == SubjectAccessBundle.requested_by_id)
        .where(SubjectAccessBundle.student_id == student_id)
        .order_by(SubjectAccessBundle.created_at.desc(), SubjectAccessBundle.id.desc())
    ).all()
    return [(bundle, user) for bundle, user in rows]


def mark_ready(bundle_id: int, content: bytes, now: datetime) -> bool:
    """Store the made bundle, once: False if it was not queued (made by another delivery, or failed)."""
    return _set(bundle_id, ("queued",), status="ready", content=content, ready_at=now)


def mark_failed(bundle_id: int) -> bool:
    """A bundle that could not be made: the requester's page says so and they can ask again."""
    return _set(bundle_id, ("queued",), status="failed")


def spend(bundle_id: int, user_id: int, now: datetime) -> bytes | None:
    """The bundle's zip, once, for the user who asked for it, in the caller's transaction: the link is
    used and the zip deleted from the database at once; None if it was used, expired or is not theirs."""
    bundle = get(bundle_id)
    if bundle is None or bundle.content is None:
        return None
    content = bundle.content
    spent = _set(
        bundle_id,
        ("ready",),
        SubjectAccessBundle.requested_by_id == user_id,
        SubjectAccessBundle.used_at.is_(None),
        SubjectAccessBundle.expires_at > now,
        used_at=now,
        content=None,
    )
    if not spent:
        return None
    audit(
        user_id, "subject_access_downloaded", "subject_access_bundle", bundle_id, student_id=bundle.student_id
    )
    return content


def purge(now: datetime) -> int:
    """Delete every bundle whose week is over (made, used or not), in the caller's transaction."""
    gone = db.session.execute(
        delete(SubjectAccessBundle)
        .where(SubjectAccessBundle.expires_at <= now)
        .execution_options(synchronize_session=False)
    )
    return int(cast(CursorResult[Any], gone).rowcount or 0)


def stuck(now: datetime) -> list[int]:
    """Bundles still queued long after they were asked for, whose message to the worker was lost."""
    return list(
        db.session.scalars(
            select(SubjectAccessBundle.id).where(
                SubjectAccessBundle.status == "queued",
                SubjectAccessBundle.created_at < now - STALE_QUEUED,
                SubjectAccessBundle.expires_at > now,
            )
        )
    )


def _set(bundle_id: int, statuses: tuple[str, ...], *conditions: ColumnElement[bool], **values: Any) -> bool:
    result = db.session.execute(
        update(SubjectAccessBundle)
        .where(SubjectAccessBundle.id == bundle_id, SubjectAccessBundle.status.in_(statuses), *conditions)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return bool(cast(CursorResult[Any], result).rowcount)


# --- The sections of a bundle --------------------------------------------------------------------------


def _person(user: User | None) -> dict[str, Any] | None:
    """Who someone is, as a bundle names them: their name, role and organisation (never more)."""
    if user is None:
        return None
    return {
        "name": user.name or user.email,
        "role": ROLE_WORDS.get(user.role, user.role),
        "organisation": _organisation(user),
    }


def _organisation(user: User) -> str:
    if user.school_id:
        return db.session.scalar(select(School.name).where(School.id == user.school_id)) or ""
    if user.employer_id:
        return db.session.scalar(select(Employer.name).where(Employer.id == user.employer_id)) or ""
    if user.hub_id:
        return db.session.scalar(select(Hub.name).where(Hub.id == user.hub_id)) or ""
    return ""


def _people(user_ids: set[int | None]) -> dict[int, dict[str, Any] | None]:
    ids = {user_id for user_id in user_ids if user_id is not None}
    if not ids:
        return {}
    return {user.id: _person(user) for user in db.session.scalars(select(User).where(User.id.in_(ids)))}


def _who(people: dict[int, dict[str, Any] | None], user_id: int | None) -> dict[str, Any] | None:
    return people.get(user_id) if user_id is not None else None


def _allocation_ids(student_id: int) -> Any:
    return select(Allocation.id).where(Allocation.student_id == student_id)


def _place_ids(student_id: int) -> Any:
    return select(EventPlace.id).where(EventPlace.student_id == student_id)


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


def placements(student_id: int) -> list[dict[str, Any]]:
    """Every placement proposed to or held by the pupil, with its status, why it was proposed (the score's
    parts), who decided, and why it ended if it did."""
    rows = db.session.execute(
        select(Allocation, Opportunity, Employer)
        .join(Opportunity, Opportunity.id == Allocation.opportunity_id)
        .join(Employer, Employer.id == Opportunity.employer_id)
        .where(Allocation.student_id == student_id)
        .order_by(Allocation.created_at, Allocation.id)
    ).all()
    people = _people({allocation.decided_by_id for allocation, _, _ in rows})
    return [
        {
            "placement_id": allocation.id,
            "opportunity": opportunity.title,
            "kind": opportunity.kind,
            "organisation": employer.name,
            "start_date": opportunity.start_date,
            "end_date": opportunity.end_date,
            "status": allocation.status,
            "score": allocation.score,
            "your_rank": allocation.rank,
            "reasons": allocation.explanation,
            "decided_by": _who(people, allocation.decided_by_id),
            "decided_at": allocation.decided_at,
            "offered_at": allocation.offered_at,
            "respond_by": allocation.respond_by,
            "responded_at": allocation.responded_at,
            "confirmed_at": allocation.confirmed_at,
            "ended_reason": allocation.ended_reason,
            "ended_at": allocation.ended_at,
            "attended_days": allocation.attended_days,
            "attended_hours": allocation.attended_hours,
            "created_at": allocation.created_at,
        }
        for allocation, opportunity, employer in rows
    ]


def consents(student_id: int) -> list[dict[str, Any]]:
    """Each placement's consent: the decision, who gave it and how, when, and what the parent or carer
    entered (their name, the emergency contact, needs they chose to share), as stored."""
    rows = db.session.execute(
        select(Consent, Opportunity.title)
        .join(Allocation, Allocation.id == Consent.allocation_id)
        .join(Opportunity, Opportunity.id == Allocation.opportunity_id)
        .where(Allocation.student_id == student_id)
        .order_by(Consent.created_at, Consent.id)
    ).all()
    people = _people({consent.recorded_by_id for consent, _ in rows})
    found = []
    for consent, title in rows:
        if consent.recorded_by_id is not None:
            given_by = "Recorded on paper by a member of staff"
        elif consent.decided_at is not None:
            given_by = "Parent or carer, through the emailed link"
        else:
            given_by = "Not decided yet"
        found.append(
            {
                "placement_id": consent.allocation_id,
                "opportunity": title,
                "decision": consent.decision,
                "given_by": given_by,
                "recorded_by": _who(people, consent.recorded_by_id),
                "parent_name": consent.parent_name,
                "emergency_name": consent.emergency_name,
                "emergency_phone": consent.emergency_phone,
                "shared_needs": consent.shared_needs,
                "link_sent_at": consent.sent_at,
                "link_used_at": consent.used_at,
                "decided_at": consent.decided_at,
                "expires_at": consent.expires_at,
                "created_at": consent.created_at,
            }
        )
    return found


def check_ins(student_id: int) -> list[dict[str, Any]]:
    """The careers leader's calls and visits during the pupil's placements, with their notes."""
    rows = db.session.scalars(
        select(CheckIn)
        .where(CheckIn.allocation_id.in_(_allocation_ids(student_id)))
        .order_by(CheckIn.on_date, CheckIn.id)
    ).all()
    people = _people({check_in.created_by_id for check_in in rows})
    return [
        {
            "placement_id": check_in.allocation_id,
            "kind": check_in.kind,
            "on_date": check_in.on_date,
            "note": check_in.note,
            "by": _who(people, check_in.created_by_id),
            "created_at": check_in.created_at,
        }
        for check_in in rows
    ]


def experience_records(student_id: int) -> list[dict[str, Any]]:
    """The encounters and workplace experiences on the pupil's record."""
    rows = db.session.scalars(
        select(ExperienceRecord)
        .where(ExperienceRecord.student_id == student_id)
        .order_by(ExperienceRecord.on_date, ExperienceRecord.id)
    ).all()
    people = _people({record.created_by_id for record in rows})
    return [
        {
            "title": record.title,
            "benchmark": record.benchmark,
            "kind": record.kind,
            "on_date": record.on_date,
            "hours": record.hours,
            "meaningful": record.meaningful,
            "placement_id": record.allocation_id,
            "event_place_id": record.event_place_id,
            "recorded_by": _who(people, record.created_by_id),
            "created_at": record.created_at,
        }
        for record in rows
    ]


def feedback(student_id: int) -> list[dict[str, Any]]:
    """Feedback on the pupil's placements: their own reflections and what each employer said about them."""
    rows = db.session.scalars(
        select(Feedback)
        .where(Feedback.allocation_id.in_(_allocation_ids(student_id)))
        .order_by(Feedback.created_at, Feedback.id)
    ).all()
    people = _people({item.created_by_id for item in rows})
    return [
        {
            "placement_id": item.allocation_id,
            "written_by": "You" if item.author_role == "student" else "The employer",
            "author": _who(people, item.created_by_id),
            "rating": item.rating,
            "comment": item.comment,
            "set_task": item.set_task,
            "gave_feedback": item.gave_feedback,
            "met_range_of_staff": item.met_range_of_staff,
            "would_host_again": item.would_host_again,
            "created_at": item.created_at,
            "updated_at": item.updated_at,
        }
        for item in rows
    ]


def own_placements(student_id: int) -> list[dict[str, Any]]:
    """Placements the pupil found themselves and proposed, with their careers leader's decision."""
    rows = db.session.scalars(
        select(OwnPlacement).where(OwnPlacement.student_id == student_id).order_by(OwnPlacement.created_at)
    ).all()
    people = _people({placement.decided_by_id for placement in rows})
    return [
        {
            "organisation": placement.employer_name,
            "contact_name": placement.contact_name,
            "contact_email": placement.contact_email,
            "postcode": placement.postcode,
            "kind": placement.kind,
            "role": placement.role,
            "start_date": placement.start_date,
            "end_date": placement.end_date,
            "hours_per_day": placement.hours_per_day,
            "status": placement.status,
            "leader_note": placement.leader_note,
            "decided_by": _who(people, placement.decided_by_id),
            "decided_at": placement.decided_at,
            "created_at": placement.created_at,
            "updated_at": placement.updated_at,
        }
        for placement in rows
    ]


def event_places(student_id: int) -> list[dict[str, Any]]:
    """The pupil's places at encounter events (and on waitlists), with the engine's reason and who decided."""
    rows = db.session.execute(
        select(EventPlace, EventSlot, EncounterEvent, Employer.name)
        .join(EventSlot, EventSlot.id == EventPlace.slot_id)
        .join(EncounterEvent, EncounterEvent.id == EventSlot.event_id)
        .outerjoin(Employer, Employer.id == EventSlot.employer_id)
        .where(EventPlace.student_id == student_id)
        .order_by(EventPlace.starts_at, EventPlace.id)
    ).all()
    people = _people({place.decided_by_id for place, *_ in rows} | {place.marked_by_id for place, *_ in rows})
    return [
        {
            "event_place_id": place.id,
            "event": event.title,
            "format": event.format_label,
            "held_on": event.held_on,
            "venue": event.venue,
            "slot": slot.label,
            "organisation": organisation,
            "starts_at": place.starts_at,
            "ends_at": place.ends_at,
            "status": place.status,
            "waitlist_rank": place.waitlist_rank,
            "reason": place.reason,
            "decided_by": _who(people, place.decided_by_id),
            "decided_at": place.decided_at,
            "register_marked_by": _who(people, place.marked_by_id),
            "created_at": place.created_at,
        }
        for place, slot, event, organisation in rows
    ]


def pupil_feedback(student_id: int) -> list[dict[str, Any]]:
    """The pupil's answers about events they went to."""
    rows = db.session.execute(
        select(PupilFeedback, EncounterEvent.title)
        .join(EventPlace, EventPlace.id == PupilFeedback.place_id)
        .join(EventSlot, EventSlot.id == EventPlace.slot_id)
        .join(EncounterEvent, EncounterEvent.id == EventSlot.event_id)
        .where(EventPlace.student_id == student_id)
        .order_by(PupilFeedback.created_at, PupilFeedback.id)
    ).all()
    return [
        {
            "event_place_id": answers.place_id,
            "event": title,
            "learned_something": answers.learned,
            "wants_more": answers.wants_more,
            "rating": answers.rating,
            "created_at": answers.created_at,
            "updated_at": answers.updated_at,
        }
        for answers, title in rows
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
    people = _people({t.requested_by_id for t in rows} | {t.decided_by_id for t in rows})
    return [
        {
            "from_school": schools.get(transfer.from_school_id, ""),
            "to_school": schools.get(transfer.to_school_id, ""),
            "status": transfer.status,
            "details": transfer.details,
            "requested_by": _who(people, transfer.requested_by_id),
            "decided_by": _who(people, transfer.decided_by_id),
            "created_at": transfer.created_at,
            "decided_at": transfer.decided_at,
        }
        for transfer in rows
    ]


def holds(student_id: int) -> list[dict[str, Any]]:
    """A school's hold on the pupil's record (which keeps it whole), with its reason."""
    rows = db.session.scalars(select(PupilHold).where(PupilHold.student_id == student_id)).all()
    people = _people({hold.set_by_id for hold in rows})
    return [
        {"reason": hold.reason, "set_by": _who(people, hold.set_by_id), "set_at": hold.set_at}
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
    about = Notification.about
    consents = select(Consent.id).where(Consent.allocation_id.in_(_allocation_ids(student_id)))
    links = (
        select(AccessToken.id).join(User, AccessToken.user_id == User.id).where(User.student_id == student_id)
    )
    owned = select(OwnPlacement.id).where(OwnPlacement.student_id == student_id)
    bundles = select(SubjectAccessBundle.id).where(SubjectAccessBundle.student_id == student_id)
    rows = db.session.scalars(
        select(Notification)
        .where(
            func.lower(Notification.recipient).in_(sorted(addresses)),
            or_(
                about["allocation_id"].as_integer().in_(_allocation_ids(student_id)),
                about["consent_id"].as_integer().in_(consents),
                about["token_id"].as_integer().in_(links),
                about["place_id"].as_integer().in_(_place_ids(student_id)),
                about["own_placement_id"].as_integer().in_(owned),
                about["bundle_id"].as_integer().in_(bundles),
            ),
        )
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
        ("allocation", _allocation_ids(student_id)),
        ("consent", select(Consent.id).where(Consent.allocation_id.in_(_allocation_ids(student_id)))),
        ("event_place", _place_ids(student_id)),
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
    people = _people({event.user_id for event in rows})
    return [
        {
            "action": event.action,
            "record_type": event.record_type,
            "record_id": event.record_id,
            "by": _who(people, event.user_id),
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
    people = _people({user.id for _, user in rows if user is not None})
    return [{"who": _who(people, entry.user_id), "page": entry.page, "at": entry.at} for entry, _ in rows]


def shown_to_organisations(student_id: int) -> list[dict[str, Any]]:
    """What each employer or provider was shown about the pupil and when, organisation by organisation:
    their placements once they said yes (the name they go by, school and year group, and what the parent
    or carer shared once they consented), their places at the organisation's event stands (their name, on
    the register), and each page with the pupil's data that the organisation's people viewed."""
    by_organisation: dict[int, dict[str, Any]] = {}

    def entry(employer: Employer) -> dict[str, Any]:
        return by_organisation.setdefault(
            employer.id,
            {
                "organisation": employer.name,
                "kind": ORGANISATION_KINDS.get(employer.kind, employer.kind),
                "shown": [],
                "page_views": [],
            },
        )

    placements_seen = db.session.execute(
        select(Allocation, Opportunity, Employer, Consent.decision)
        .join(Opportunity, Opportunity.id == Allocation.opportunity_id)
        .join(Employer, Employer.id == Opportunity.employer_id)
        .outerjoin(Consent, Consent.allocation_id == Allocation.id)
        .where(Allocation.student_id == student_id, Allocation.status.in_(SHOWN_STATUSES))
        .order_by(Allocation.id)
    ).all()
    for allocation, opportunity, employer, decision in placements_seen:
        fields = ["The first name you go by", "Your school", "Your year group"]
        if decision == "given":
            fields += [
                "Your emergency contact",
                "Medical or access needs your parent or carer chose to share",
            ]
        entry(employer)["shown"].append(
            {
                "what": f"Placement: {opportunity.title}",
                "fields": fields,
                "status": allocation.status,
                "from": allocation.responded_at or allocation.created_at,
                "until": allocation.ended_at,
            }
        )
    places_seen = db.session.execute(
        select(EventPlace, EventSlot, EncounterEvent, Employer)
        .join(EventSlot, EventSlot.id == EventPlace.slot_id)
        .join(EncounterEvent, EncounterEvent.id == EventSlot.event_id)
        .join(Employer, Employer.id == EventSlot.employer_id)
        .where(EventPlace.student_id == student_id, EventPlace.status.in_(ON_REGISTER))
        .order_by(EventPlace.id)
    ).all()
    for place, slot, event, employer in places_seen:
        entry(employer)["shown"].append(
            {
                "what": f"Event: {event.title}, {slot.label}",
                "fields": ["Your name, on the register"],
                "status": place.status,
                "from": place.decided_at or place.created_at,
                "until": None,
            }
        )
    views = db.session.execute(
        select(AccessLog, User, Employer)
        .join(User, User.id == AccessLog.user_id)
        .join(Employer, Employer.id == User.employer_id)
        .where(AccessLog.student_id == student_id, User.role == "employer")
        .order_by(AccessLog.at, AccessLog.id)
    ).all()
    for view, user, employer in views:
        entry(employer)["page_views"].append(
            {"page": view.page, "at": view.at, "by": user.name or user.email}
        )
    return list(by_organisation.values())


def subject_access_requests(student_id: int) -> list[dict[str, Any]]:
    """Earlier bundles asked for the pupil: who asked, when, and what became of each."""
    return [
        {
            "asked_by": _person(user),
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
