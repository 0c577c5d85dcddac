"""What the emails about a student's offers and placements say, from the ids they are about."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from web.dates import long_date
from web.emails import email, link
from web.extensions import db
from web.models import Allocation, Employer, Opportunity, Student


def _placement(allocation_id: int) -> tuple[Allocation, Opportunity, Employer, Student] | None:
    row = db.session.execute(
        select(Allocation, Opportunity, Employer, Student)
        .join(Opportunity, Allocation.opportunity_id == Opportunity.id)
        .join(Employer, Opportunity.employer_id == Employer.id)
        .join(Student, Allocation.student_id == Student.id)
        .where(Allocation.id == allocation_id)
    ).first()
    return None if row is None else (row[0], row[1], row[2], row[3])


def _offer(allocation_id: int, *statuses: str) -> dict[str, Any] | None:
    found = _placement(allocation_id)
    # Answered, withdrawn or expired since it was queued: the message would no longer be true.
    if found is None or found[0].status not in statuses:
        return None
    allocation, opportunity, employer, student = found
    return {
        "name": student.known_as,
        "title": opportunity.title,
        "employer": employer.name,
        "dates": f"{long_date(opportunity.start_date)} to {long_date(opportunity.end_date)}",
        "respond_by": long_date(allocation.respond_by) if allocation.respond_by else "",
        "link": link("students.offer", allocation_id=allocation.id),
    }


@email("offer_made")
def offer_made(allocation_id: int) -> dict[str, Any] | None:
    """To a student: the school has offered them a placement, and when to answer by."""
    return _offer(allocation_id, "offered")


@email("offer_reminder")
def offer_reminder(allocation_id: int) -> dict[str, Any] | None:
    """To a student: an offer they have not answered runs out soon."""
    return _offer(allocation_id, "offered")


@email("offer_expired")
def offer_expired(allocation_id: int) -> dict[str, Any] | None:
    """To a student: they did not answer an offer in time, so it has gone to someone else."""
    return _offer(allocation_id, "expired")


@email("placement_withdrawn")
def placement_withdrawn(allocation_id: int, audience: str) -> dict[str, Any] | None:
    """To an employer's users (the student's first name only) or the school's careers leaders: a student
    has withdrawn from a placement."""
    found = _placement(allocation_id)
    if found is None or found[0].status != "withdrawn":
        return None
    _, opportunity, employer, student = found
    school = audience == "school"
    return {
        "school": school,
        # The employer knows the student by the name they go by, as on its pages.
        "student": f"{student.first_name} {student.last_name}" if school else student.known_as,
        "title": opportunity.title,
        "employer": employer.name,
        "dates": f"{long_date(opportunity.start_date)} to {long_date(opportunity.end_date)}",
        "link": link("careers.student", student_id=student.id)
        if school
        else link("employers.opportunity", opportunity_id=opportunity.id),
    }
