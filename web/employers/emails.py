"""What the emails about hosting a placement say: confirmed, declined, changed or cancelled by the employer.

Each goes to the student, their parent or carer, or a careers leader (`to`), with only what that person needs.
"""

from __future__ import annotations

from typing import Any

from web.dates import long_date
from web.emails import email, link
from web.extensions import db
from web.models import Allocation, Employer, Opportunity, School, Student


def _context(allocation_id: int, to: str, statuses: tuple[str, ...]) -> dict[str, Any] | None:
    allocation = db.session.get(Allocation, allocation_id)
    # Moved on since it was queued (withdrawn after a confirmation, say): it would say something untrue.
    if allocation is None or allocation.status not in statuses:
        return None
    student = db.session.get(Student, allocation.student_id)
    opportunity = db.session.get(Opportunity, allocation.opportunity_id)
    employer = db.session.get(Employer, opportunity.employer_id)
    school = db.session.get(School, student.school_id)
    if to == "student":
        where = link("students.offer", allocation_id=allocation_id)
    elif to == "leader":
        where = link("careers.placement", allocation_id=allocation_id)
    else:
        where = ""  # a parent or carer has no account to sign in to
    return {
        "to": to,
        "first_name": student.known_as,
        "student_name": student.full_name,
        "school": school.name,
        "employer": employer.name,
        "title": opportunity.title,
        "start": long_date(opportunity.start_date),
        "end": long_date(opportunity.end_date),
        "hours": f"{opportunity.hours_per_day:g}",
        "place": "online (remote)" if opportunity.remote else opportunity.postcode,
        "reason": allocation.ended_reason,
        "link": where,
    }


@email("placement_confirmed")
def placement_confirmed(allocation_id: int, to: str) -> dict[str, Any] | None:
    """To the student and their parent: the employer has confirmed the placement."""
    return _context(allocation_id, to, ("confirmed",))


@email("placement_declined")
def placement_declined(allocation_id: int, to: str) -> dict[str, Any] | None:
    """To the student and careers leaders: the employer cannot host the student, and why (for the school)."""
    return _context(allocation_id, to, ("employer_declined",))


@email("placement_cancelled")
def placement_cancelled(allocation_id: int, to: str) -> dict[str, Any] | None:
    """To the student, parent and careers leaders: the employer closed the opportunity, with their message."""
    return _context(allocation_id, to, ("cancelled",))


@email("opportunity_changed")
def opportunity_changed(allocation_id: int, to: str) -> dict[str, Any] | None:
    """To the student and parent: the dates, hours or place changed after they said yes; they may withdraw."""
    return _context(allocation_id, to, ("accepted", "consented", "confirmed"))
