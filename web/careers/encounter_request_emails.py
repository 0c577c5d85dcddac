"""What the emails about a school's encounter requests say: to its careers leaders when an organisation
answers, to the organisations that answered when the request is booked or cancelled, and to one the hub
asks to take a request."""

from __future__ import annotations

from typing import Any

from web.dates import long_date
from web.emails import email, link
from web.extensions import db
from web.models import (
    Employer,
    EncounterMatch,
    EncounterOffer,
    EncounterRequest,
    EncounterResponse,
    School,
    User,
)

# The request's status each message to an organisation is true of.
_CLOSED_AS = {"accepted": "booked", "declined": "booked", "cancelled": "cancelled"}


def _request(request: EncounterRequest) -> dict[str, Any]:
    school = db.session.get(School, request.school_id)
    return {
        "school": school.name if school else "",
        "format": request.format_label,
        "years": request.years_label,
        "audience": request.audience,
        "dates": f"{long_date(request.wanted_from)} to {long_date(request.wanted_until)}",
        "note": request.note,
    }


@email("encounter_answered")
def encounter_answered(response_id: int) -> dict[str, Any] | None:
    """To a careers leader: an organisation can give the encounter the school asked for."""
    response = db.session.get(EncounterResponse, response_id)
    request = db.session.get(EncounterRequest, response.request_id) if response else None
    # Withdrawn, or the request booked or cancelled, since it was queued: there is nothing to choose.
    if response is None or request is None or response.status != "offered" or request.status != "open":
        return None
    offer = db.session.get(EncounterOffer, response.offer_id)
    employer = db.session.get(Employer, response.employer_id)
    return {
        **_request(request),
        "organisation": employer.name,
        "offer": f"{offer.format_label}, {offer.where_label}",
        "message": response.message,
        "link": link("careers.encounter_request", encounter_request_id=request.id),
    }


@email("encounter_request_closed")
def encounter_request_closed(
    request_id: int, employer_id: int, outcome: str, leader_id: int | None = None
) -> dict[str, Any] | None:
    """To an organisation's users: the school accepted their answer, chose another, or cancelled."""
    request = db.session.get(EncounterRequest, request_id)
    if request is None or request.status != _CLOSED_AS.get(outcome):
        return None
    leader = db.session.get(User, leader_id) if leader_id else None
    return {
        **_request(request),
        "outcome": outcome,
        "contact": (leader.name if leader else "") or "the careers leader",
        "contact_email": leader.email if leader else "",
        "link": link("employers.encounter_requests"),
    }


@email("encounter_match_asked")
def encounter_match_asked(match_id: int) -> dict[str, Any] | None:
    """To an organisation's users: the careers hub asks them to give a school the encounter it asked for."""
    match = db.session.get(EncounterMatch, match_id)
    request = db.session.get(EncounterRequest, match.request_id) if match else None
    # Declined, or the request booked or cancelled, since it was queued: there is nothing to confirm.
    if match is None or request is None or match.status != "asked" or request.status != "open":
        return None
    offer = db.session.get(EncounterOffer, match.offer_id)
    return {
        **_request(request),
        "offer": f"{offer.format_label}, {offer.where_label}",
        "reason": match.reason,
        "link": link("employers.encounter_requests"),
    }
