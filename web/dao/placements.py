"""The placement after a yes: moving an allocation on, and giving back its seat when something undoes it.

Every change here is a conditional UPDATE on the status it expects, so a task delivered twice, a second tab
or two people acting at once change nothing twice: the caller learns from the result whether it was theirs.
"""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from sqlalchemy import CursorResult, extract, select, update
from sqlalchemy.sql.elements import ColumnElement

from web.dao.base import audit
from web.dates import age_on
from web.extensions import db
from web.models import Allocation, Opportunity, Student
from web.models.base import HOLDING_STATUSES, UNDONE_STATUSES, utcnow

ADULT_AGE = 18


def needs_consent(date_of_birth: date, start_date: date) -> bool:
    """A parent or carer consents for a student under 18 on the placement's first day."""
    return age_on(date_of_birth, start_date) < ADULT_AGE


def under_age() -> ColumnElement[bool]:
    """needs_consent() as SQL, for a query that joins Student and Opportunity: under 18 on the first day. An
    age in whole years is the two dates written as numbers (yyyymmdd) taken apart, in ten thousands."""

    def as_number(day: Any) -> Any:
        return extract("year", day) * 10000 + extract("month", day) * 100 + extract("day", day)

    return as_number(Opportunity.start_date) - as_number(Student.date_of_birth) < ADULT_AGE * 10000


def allocation_needs_consent(allocation_id: int) -> bool:
    """Whether this allocation's student is under 18 on its placement's first day."""
    row = db.session.execute(
        select(Student.date_of_birth, Opportunity.start_date)
        .select_from(Allocation)
        .join(Student, Allocation.student_id == Student.id)
        .join(Opportunity, Allocation.opportunity_id == Opportunity.id)
        .where(Allocation.id == allocation_id)
    ).one()
    return needs_consent(row.date_of_birth, row.start_date)


def ready_to_confirm(allocation_id: int) -> bool:
    """Whether the employer can confirm now: the parent has consented, or the student needs no consent."""
    status = db.session.scalar(select(Allocation.status).where(Allocation.id == allocation_id))
    return status == "consented" or (status == "accepted" and not allocation_needs_consent(allocation_id))


def move(
    allocation_id: int, to: str, expected: tuple[str, ...], before_start: date | None = None, **values: Any
) -> bool:
    """Move the allocation to status `to` if it is in one of `expected` (and, with `before_start`, its
    placement starts after that day); False if it was not (someone or something moved it first)."""
    conditions = [Allocation.id == allocation_id, Allocation.status.in_(expected)]
    if before_start is not None:
        later = select(Opportunity.id).where(Opportunity.start_date > before_start)
        conditions.append(Allocation.opportunity_id.in_(later))
    result = db.session.execute(
        update(Allocation)
        .where(*conditions)
        .values(status=to, **values)
        .execution_options(synchronize_session=False)
    )
    return bool(cast(CursorResult[Any], result).rowcount)


def undo(
    allocation_id: int,
    to: str,
    expected: tuple[str, ...],
    user_id: int | None,
    reason: str = "",
    before_start: date | None = None,
) -> bool:
    """End a placement the student had said yes to (withdrawn, declined by the employer, cancelled, consent
    refused or run out) and give its seat back, once; False if it was not in one of `expected` (or, with
    `before_start`, had started by that day). A placement the student found themselves closes with it."""
    if to not in UNDONE_STATUSES or not set(expected) <= set(HOLDING_STATUSES):
        raise ValueError(f"Cannot undo a placement from {expected} to {to}")
    if not move(allocation_id, to, expected, before_start, ended_reason=reason, ended_at=utcnow()):
        return False
    opportunity_id = db.session.scalar(
        select(Allocation.opportunity_id).where(Allocation.id == allocation_id)
    )
    db.session.execute(
        update(Opportunity)
        .where(Opportunity.id == opportunity_id, Opportunity.places_taken > 0)
        .values(places_taken=Opportunity.places_taken - 1)
        .execution_options(synchronize_session=False)
    )
    # Nobody else can take a place a student found themselves: it closes, off the employer's open list.
    db.session.execute(
        update(Opportunity)
        .where(Opportunity.id == opportunity_id, Opportunity.self_found.is_(True))
        .values(status="closed")
        .execution_options(synchronize_session=False)
    )
    audit(user_id, f"placement_{to}", "allocation", allocation_id, opportunity_id=opportunity_id)
    return True
