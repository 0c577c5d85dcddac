"""Hosting a placement: who is coming, confirming or declining them, attendance, outcome and feedback.

An employer sees a student's first name (the one they go by), school and year group, and only what the
parent or carer chose to share: their emergency contact and any medical or access needs. Every status change
goes through web.dao.placements, conditional on the status it expects, so a second click changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select, update

from web.dao import access_log, consent, placements
from web.dao.base import audit, insert_into
from web.dao.offers import student_account
from web.dao.users import reachable_leaders
from web.dates import london_today
from web.emails import notify
from web.extensions import db
from web.models import (
    Allocation,
    Consent,
    Employer,
    ExperienceRecord,
    Feedback,
    Opportunity,
    School,
    Student,
)
from web.models.base import utcnow

# Shown to the employer: after a yes, in the order they happen, then how it ended.
INCOMING_STATUSES = ("accepted", "consented", "confirmed", "completed", "no_show")
# A placement the employer can still decline or that a closure cancels: said yes to, and not yet started
# (one under way or over is the employer's to record: completed, or did not attend).
UNDOABLE_STATUSES = ("accepted", "consented", "confirmed")
OUTCOMES = ("completed", "no_show")
# What the employer's feedback asks: together, what makes a Benchmark 6 experience meaningful.
MEANINGFUL = ("set_task", "gave_feedback", "met_range_of_staff")


@dataclass(frozen=True, slots=True)
class Incoming:
    """One student coming to one of the employer's opportunities, with only what the employer may see."""

    allocation_id: int
    opportunity_id: int
    title: str
    kind: str
    start_date: date
    end_date: date
    hours_per_day: Decimal
    place: str
    first_name: str
    school_name: str
    year_group: int
    status: str
    needs_consent: bool
    shared_needs: str
    emergency_name: str
    emergency_phone: str
    attended_days: int | None
    attended_hours: Decimal | None

    @property
    def days(self) -> int:
        """The placement's length in calendar days, first to last."""
        return (self.end_date - self.start_date).days + 1

    @property
    def can_confirm(self) -> bool:
        """Consent given, or none needed (the student is 18 or over when it starts)."""
        return self.status == "consented" or (self.status == "accepted" and not self.needs_consent)


# The name a student goes by: their preferred forename where the school's records give one.
_known_as = func.coalesce(func.nullif(Student.preferred_name, ""), Student.first_name)


def _incoming_query() -> Any:
    # The date of birth is read only to work out whether consent is needed; it never leaves this module.
    return (
        select(
            Allocation.id,
            Opportunity.id,
            Opportunity.title,
            Opportunity.kind,
            Opportunity.start_date,
            Opportunity.end_date,
            Opportunity.hours_per_day,
            Opportunity.remote,
            Opportunity.postcode,
            _known_as,
            School.name,
            Student.year_group,
            Allocation.status,
            Student.date_of_birth,
            Consent.decision,
            Consent.shared_needs,
            Consent.emergency_name,
            Consent.emergency_phone,
            Allocation.attended_days,
            Allocation.attended_hours,
            Student.id,
        )
        .select_from(Allocation)
        .join(Opportunity, Opportunity.id == Allocation.opportunity_id)
        .join(Student, Student.id == Allocation.student_id)
        .join(School, School.id == Student.school_id)
        .join(Employer, Employer.id == Opportunity.employer_id)
        .outerjoin(Consent, Consent.allocation_id == Allocation.id)
        # A suspended employer sees none of its students (nor what parents shared) until the hub approves
        # it again, and so cannot confirm anyone either.
        .where(Allocation.status.in_(INCOMING_STATUSES), Employer.status == "approved")
    )


def _incoming(row: Any) -> Incoming:
    (allocation_id, opportunity_id, title, kind, start, end, hours, remote, postcode, first_name, school) = (
        row[:11]
    )
    year_group, status, born, decision, needs, emergency_name, emergency_phone, days, attended, pupil = row[
        11:
    ]
    access_log.seen([pupil])
    given = decision == "given"  # what a parent shares is the employer's only once they have consented
    return Incoming(
        allocation_id=allocation_id,
        opportunity_id=opportunity_id,
        title=title,
        kind=kind,
        start_date=start,
        end_date=end,
        hours_per_day=hours,
        place="Remote (online)" if remote else postcode or "",
        first_name=first_name,
        school_name=school,
        year_group=year_group,
        status=status,
        needs_consent=placements.needs_consent(born, start),
        shared_needs=needs if given else "",
        emergency_name=emergency_name if given else "",
        emergency_phone=emergency_phone if given else "",
        attended_days=days,
        attended_hours=attended,
    )


def list_incoming(opportunity_id: int) -> list[Incoming]:
    """Students who said yes to this opportunity, by status then school and name."""
    order = {status: n for n, status in enumerate(INCOMING_STATUSES)}
    rows = db.session.execute(
        _incoming_query()
        .where(Allocation.opportunity_id == opportunity_id)
        .order_by(School.name, _known_as, Allocation.id)
    )
    found = [_incoming(row) for row in rows]
    return sorted(found, key=lambda one: order[one.status])  # stable: school and name order kept


def get_incoming(allocation_id: int, employer_id: int) -> Incoming | None:
    """One placement on this employer's opportunities after the student's yes, or None."""
    row = db.session.execute(
        _incoming_query().where(Allocation.id == allocation_id, Opportunity.employer_id == employer_id)
    ).one_or_none()
    return _incoming(row) if row else None


def holders(opportunity_id: int) -> list[int]:
    """Ids of the placements on this opportunity that students have said yes to and that have not started."""
    return list(
        db.session.scalars(
            select(Allocation.id)
            .join(Opportunity, Allocation.opportunity_id == Opportunity.id)
            .where(
                Allocation.opportunity_id == opportunity_id,
                Allocation.status.in_(UNDOABLE_STATUSES),
                Opportunity.start_date > london_today(),
            )
            .order_by(Allocation.id)
        )
    )


def _allocation(allocation_id: int) -> tuple[Allocation, Student, Opportunity]:
    allocation = db.session.get(Allocation, allocation_id, populate_existing=True)
    student = db.session.get(Student, allocation.student_id)
    opportunity = db.session.get(Opportunity, allocation.opportunity_id)
    return allocation, student, opportunity


def tell(allocation_id: int, template: str, stamp: str, student: bool, parent: bool, leaders: bool) -> None:
    """Email the student, their parent or carer and the school's careers leaders about this placement, each
    once: the key is the message, the placement, `stamp` (what changed) and who it is for."""
    _, person, _ = _allocation(allocation_id)
    key = f"{template.replace('_', '-')}:{allocation_id}" + (f":{stamp}" if stamp else "")
    account = student_account(person.id) if student else None
    if account is not None:  # to their active account, as every other email to a student
        notify(f"{key}:student", template, account.email, allocation_id=allocation_id, to="student")
    if parent:
        notify(f"{key}:parent", template, person.parent_email, allocation_id=allocation_id, to="parent")
    if leaders:
        for leader in reachable_leaders(person.school_id):
            notify(
                f"{key}:leader:{leader.id}", template, leader.email, allocation_id=allocation_id, to="leader"
            )


def confirm(allocation_id: int, user_id: int) -> bool:
    """Confirm a placement whose consent is given (or not needed) and tell the student and parent; False
    if it was not waiting to be confirmed."""
    needed = placements.allocation_needs_consent(allocation_id)
    expected = ("consented",) if needed else ("accepted", "consented")
    if not placements.move(allocation_id, "confirmed", expected, confirmed_at=utcnow()):
        return False
    audit(user_id, "placement_confirmed", "allocation", allocation_id)
    tell(allocation_id, "placement_confirmed", "", student=True, parent=needed, leaders=False)
    return True


def decline(allocation_id: int, user_id: int, reason: str) -> bool:
    """The employer cannot host this student: end the placement with the reason (the school sees it), free
    its seat and tell the student and the careers leaders; False if it was not the employer's to decline."""
    if not placements.undo(
        allocation_id, "employer_declined", UNDOABLE_STATUSES, user_id, reason, before_start=london_today()
    ):
        return False
    parent = placements.allocation_needs_consent(allocation_id)
    tell(allocation_id, "placement_declined", "", student=True, parent=parent, leaders=True)
    return True


def cancel_all(opportunity_id: int, user_id: int, message: str) -> int:
    """Cancel every placement on a closing opportunity with the employer's message, telling each student,
    parent and careers leader; how many were cancelled."""
    cancelled = 0
    for allocation_id in holders(opportunity_id):
        if placements.undo(
            allocation_id, "cancelled", UNDOABLE_STATUSES, user_id, message, before_start=london_today()
        ):
            parent = placements.allocation_needs_consent(allocation_id)
            tell(allocation_id, "placement_cancelled", "", student=True, parent=parent, leaders=True)
            cancelled += 1
    return cancelled


def tell_of_change(opportunity_id: int, stamp: str) -> int:
    """Tell each student holding a place, and their parent, that the dates, hours or place changed; how
    many placements."""
    ids = holders(opportunity_id)
    for allocation_id in ids:
        parent = placements.allocation_needs_consent(allocation_id)
        if parent and _status(allocation_id) == "accepted":
            # An earlier start can leave a student under 18 on the first day: their parent is asked now
            # (once: a consent already asked for stands).
            consent.request(allocation_id, None)
        tell(allocation_id, "opportunity_changed", stamp, student=True, parent=parent, leaders=False)
    return len(ids)


def _status(allocation_id: int) -> str | None:
    return db.session.scalar(select(Allocation.status).where(Allocation.id == allocation_id))


def get_feedback(allocation_id: int) -> Feedback | None:
    """The employer's feedback on this placement, or None."""
    return db.session.scalar(
        select(Feedback).where(Feedback.allocation_id == allocation_id, Feedback.author_role == "employer")
    )


def meaningful(feedback: Feedback | None) -> bool | None:
    """Benchmark 6: meaningful when the employer set a task, gave feedback and the student met a range of
    staff; None until the employer has said."""
    if feedback is None:
        return None
    return all(getattr(feedback, answer) for answer in MEANINGFUL)


def record_outcome(allocation_id: int, user_id: int, outcome: str, days: int, hours: Decimal) -> bool:
    """Record attendance and how it ended, once; a completed placement goes on the student's record. False
    if it was not a confirmed placement (already recorded, say)."""
    if outcome not in OUTCOMES:
        raise ValueError(f"Not an outcome: {outcome}")
    if not placements.move(allocation_id, outcome, ("confirmed",), attended_days=days, attended_hours=hours):
        return False
    audit(user_id, f"placement_{outcome}", "allocation", allocation_id)
    if outcome == "completed":
        allocation, student, opportunity = _allocation(allocation_id)
        _insert_once(
            student_id=student.id,
            allocation_id=allocation_id,
            benchmark="6",
            kind=opportunity.kind,
            title=opportunity.title,
            on_date=opportunity.end_date,
            hours=hours,
            meaningful=meaningful(get_feedback(allocation_id)),
            created_by_id=user_id,
            created_at=utcnow(),
        )
    return True


def _insert_once(**values: Any) -> None:
    # The unique allocation_id holds the line even if two requests got past the status check together.
    db.session.execute(
        insert_into(ExperienceRecord)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["allocation_id"])
    )


def save_feedback(allocation_id: int, user_id: int, **answers: Any) -> None:
    """Save (or change) the employer's feedback, and keep the record's "meaningful" in step with it."""
    now = utcnow()
    values = {**answers, "updated_at": now}
    db.session.execute(
        insert_into(Feedback)
        .values(
            allocation_id=allocation_id,
            author_role="employer",
            created_by_id=user_id,
            created_at=now,
            **values,
        )
        .on_conflict_do_update(index_elements=["allocation_id", "author_role"], set_=values)
    )
    is_meaningful = all(answers[answer] for answer in MEANINGFUL)
    db.session.execute(
        update(ExperienceRecord)
        .where(ExperienceRecord.allocation_id == allocation_id)
        .values(meaningful=is_meaningful)
        .execution_options(synchronize_session=False)
    )
    audit(user_id, "placement_feedback_saved", "allocation", allocation_id)


def student_placement(student_id: int, allocation_id: int) -> Incoming | None:
    """One of the student's own placements after their yes, or None (for their calendar entry)."""
    row = db.session.execute(
        _incoming_query().where(
            Allocation.id == allocation_id,
            Allocation.student_id == student_id,
            Allocation.status.in_(("accepted", "consented", "confirmed", "completed")),
        )
    ).one_or_none()
    return _incoming(row) if row else None


def employer_name(opportunity_id: int) -> str:
    """The name of the employer offering this opportunity."""
    return (
        db.session.scalar(
            select(Employer.name)
            .join(Opportunity, Opportunity.employer_id == Employer.id)
            .where(Opportunity.id == opportunity_id)
        )
        or ""
    )
