"""What the consent emails say: the link to the parent or carer (and its reminders), the result or its
running out to the student and careers leaders, and "ready to confirm" to the employer's people."""

from __future__ import annotations

from typing import Any

from flask import current_app

from web.dao import consent as consent_dao
from web.dao import placements
from web.dates import long_date
from web.emails import email, link
from web.extensions import db
from web.models import Allocation, Consent, Employer, Opportunity, School, Student
from web.models.base import utcnow


def _placement(allocation_id: int) -> dict[str, Any] | None:
    allocation = db.session.get(Allocation, allocation_id)
    if allocation is None:
        return None
    student = db.session.get(Student, allocation.student_id)
    opportunity = db.session.get(Opportunity, allocation.opportunity_id)
    employer = db.session.get(Employer, opportunity.employer_id) if opportunity else None
    school = db.session.get(School, student.school_id) if student else None
    if student is None or opportunity is None or employer is None or school is None:
        return None
    return {
        "status": allocation.status,
        "first_name": student.known_as,
        "student_name": student.full_name,
        "year_group": student.year_group,
        "school": school.name,
        "employer": employer.name,
        "title": opportunity.title,
        "start": long_date(opportunity.start_date),
        "end": long_date(opportunity.end_date),
    }


def _link_context(consent_id: int, link_of: str) -> dict[str, Any] | None:
    consent = consent_dao.get(consent_id)
    # A link sent again, used, run out or for a placement that moved on is not worth sending.
    if consent is None or consent.salt[:8] != link_of or consent.decision != "pending":
        return None
    if consent.used_at is not None or consent.expires_at <= utcnow():
        return None
    placement = _placement(consent.allocation_id)
    if placement is None or placement["status"] != "accepted":
        return None
    return {
        **placement,
        "link": link("parents.consent", secret=consent_dao.secret_of(consent)),
        "expires": long_date(consent.expires_at.date()),
    }


@email("consent_request")
def consent_request(consent_id: int, link_of: str) -> dict[str, Any] | None:
    """To a parent or carer: their child has accepted a placement; the link to see it and give consent."""
    return _link_context(consent_id, link_of)


@email("consent_reminder")
def consent_reminder(consent_id: int, link_of: str) -> dict[str, Any] | None:
    """To a parent or carer who has not answered yet: the same link, and when it runs out."""
    return _link_context(consent_id, link_of)


def _result_context(consent_id: int, to: str, decisions: tuple[str, ...]) -> dict[str, Any] | None:
    consent = db.session.get(Consent, consent_id)
    if consent is None or consent.decision not in decisions:
        return None
    placement = _placement(consent.allocation_id)
    if placement is None:
        return None
    if to == "student":
        where = link("students.offer", allocation_id=consent.allocation_id)
    else:
        where = link("careers.placement", allocation_id=consent.allocation_id)
    return {**placement, "to": to, "decision": consent.decision, "link": where}


@email("consent_result")
def consent_result(consent_id: int, to: str) -> dict[str, Any] | None:
    """To the student and the careers leaders: the parent or carer gave or refused consent."""
    return _result_context(consent_id, to, ("given", "refused"))


@email("consent_expired")
def consent_expired(consent_id: int, to: str) -> dict[str, Any] | None:
    """To the student and the careers leaders: consent did not come in time, so the placement has ended."""
    return _result_context(consent_id, to, ("expired",))


@email("employer_to_confirm")
def employer_to_confirm(allocation_id: int) -> dict[str, Any] | None:
    """To the employer's people: a student is ready for them to confirm (first name, school and year only)."""
    placement = _placement(allocation_id)
    if placement is None:
        return None
    ready = (
        ("consented",) if placements.allocation_needs_consent(allocation_id) else ("accepted", "consented")
    )
    if placement["status"] not in ready:
        return None
    endpoint = "employers.placement" if "employers.placement" in current_app.view_functions else None
    return {
        "first_name": placement["first_name"],
        "year_group": placement["year_group"],
        "school": placement["school"],
        "employer": placement["employer"],
        "title": placement["title"],
        "start": placement["start"],
        "end": placement["end"],
        "link": link(endpoint, allocation_id=allocation_id) if endpoint else link("employers.opportunities"),
    }
