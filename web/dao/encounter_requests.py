"""Encounter requests: a school posts what it needs, the organisations whose offers fit it answer, and the
careers leader accepts one answer or cancels the request. Each step is audited, and told once to whom it
concerns.

Which offers fit which requests is one query (the rules as SQL conditions) and one distance calculation in
Python for the rows it returns, whichever page asks: a request's, an organisation's or the hub's.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
from sqlalchemy import cast, func, literal, or_, select, update
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.sql.elements import ColumnElement

from web.dao.base import audit
from web.dao.users import reachable_leaders
from web.dao.vetting import employer_users, evidence_current
from web.emails import notify
from web.extensions import db
from web.models import AuditEvent, Employer, EncounterOffer, EncounterRequest, EncounterResponse, School
from web.models.base import utcnow
from web.models.encounter_matches import ACTIVE, EncounterMatch
from web.postcodes import postcode_index

# For a talk or an assembly, a smaller audience than the speaker's smallest group is no reason to say no.
TALKS = ("careers_talk", "online_talk", "technical_talk")
# Open first, then booked, then cancelled: what still needs the careers leader comes first.
_STATUS_ORDER = {"open": 0, "booked": 1, "cancelled": 2}


class RequestError(Exception):
    """An answer, acceptance or cancellation that cannot be made (the request or answer moved on); the
    message is for the person who tried."""


@dataclass(frozen=True, slots=True)
class Fit:
    """An offer that fits a request, and how far the school is from the organisation (km; None online)."""

    request_id: int
    offer_id: int
    employer_id: int
    km: float | None


def _years_within() -> ColumnElement[bool]:
    """Whether the offer takes every year group of the request (both JSON lists), in the database."""
    if db.session.get_bind().dialect.name == "postgresql":
        return cast(EncounterOffer.year_groups, JSONB).contains(cast(EncounterRequest.year_groups, JSONB))
    wanted = func.json_each(EncounterRequest.year_groups).table_valued("value").alias("wanted")
    taken = func.json_each(EncounterOffer.year_groups).table_valued("value").alias("taken")
    missing = select(literal(1)).select_from(wanted).where(wanted.c.value.not_in(select(taken.c.value)))
    return ~missing.exists()


def fit_conditions(today: date) -> list[ColumnElement[bool]]:
    """The rules an offer meets to fit a request, but for the distance (fits() measures it), on a query
    joining the request, its school, the school's hub's organisations and their offers."""
    return [
        EncounterOffer.status == "offered",
        evidence_current(today),
        # One-to-one mentoring only once the hub has recorded the mentor's enhanced DBS check.
        or_(EncounterOffer.format != "mentoring_programme", EncounterOffer.dbs_issued_on.is_not(None)),
        EncounterOffer.format == EncounterRequest.format,
        or_(EncounterRequest.route.is_(None), EncounterOffer.route == EncounterRequest.route),
        or_(
            EncounterRequest.pathway == "both",
            EncounterOffer.pathway == "both",
            EncounterOffer.pathway == EncounterRequest.pathway,
        ),
        EncounterOffer.location == EncounterRequest.location,
        _years_within(),
        EncounterOffer.group_max >= EncounterRequest.audience,
        or_(EncounterRequest.format.in_(TALKS), EncounterOffer.group_min <= EncounterRequest.audience),
        EncounterOffer.available_from <= EncounterRequest.wanted_until,
        EncounterOffer.available_until >= EncounterRequest.wanted_from,
    ]


def _km(ours: list[str], theirs: list[str]) -> Any:
    """The straight-line distance in km between each pair of postcodes, as the engine measures it (NaN
    where either has no grid reference)."""
    index = postcode_index()
    a, found_a = index.locate(ours)
    b, found_b = index.locate(theirs)
    km = np.sqrt(((a - b) ** 2).sum(axis=1)) / 1000.0
    km[~(found_a & found_b)] = np.nan
    return km


def fits(today: date, *conditions: ColumnElement[bool]) -> list[Fit]:
    """Every (request, offer) pair that fits and meets the extra conditions, by request and offer: the
    rules in the database, then the distance for those not online (within the offer's travel km of the
    organisation's postcode; a postcode without a grid reference is never near)."""
    query = (
        select(
            EncounterRequest.id.label("request_id"),
            EncounterOffer.id.label("offer_id"),
            Employer.id.label("employer_id"),
            EncounterOffer.location,
            EncounterOffer.travel_km,
            School.postcode.label("school_postcode"),
            Employer.postcode.label("employer_postcode"),
        )
        .select_from(EncounterRequest)
        .join(School, School.id == EncounterRequest.school_id)
        .join(Employer, Employer.hub_id == School.hub_id)
        .join(EncounterOffer, EncounterOffer.employer_id == Employer.id)
        .where(*fit_conditions(today), *conditions)
        .order_by(EncounterRequest.id, EncounterOffer.id)
    )
    rows = db.session.execute(query).all()
    travelled = [row for row in rows if row.location != "online"]
    km = iter(
        _km([row.school_postcode for row in travelled], [row.employer_postcode for row in travelled]).tolist()
        if travelled
        else []
    )
    found = []
    for row in rows:
        distance = None if row.location == "online" else next(km)
        if distance is None or distance <= row.travel_km:  # NaN is never <=
            found.append(Fit(row.request_id, row.offer_id, row.employer_id, distance))
    return found


# What a careers leader sees.


def get_request(request_id: int) -> EncounterRequest | None:
    """The encounter request with this id, or None."""
    return db.session.get(EncounterRequest, request_id)


def get_response(response_id: int) -> EncounterResponse | None:
    """The answer with this id, or None."""
    return db.session.get(EncounterResponse, response_id)


def school_requests(school_id: int) -> list[tuple[EncounterRequest, int]]:
    """The school's requests, each with how many organisations' answers wait on it: open first, then
    booked, then cancelled; soonest first within."""
    waiting = (
        select(func.count())
        .where(EncounterResponse.request_id == EncounterRequest.id, EncounterResponse.status == "offered")
        .scalar_subquery()
    )
    found = db.session.execute(
        select(EncounterRequest, waiting)
        .where(EncounterRequest.school_id == school_id)
        .order_by(EncounterRequest.wanted_from, EncounterRequest.id)
    ).all()
    return sorted(((request, int(n)) for request, n in found), key=lambda pair: _STATUS_ORDER[pair[0].status])


def responses_to(request_id: int) -> list[tuple[EncounterResponse, EncounterOffer, Employer]]:
    """Every answer to the request with its offer and organisation, in the order they came."""
    query = (
        select(EncounterResponse, EncounterOffer, Employer)
        .join(EncounterOffer, EncounterOffer.id == EncounterResponse.offer_id)
        .join(Employer, Employer.id == EncounterResponse.employer_id)
        .where(EncounterResponse.request_id == request_id)
        .order_by(EncounterResponse.created_at, EncounterResponse.id)
    )
    return [(response, offer, employer) for response, offer, employer in db.session.execute(query)]


def fitting_count(request_id: int, today: date) -> int:
    """How many offers fit the request."""
    return len(fits(today, EncounterRequest.id == request_id))


# What an organisation sees: requests, never pupils.


def school_name(school_id: int) -> str:
    """The name of the school with this id."""
    return str(db.session.scalar(select(School.name).where(School.id == school_id)) or "")


@dataclass(frozen=True)
class Fitting:
    """An open request that fits some of an organisation's offers, with its school's name."""

    request: EncounterRequest
    school: str
    offer_ids: list[int]
    km: float | None


def requests_for(employer_id: int, today: date) -> list[Fitting]:
    """The open requests of the organisation's hub whose dates are not over and that fit at least one of
    its offers, soonest first."""
    found = fits(
        today,
        Employer.id == employer_id,
        EncounterRequest.status == "open",
        EncounterRequest.wanted_until >= today,
    )
    offers: dict[int, list[int]] = defaultdict(list)
    km: dict[int, float | None] = {}
    for fit in found:
        offers[fit.request_id].append(fit.offer_id)
        km[fit.request_id] = fit.km
    if not offers:
        return []
    query = (
        select(EncounterRequest, School.name)
        .join(School, School.id == EncounterRequest.school_id)
        .where(EncounterRequest.id.in_(offers))
        .order_by(EncounterRequest.wanted_from, EncounterRequest.id)
    )
    return [
        Fitting(request, name, offers[request.id], km[request.id])
        for request, name in db.session.execute(query)
    ]


def fitting_offers(request_id: int, employer_id: int, today: date) -> list[EncounterOffer]:
    """The organisation's offers that fit this open request, its dates not over; empty if none do."""
    found = fits(
        today,
        EncounterRequest.id == request_id,
        Employer.id == employer_id,
        EncounterRequest.status == "open",
        EncounterRequest.wanted_until >= today,
    )
    if not found:
        return []
    ids = [fit.offer_id for fit in found]
    return list(
        db.session.scalars(
            select(EncounterOffer).where(EncounterOffer.id.in_(ids)).order_by(EncounterOffer.id)
        )
    )


def answers_of(employer_id: int) -> list[tuple[EncounterResponse, EncounterRequest, EncounterOffer, str]]:
    """The organisation's answers, newest first, with each request, the offer and the school's name."""
    query = (
        select(EncounterResponse, EncounterRequest, EncounterOffer, School.name)
        .join(EncounterRequest, EncounterRequest.id == EncounterResponse.request_id)
        .join(EncounterOffer, EncounterOffer.id == EncounterResponse.offer_id)
        .join(School, School.id == EncounterRequest.school_id)
        .where(EncounterResponse.employer_id == employer_id)
        .order_by(EncounterResponse.updated_at.desc(), EncounterResponse.id.desc())
    )
    return [tuple(row) for row in db.session.execute(query)]  # type: ignore[misc]


# What the hub sees.


def hub_open_count(hub_id: int) -> int:
    """How many of the hub's schools' requests are open."""
    query = (
        select(func.count())
        .select_from(EncounterRequest)
        .join(School, School.id == EncounterRequest.school_id)
        .where(School.hub_id == hub_id, EncounterRequest.status == "open")
    )
    return int(db.session.scalar(query) or 0)


@dataclass(frozen=True)
class HubRow:
    """One open request on the hub's list, with how many offers fit it and how many answers wait."""

    request: EncounterRequest
    school: str
    fitting: int
    answered: int


def hub_open_page(hub_id: int, today: date, page: int = 1, per_page: int = 50) -> list[HubRow]:
    """A page of the hub's open requests, soonest first, each with its counts."""
    query = (
        select(EncounterRequest, School.name)
        .join(School, School.id == EncounterRequest.school_id)
        .where(School.hub_id == hub_id, EncounterRequest.status == "open")
        .order_by(EncounterRequest.wanted_from, EncounterRequest.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    listed = db.session.execute(query).all()
    ids = [request.id for request, _ in listed]
    if not ids:
        return []
    fitting: dict[int, int] = defaultdict(int)
    for fit in fits(today, EncounterRequest.id.in_(ids)):
        fitting[fit.request_id] += 1
    answered = dict(
        db.session.execute(
            select(EncounterResponse.request_id, func.count())
            .where(EncounterResponse.request_id.in_(ids), EncounterResponse.status == "offered")
            .group_by(EncounterResponse.request_id)
        ).all()
    )
    return [
        HubRow(request, name, fitting[request.id], int(answered.get(request.id, 0)))
        for request, name in listed
    ]


# What each of them does.


def _event(user_id: int | None, action: str, record_type: str, record_id: int, **detail: Any) -> int:
    """Audit an action and give the event's id: a message about it is keyed by the id, so each answer is
    told once and an answer given again after a withdrawal is told again."""
    event = AuditEvent(
        user_id=user_id, action=action, record_type=record_type, record_id=record_id, detail=detail
    )
    db.session.add(event)
    db.session.flush()
    return event.id


def post_request(school_id: int, user_id: int, **fields: Any) -> EncounterRequest:
    """Add an open request for the school (the caller's transaction commits it)."""
    request = EncounterRequest(school_id=school_id, created_by_id=user_id, status="open", **fields)
    db.session.add(request)
    db.session.flush()
    audit(user_id, "encounter_request_posted", "encounter_request", request.id)
    return request


def _hold_open(request_id: int, *conditions: ColumnElement[bool]) -> bool:
    """Touch the open request's row, taking its lock until the transaction ends, so an answer, an
    acceptance and a cancellation of the same request happen one after another; False if not open."""
    result = db.session.execute(
        update(EncounterRequest)
        .where(EncounterRequest.id == request_id, EncounterRequest.status == "open", *conditions)
        .values(updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1  # type: ignore[attr-defined]


def answer(
    request_id: int, offer_id: int, employer_id: int, user_id: int, message: str, today: date
) -> EncounterResponse:
    """Answer an open request with one of the organisation's offers that fits it; the school's careers
    leaders are told. RequestError if the request is not open, the offer does not fit, or it was given."""
    if not _hold_open(request_id):
        raise RequestError("This request is no longer open")
    if offer_id not in {offer.id for offer in fitting_offers(request_id, employer_id, today)}:
        raise RequestError("Select one of your offers that fits this request")
    response = db.session.scalar(
        select(EncounterResponse).where(
            EncounterResponse.request_id == request_id, EncounterResponse.offer_id == offer_id
        )
    )
    if response is None:
        response = EncounterResponse(request_id=request_id, offer_id=offer_id, employer_id=employer_id)
        db.session.add(response)
    elif response.status != "withdrawn":
        raise RequestError("You have already answered this request with this offer")
    response.status, response.message, response.responded_by_id = "offered", message, user_id
    db.session.flush()
    event_id = _event(
        user_id, "encounter_request_answered", "encounter_response", response.id, request_id=request_id
    )
    school_id = db.session.scalar(select(EncounterRequest.school_id).where(EncounterRequest.id == request_id))
    for leader in reachable_leaders(int(school_id)):
        notify(
            f"encounter-answered:{event_id}:{leader.id}",
            "encounter_answered",
            leader.email,
            response_id=response.id,
        )
    return response


def withdraw_answer(response_id: int, employer_id: int, user_id: int) -> bool:
    """Withdraw the organisation's answer while its request is open; False if it cannot be."""
    response = db.session.get(EncounterResponse, response_id)
    if response is None or response.employer_id != employer_id or not _hold_open(response.request_id):
        return False
    result = db.session.execute(
        update(EncounterResponse)
        .where(EncounterResponse.id == response_id, EncounterResponse.status == "offered")
        .values(status="withdrawn", updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return False
    audit(user_id, "encounter_answer_withdrawn", "encounter_response", response_id)
    return True


def accept(request_id: int, response_id: int, school_id: int, user_id: int) -> None:
    """Book the request with this answer: the other answers are declined, and each organisation that
    answered is told once. RequestError if the request is no longer open or the answer was withdrawn (in
    the caller's transaction, which then rolls back)."""
    booked = db.session.execute(
        update(EncounterRequest)
        .where(
            EncounterRequest.id == request_id,
            EncounterRequest.school_id == school_id,
            EncounterRequest.status == "open",
        )
        .values(status="booked", updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if booked.rowcount != 1:  # type: ignore[attr-defined]
        raise RequestError("This request is already booked or cancelled")
    accepted = _set_responses("accepted", EncounterResponse.id == response_id)
    if not accepted:
        raise RequestError("This answer has been withdrawn, so it cannot be accepted")
    declined = _set_responses("declined", EncounterResponse.request_id == request_id)
    _close_matches(request_id)
    audit(user_id, "encounter_request_accepted", "encounter_request", request_id, response_id=response_id)
    outcomes = {employer_id: "declined" for employer_id in declined}
    outcomes.update(dict.fromkeys(accepted, "accepted"))
    _tell(request_id, outcomes, user_id)


def cancel(request_id: int, school_id: int, user_id: int) -> None:
    """Cancel an open or booked request; the organisations that answered (or were accepted) are told.
    RequestError if it is already cancelled."""
    result = db.session.execute(
        update(EncounterRequest)
        .where(
            EncounterRequest.id == request_id,
            EncounterRequest.school_id == school_id,
            EncounterRequest.status.in_(("open", "booked")),
        )
        .values(status="cancelled", updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise RequestError("This request is already cancelled")
    accepted = db.session.scalars(
        select(EncounterResponse.employer_id).where(
            EncounterResponse.request_id == request_id, EncounterResponse.status == "accepted"
        )
    ).all()
    declined = _set_responses("declined", EncounterResponse.request_id == request_id)
    _close_matches(request_id)
    audit(user_id, "encounter_request_cancelled", "encounter_request", request_id)
    _tell(request_id, dict.fromkeys({*accepted, *declined}, "cancelled"), user_id)


def _close_matches(request_id: int) -> None:
    """The request was booked or cancelled: the hub's proposals for it still waiting are closed, and count
    no more against their offers' terms."""
    db.session.execute(
        update(EncounterMatch)
        .where(EncounterMatch.request_id == request_id, EncounterMatch.status.in_(ACTIVE))
        .values(status="closed", updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )


def _set_responses(status: str, *conditions: ColumnElement[bool]) -> list[int]:
    """Move the offered answers meeting the conditions to `status`; the organisations they were from."""
    changed = db.session.execute(
        update(EncounterResponse)
        .where(EncounterResponse.status == "offered", *conditions)
        .values(status=status, updated_at=utcnow())
        .returning(EncounterResponse.employer_id)
        .execution_options(synchronize_session=False)
    )
    return sorted(set(changed.scalars()))


def _tell(request_id: int, outcomes: dict[int, str], leader_id: int) -> None:
    """Email each organisation's users what became of the request: accepted, declined or cancelled."""
    for employer_id, outcome in sorted(outcomes.items()):
        for user in employer_users(employer_id):
            notify(
                f"encounter-request:{request_id}:{outcome}:{employer_id}:{user.id}",
                "encounter_request_closed",
                user.email,
                request_id=request_id,
                employer_id=employer_id,
                outcome=outcome,
                leader_id=leader_id,
            )
