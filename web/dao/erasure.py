"""Taking a pupil's identity out of the service: set-based, for the nightly retention run over thousands of
leavers and for one pupil's erasure alike, always inside the caller's transaction (all or nothing).

What goes: everything that says who the pupil is or reaches them (names, UPN, postcode, email addresses,
the parent's and emergency contacts, shared needs, free text by or about them, their rankings, the emails
sent to them, their subject access bundles, their parents' links to their entitlements, and their places in
term plans, which say what the planner made of their needs); their sign-in account can no longer be used.
What stays: the pupil's row with its school, year group, tutor group, routes and groups, and their
placements, places and records, so every count by school, year and group stays true. The date of birth is
kept to the month (the 1st), so counts by age move by less than a month.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import String, cast, delete, func, select, update

from web.dao.base import audit
from web.dao.notifications import about_pupils
from web.extensions import db
from web.models import (
    AccessToken,
    Allocation,
    AuditEvent,
    CheckIn,
    Consent,
    EventPlace,
    Feedback,
    Notification,
    OwnPlacement,
    ParentLink,
    PlanItem,
    PlanSession,
    Preference,
    PupilHold,
    SignInIdentity,
    Student,
    StudentTransfer,
    SubjectAccessBundle,
    User,
)
from web.models.base import WAITING_STATUSES

CHUNK = 500  # ids per statement: well inside SQLite's and PostgreSQL's bound-parameter limits
ERASED_NAME = ("Former", "pupil")
ERASED_DOMAIN = "@erased.invalid"  # .invalid never resolves (RFC 2606): no email can reach such an account
# A placement or event place still ahead: an employer or event expects the pupil, so erasure waits.
LIVE_PLACEMENTS = (*WAITING_STATUSES, "accepted", "consented", "confirmed")
LIVE_PLACES = ("proposed", "invited", "waitlisted")


class ErasureError(Exception):
    """The pupil's record must be kept; the message says why."""


def chunks(ids: Iterable[int]) -> Iterator[list[int]]:
    """The ids in lists of CHUNK."""
    batch: list[int] = []
    for one in ids:
        batch.append(one)
        if len(batch) == CHUNK:
            yield batch
            batch = []
    if batch:
        yield batch


def anonymise(student_ids: list[int], now: datetime) -> int:
    """Take these pupils' identities out (see the module); pupils already anonymised or on hold are left.

    Returns how many pupils were anonymised. Runs in the caller's transaction.
    """
    done = 0
    for batch in chunks(student_ids):
        batch = list(
            db.session.scalars(
                select(Student.id).where(
                    Student.id.in_(batch),
                    Student.anonymised_at.is_(None),
                    ~select(PupilHold.id).where(PupilHold.student_id == Student.id).exists(),
                )
            )
        )
        if batch:
            _anonymise(batch, now)
            done += len(batch)
    return done


def _anonymise(ids: list[int], now: datetime) -> None:
    addresses = set()
    for email, parent_email in db.session.execute(
        select(Student.email, Student.parent_email).where(Student.id.in_(ids))
    ):
        addresses.update(a.lower() for a in (email, parent_email) if a)
    users = list(db.session.scalars(select(User.id).where(User.student_id.in_(ids))))
    addresses.update(e.lower() for e in db.session.scalars(select(User.email).where(User.id.in_(users))) if e)
    placements = select(Allocation.id).where(Allocation.student_id.in_(ids))
    session = db.session
    # Only the messages about this pupil: a sibling's to the same family address stay.
    for batch in chunks(sorted(addresses)):
        to_them = func.lower(Notification.recipient).in_(batch)
        session.execute(delete(Notification).where(to_them, about_pupils(ids)))
    session.execute(delete(Preference).where(Preference.student_id.in_(ids)))
    # A parent's link would go on opening the erased pupil's record; it reaches the family, so it goes.
    session.execute(delete(ParentLink).where(ParentLink.student_id.in_(ids)))
    _drop_plan_items(ids)
    session.execute(delete(SubjectAccessBundle).where(SubjectAccessBundle.student_id.in_(ids)))
    session.execute(delete(AccessToken).where(AccessToken.user_id.in_(users)))
    session.execute(delete(SignInIdentity).where(SignInIdentity.user_id.in_(users)))
    session.execute(
        update(User)
        .where(User.id.in_(users))
        .values(erased_account())
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(Consent)
        .where(Consent.allocation_id.in_(placements))
        .values(parent_name="", emergency_name="", emergency_phone="", shared_needs="")
        .execution_options(synchronize_session=False)
    )
    clear_placement_notes(ids)
    clear_feedback(ids)
    session.execute(
        update(Allocation)
        .where(Allocation.student_id.in_(ids))
        .values(ended_reason="")
        .execution_options(synchronize_session=False)
    )
    _clear_notes(select(Allocation.id).where(Allocation.student_id.in_(ids)))
    session.execute(
        update(StudentTransfer)
        .where(StudentTransfer.student_id.in_(ids))
        .values(details={})
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(EventPlace)
        .where(EventPlace.student_id.in_(ids))
        .values(reason="")
        .execution_options(synchronize_session=False)
    )
    born = list(session.execute(select(Student.id, Student.date_of_birth).where(Student.id.in_(ids))))
    months = {row.id: row.date_of_birth.replace(day=1) for row in born}
    # The tutor group stays, like the year group: it names no one (a class of thirty), and the planner's and
    # reports' counts by group need it.
    session.execute(
        update(Student)
        .where(Student.id.in_(ids))
        .values(
            first_name=ERASED_NAME[0],
            last_name=ERASED_NAME[1],
            preferred_name="",
            upn=None,
            postcode=None,
            email=None,
            parent_name="",
            parent_email=None,
            statement="",
            available_from=None,
            available_until=None,
            anonymised_at=now,
        )
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(Student),
        [{"id": sid, "date_of_birth": month} for sid, month in months.items()],
    )


def _drop_plan_items(ids: list[int]) -> None:
    """The pupils' places in term plans, each session's places taken counted down with them: an item holds
    the planner's view of the pupil (their need, at risk or not, disadvantaged or SEND), and a place not yet
    given a day is no one's promise (one that has a day is an event place, which erase() waits for)."""
    taken = db.session.execute(
        select(PlanItem.session_id, func.count())
        .where(PlanItem.student_id.in_(ids))
        .group_by(PlanItem.session_id)
    ).all()
    for session_id, count in taken:  # a plan's sessions are few: one statement each
        db.session.execute(
            update(PlanSession)
            .where(PlanSession.id == session_id)
            .values(places_taken=PlanSession.places_taken - count)
            .execution_options(synchronize_session=False)
        )
    db.session.execute(delete(PlanItem).where(PlanItem.student_id.in_(ids)))


def _clear_notes(placements: Any) -> None:
    """The careers leader's note on rejecting a proposal, which the audit trail keeps with the reason; the
    reason (a choice from a list) stays."""
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.record_type == "allocation", AuditEvent.record_id.in_(placements))
    )
    for event in events:
        if event.detail.get("note"):
            event.detail = {**event.detail, "note": ""}
    db.session.flush()


def erased_account() -> dict[str, Any]:
    """What an erased pupil's account becomes: no address, name, password or session, and unable to sign in
    (each row keeps an address and token of its own, as both are unique)."""
    tag = cast(User.id, String)
    return {
        "email": "erased-" + tag + ERASED_DOMAIN,
        "name": "",
        "password_hash": "",
        "active": False,
        "session_token": "erased-" + tag,
    }


def clear_placement_notes(ids: list[int]) -> None:
    """Check-in notes on these pupils' placements, and the contacts on placements they found themselves."""
    placements = select(Allocation.id).where(Allocation.student_id.in_(ids))
    db.session.execute(
        update(CheckIn)
        .where(CheckIn.allocation_id.in_(placements))
        .values(note="")
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        update(OwnPlacement)
        .where(OwnPlacement.student_id.in_(ids))
        .values(contact_name="", contact_email="", leader_note="")
        .execution_options(synchronize_session=False)
    )


def clear_feedback(ids: list[int]) -> None:
    """The words of feedback by and about these pupils (ratings stay)."""
    placements = select(Allocation.id).where(Allocation.student_id.in_(ids))
    db.session.execute(
        update(Feedback)
        .where(Feedback.allocation_id.in_(placements))
        .values(comment="")
        .execution_options(synchronize_session=False)
    )


def erase(student: Student, user_id: int, reason: str, now: datetime) -> None:
    """Erase one pupil on request, in the caller's transaction, with an audit event; ErasureError if a
    hold stands (its reason is given) or the pupil was already anonymised."""
    hold = db.session.scalar(select(PupilHold).where(PupilHold.student_id == student.id))
    if hold is not None:
        raise ErasureError(f"This pupil's record is on hold and must be kept: {hold.reason}")
    if student.anonymised_at is not None:
        raise ErasureError("This pupil's record has already been erased")
    live = db.session.scalar(
        select(func.count())
        .select_from(Allocation)
        .where(Allocation.student_id == student.id, Allocation.status.in_(LIVE_PLACEMENTS))
    ) or db.session.scalar(
        select(func.count())
        .select_from(EventPlace)
        .where(EventPlace.student_id == student.id, EventPlace.status.in_(LIVE_PLACES))
    )
    if live:
        raise ErasureError(
            "This pupil has placements or event places still to come. Withdraw or decline them first, "
            "so nobody expects them"
        )
    _anonymise([student.id], now)
    audit(user_id, "erase", "student", student.id, reason=reason)
    db.session.expire(student)
