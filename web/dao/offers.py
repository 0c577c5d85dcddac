"""A student's offers and their answers: accepting takes a seat atomically, so no place is double-booked."""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from sqlalchemy import CursorResult, and_, case, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql.elements import ColumnElement

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


def answerable(today: date) -> ColumnElement[bool]:
    """An offer the student can still accept or decline: released to them, on a placement still published
    that has not begun. (Join Opportunity to use it.)"""
    return and_(
        Allocation.status == "offered", Opportunity.status == "published", Opportunity.start_date > today
    )


def count_answerable(student_id: int, today: date) -> int:
    """How many offers the student can act on now."""
    query = (
        select(func.count())
        .select_from(Allocation)
        .join(Opportunity, Allocation.opportunity_id == Opportunity.id)
        .where(Allocation.student_id == student_id, answerable(today))
    )
    return int(db.session.scalar(query) or 0)


def student_offers(student_id: int, today: date) -> list[tuple[Allocation, Opportunity, str, bool]]:
    """The student's offers, those they can answer first, each with its opportunity, employer name and
    whether they can answer it now."""
    can_answer = answerable(today)
    waiting_first = case((can_answer, 0), else_=1)
    rows = db.session.execute(
        select(Allocation, Opportunity, Employer.name, can_answer)
        .join(Opportunity, Allocation.opportunity_id == Opportunity.id)
        .join(Employer, Opportunity.employer_id == Employer.id)
        .where(Allocation.student_id == student_id, Allocation.status.in_(STUDENT_VISIBLE_STATUSES))
        .order_by(waiting_first, Opportunity.start_date, Allocation.id)
    )
    return [(allocation, opportunity, name, bool(open_)) for allocation, opportunity, name, open_ in rows]


def student_offer(
    student_id: int, allocation_id: int, today: date
) -> tuple[Allocation, Opportunity, str, bool] | None:
    """One of the student's offers with its opportunity, employer name and whether they can answer it now;
    None if not theirs to see."""
    row = db.session.execute(
        select(Allocation, Opportunity, Employer.name, answerable(today))
        .join(Opportunity, Allocation.opportunity_id == Opportunity.id)
        .join(Employer, Opportunity.employer_id == Employer.id)
        .where(
            Allocation.id == allocation_id,
            Allocation.student_id == student_id,
            Allocation.status.in_(STUDENT_VISIBLE_STATUSES),
        )
    ).first()
    return None if row is None else (row[0], row[1], row[2], bool(row[3]))


def _execute(statement: Any) -> CursorResult[Any]:
    # An UPDATE's result is a cursor result, whose rowcount says whether the condition held.
    return cast(CursorResult[Any], db.session.execute(statement))


def _answer(allocation_id: int, student_id: int, status: str, today: date) -> None:
    # Conditional on an answerable offer, so a second click, a second tab, a late expiry or a placement
    # closed meanwhile cannot be answered.
    open_placements = select(Opportunity.id).where(
        Opportunity.status == "published", Opportunity.start_date > today
    )
    result = _execute(
        update(Allocation)
        .where(
            Allocation.id == allocation_id,
            Allocation.student_id == student_id,
            Allocation.status == "offered",
            Allocation.opportunity_id.in_(open_placements),
        )
        .values(status=status, responded_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        answered = db.session.scalar(select(Allocation.status).where(Allocation.id == allocation_id))
        if answered == "offered":
            raise OfferError("This placement is no longer available")
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


def accept_offer(allocation_id: int, student_id: int, user_id: int | None, today: date) -> bool:
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
        _answer(allocation_id, student_id, "accepted", today)
    except IntegrityError as error:
        # The partial unique index: the student already has this place live from another round.
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


def decline_offer(allocation_id: int, student_id: int, user_id: int | None, today: date) -> None:
    """Decline an offer in the caller's transaction; raise OfferError if it cannot be answered."""
    _answer(allocation_id, student_id, "declined", today)
    audit(user_id, "offer_declined", "allocation", allocation_id)
