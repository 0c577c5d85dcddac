"""A student's offers and their answers: accepting takes a seat atomically, so no place is double-booked."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import CursorResult, case, select, update
from sqlalchemy.exc import IntegrityError

from web.dao.base import audit
from web.extensions import db
from web.models import Allocation, Employer, Opportunity
from web.models.base import ALLOCATION_STATUSES, utcnow

# What a student sees: the offer once a person has released it, and everything after as history.
# Proposed, approved and rejected allocations are the careers leader's business until they are offered.
STUDENT_VISIBLE_STATUSES = tuple(
    status for status in ALLOCATION_STATUSES if status not in ("proposed", "approved", "rejected")
)


class OfferError(Exception):
    """An answer to an offer that cannot be recorded; the message is for the student."""


def student_offers(student_id: int) -> list[tuple[Allocation, Opportunity, str]]:
    """The student's offers, those waiting for an answer first, with each opportunity and employer name."""
    waiting_first = case((Allocation.status == "offered", 0), else_=1)
    rows = db.session.execute(
        select(Allocation, Opportunity, Employer.name)
        .join(Opportunity, Allocation.opportunity_id == Opportunity.id)
        .join(Employer, Opportunity.employer_id == Employer.id)
        .where(Allocation.student_id == student_id, Allocation.status.in_(STUDENT_VISIBLE_STATUSES))
        .order_by(waiting_first, Opportunity.start_date, Allocation.id)
    )
    return [(allocation, opportunity, name) for allocation, opportunity, name in rows]


def student_offer(student_id: int, allocation_id: int) -> tuple[Allocation, Opportunity, str] | None:
    """One of the student's offers with its opportunity and employer name; None if not theirs to see."""
    row = db.session.execute(
        select(Allocation, Opportunity, Employer.name)
        .join(Opportunity, Allocation.opportunity_id == Opportunity.id)
        .join(Employer, Opportunity.employer_id == Employer.id)
        .where(
            Allocation.id == allocation_id,
            Allocation.student_id == student_id,
            Allocation.status.in_(STUDENT_VISIBLE_STATUSES),
        )
    ).first()
    return None if row is None else (row[0], row[1], row[2])


def _execute(statement: Any) -> CursorResult[Any]:
    # An UPDATE's result is a cursor result, whose rowcount says whether the condition held.
    return cast(CursorResult[Any], db.session.execute(statement))


def _answer(allocation_id: int, student_id: int, status: str) -> None:
    # Conditional on 'offered', so a second click, a second tab or a late expiry cannot answer twice.
    result = _execute(
        update(Allocation)
        .where(
            Allocation.id == allocation_id,
            Allocation.student_id == student_id,
            Allocation.status == "offered",
        )
        .values(status=status, responded_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise OfferError("You have already responded to this offer")


def take_seat(opportunity_id: int) -> bool:
    """Take one place on the opportunity if one is left; the database decides, so two takers never share."""
    result = _execute(
        update(Opportunity)
        .where(Opportunity.id == opportunity_id, Opportunity.places_taken < Opportunity.capacity)
        .values(places_taken=Opportunity.places_taken + 1)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def accept_offer(allocation_id: int, student_id: int, user_id: int | None) -> bool:
    """Accept an offer in the caller's transaction: True if a seat was taken, False if the placement was
    full (the offer is then expired). Raise OfferError if it cannot be answered."""
    opportunity_id = db.session.scalar(
        select(Allocation.opportunity_id).where(
            Allocation.id == allocation_id, Allocation.student_id == student_id
        )
    )
    if opportunity_id is None:
        raise OfferError("This offer is not yours to answer")
    try:
        _answer(allocation_id, student_id, "accepted")
    except IntegrityError as error:
        # The partial unique index: the student already holds a place on this opportunity from another round.
        raise OfferError("You have already accepted a place on this opportunity") from error
    if not take_seat(opportunity_id):
        db.session.execute(
            update(Allocation)
            .where(Allocation.id == allocation_id)
            .values(status="expired")
            .execution_options(synchronize_session=False)
        )
        audit(user_id, "offer_expired_full", "allocation", allocation_id, opportunity_id=opportunity_id)
        return False
    audit(user_id, "offer_accepted", "allocation", allocation_id, opportunity_id=opportunity_id)
    return True


def decline_offer(allocation_id: int, student_id: int, user_id: int | None) -> None:
    """Decline an offer in the caller's transaction; raise OfferError if it cannot be answered."""
    _answer(allocation_id, student_id, "declined")
    audit(user_id, "offer_declined", "allocation", allocation_id)
