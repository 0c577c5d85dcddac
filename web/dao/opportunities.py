"""Employers' opportunities: listing, saving, publishing and closing them."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import exists, select, update

from web.dao.vetting import evidence_current
from web.extensions import db
from web.models import Employer, Opportunity

EDITABLE_STATUSES = ("draft", "published")
PUBLISHABLE_STATUSES = ("draft", "submitted")
CLOSABLE_STATUSES = ("draft", "submitted", "published")


def get_opportunity(opportunity_id: int) -> Opportunity | None:
    """The opportunity with this id, or None."""
    return db.session.get(Opportunity, opportunity_id)


def get_employer(employer_id: int) -> Employer | None:
    """The employer with this id, or None."""
    return db.session.get(Employer, employer_id)


def list_opportunities_for_employer(employer_id: int) -> list[Opportunity]:
    """An employer's opportunities, soonest first."""
    return list(
        db.session.scalars(
            select(Opportunity)
            .where(Opportunity.employer_id == employer_id)
            .order_by(Opportunity.start_date, Opportunity.id)
        )
    )


def create_opportunity(employer_id: int, **fields: Any) -> Opportunity:
    """Add a draft opportunity to the session (the caller's transaction commits it)."""
    opportunity = Opportunity(employer_id=employer_id, status="draft", places_taken=0, **fields)
    db.session.add(opportunity)
    db.session.flush()  # the id, for the audit trail
    return opportunity


def update_opportunity(opportunity_id: int, **fields: Any) -> bool:
    """Save changes if the opportunity is still editable and its capacity still covers the places taken.

    One conditional UPDATE, so an offer accepted, a publish or a close made meanwhile is never overwritten
    (no places is only for a draft): False means nothing was saved.
    """
    conditions = [Opportunity.id == opportunity_id, Opportunity.status.in_(EDITABLE_STATUSES)]
    if "capacity" in fields:
        conditions.append(Opportunity.places_taken <= fields["capacity"])
        if fields["capacity"] < 1:
            conditions.append(Opportunity.status == "draft")
    result = db.session.execute(
        update(Opportunity).where(*conditions).values(**fields).execution_options(synchronize_session=False)
    )
    return result.rowcount == 1  # type: ignore[attr-defined]


def publish_opportunity(opportunity_id: int, today: date | None = None) -> bool:
    """Publish a draft (or submitted) opportunity with places if its employer is approved with current
    safeguarding evidence (web/dao/vetting.py); False if not."""
    evidence = evidence_current(today or date.today())
    employer_approved = exists().where(Employer.id == Opportunity.employer_id, evidence)
    result = db.session.execute(
        update(Opportunity)
        .where(
            Opportunity.id == opportunity_id,
            Opportunity.status.in_(PUBLISHABLE_STATUSES),
            Opportunity.capacity > 0,
            employer_approved,
        )
        .values(status="published")
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1  # type: ignore[attr-defined]


def close_opportunity(opportunity_id: int) -> bool:
    """Close an opportunity to new students; False if it was already closed."""
    result = db.session.execute(
        update(Opportunity)
        .where(Opportunity.id == opportunity_id, Opportunity.status.in_(CLOSABLE_STATUSES))
        .values(status="closed")
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1  # type: ignore[attr-defined]
