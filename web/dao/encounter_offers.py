"""Encounter offers: an organisation's own list, saving, publishing and withdrawing them; the hub's list, and
the mentors' DBS checks it records."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import case, exists, func, select, update
from sqlalchemy.sql.elements import ColumnElement

from web.dao.base import audit
from web.dao.vetting import evidence_current
from web.extensions import db
from web.models import Employer, EncounterOffer

EDITABLE_STATUSES = ("draft", "offered")


def get_offer(offer_id: int) -> EncounterOffer | None:
    """The encounter offer with this id, or None."""
    return db.session.get(EncounterOffer, offer_id)


def offers_for_employer(employer_id: int) -> list[EncounterOffer]:
    """An organisation's encounter offers: offered and drafts first, withdrawn last, newest first within."""
    withdrawn_last = case((EncounterOffer.status == "withdrawn", 1), else_=0)
    return list(
        db.session.scalars(
            select(EncounterOffer)
            .where(EncounterOffer.employer_id == employer_id)
            .order_by(withdrawn_last, EncounterOffer.created_at.desc(), EncounterOffer.id.desc())
        )
    )


def create_offer(employer_id: int, **fields: Any) -> EncounterOffer:
    """Add a draft encounter offer to the session (the caller's transaction commits it)."""
    offer = EncounterOffer(employer_id=employer_id, status="draft", **fields)
    db.session.add(offer)
    db.session.flush()  # the id, for the audit trail
    return offer


def update_offer(offer_id: int, **fields: Any) -> bool:
    """Save changes if the offer is not withdrawn; one conditional UPDATE, so a withdrawal made meanwhile
    is never undone. False means nothing was saved."""
    result = db.session.execute(
        update(EncounterOffer)
        .where(EncounterOffer.id == offer_id, EncounterOffer.status.in_(EDITABLE_STATUSES))
        .values(**fields)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1  # type: ignore[attr-defined]


def publish_offer(offer_id: int, today: date) -> bool:
    """Offer a draft to the hub if its organisation is approved with current safeguarding evidence (the
    rule opportunities follow: web/dao/vetting.py); False if not."""
    vetted = exists().where(Employer.id == EncounterOffer.employer_id, evidence_current(today))
    result = db.session.execute(
        update(EncounterOffer)
        .where(EncounterOffer.id == offer_id, EncounterOffer.status == "draft", vetted)
        .values(status="offered")
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1  # type: ignore[attr-defined]


def withdraw_offer(offer_id: int) -> bool:
    """Withdraw an offer; False if it was already withdrawn."""
    result = db.session.execute(
        update(EncounterOffer)
        .where(EncounterOffer.id == offer_id, EncounterOffer.status.in_(EDITABLE_STATUSES))
        .values(status="withdrawn")
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1  # type: ignore[attr-defined]


def _hub_conditions(
    hub_id: int, format: str | None, route: str | None, kind: str | None
) -> list[ColumnElement[bool]]:
    conditions = [Employer.hub_id == hub_id]
    if format is not None:
        conditions.append(EncounterOffer.format == format)
    if route is not None:
        conditions.append(EncounterOffer.route == route)
    if kind is not None:
        conditions.append(Employer.kind == kind)
    return conditions


def hub_offer_count(
    hub_id: int, format: str | None = None, route: str | None = None, kind: str | None = None
) -> int:
    """How many of the hub's encounter offers match the filters (None: any)."""
    query = (
        select(func.count())
        .select_from(EncounterOffer)
        .join(Employer, Employer.id == EncounterOffer.employer_id)
        .where(*_hub_conditions(hub_id, format, route, kind))
    )
    return int(db.session.scalar(query) or 0)


def hub_offers_page(
    hub_id: int,
    format: str | None = None,
    route: str | None = None,
    kind: str | None = None,
    page: int = 1,
    per_page: int = 50,
) -> list[tuple[EncounterOffer, Employer]]:
    """A page of the hub's encounter offers matching the filters, with their organisations: offered first,
    then drafts, then withdrawn; by organisation name within."""
    order = case((EncounterOffer.status == "offered", 0), (EncounterOffer.status == "draft", 1), else_=2)
    query = (
        select(EncounterOffer, Employer)
        .join(Employer, Employer.id == EncounterOffer.employer_id)
        .where(*_hub_conditions(hub_id, format, route, kind))
        .order_by(order, Employer.name, Employer.id, EncounterOffer.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    return [(offer, employer) for offer, employer in db.session.execute(query)]


def hub_mentoring_offer(offer_id: int, hub_id: int) -> tuple[EncounterOffer, Employer] | None:
    """The hub's mentoring programme offer with this id and its organisation, or None."""
    found = db.session.execute(
        select(EncounterOffer, Employer)
        .join(Employer, Employer.id == EncounterOffer.employer_id)
        .where(
            EncounterOffer.id == offer_id,
            EncounterOffer.format == "mentoring_programme",
            Employer.hub_id == hub_id,
        )
    ).first()
    return (found[0], found[1]) if found else None


def record_dbs_check(offer: EncounterOffer, user_id: int, mentor: str, issued_on: date, today: date) -> None:
    """Record that this hub user saw the mentor's enhanced DBS certificate today: from then on schools'
    requests for mentoring can fit the offer."""
    offer.dbs_mentor, offer.dbs_issued_on = mentor, issued_on
    offer.dbs_seen_by_id, offer.dbs_seen_on = user_id, today
    audit(user_id, "mentor_dbs_recorded", "encounter_offer", offer.id)
