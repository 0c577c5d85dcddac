"""The hub brokers encounter requests: the engine proposes which organisation's offer answers which school's
open request, a hub admin approves each proposal, and the organisation confirms it (which answers the
school, whose careers leader accepts it as any answer) or declines it.

The engine is the placements' (matcher.allocate): a request is a student, an offer in a term is a
placement whose seats are what its organisation said it would do that term, less what it already does.
Among the offers that fit (web/dao/encounter_requests.fits: format, route, pathway, year groups, group size,
dates, distance) it answers as many requests as it can, then the nearest.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
from sqlalchemy import Select, delete, exists, select, update

from matcher import Instance, allocate
from matcher.instance import NO_CAP
from web.dao.base import audit
from web.dao.encounter_requests import Fit, answer, fits
from web.dao.vetting import employer_users
from web.emails import notify
from web.extensions import db
from web.models import Employer, EncounterOffer, EncounterRequest, EncounterResponse, School
from web.models.base import utcnow
from web.models.encounter_matches import ACTIVE, EncounterMatch

CONFIRMED_MESSAGE = "Proposed by the careers hub, and confirmed by us."


def term_of(day: date) -> str:
    """The school term a day falls in, in words: autumn (September to December), spring (January to
    March) or summer (April to August), with the school year ("spring term 2026 to 2027")."""
    start = day.year if day.month >= 9 else day.year - 1
    season = "autumn" if day.month >= 9 else "spring" if day.month <= 3 else "summer"
    return f"{season} term {start} to {start + 1}"


def _in_hub(hub_id: int) -> object:
    return (
        select(EncounterRequest.id)
        .join(School, School.id == EncounterRequest.school_id)
        .where(School.hub_id == hub_id)
    )


def propose(hub_id: int, user_id: int, today: date) -> int:
    """Replace the hub's proposals not yet approved with the engine's, for every open request of its
    schools that no organisation has answered and none is asked about; how many it proposed."""
    db.session.execute(
        delete(EncounterMatch)
        .where(EncounterMatch.status == "proposed", EncounterMatch.request_id.in_(_in_hub(hub_id)))
        .execution_options(synchronize_session=False)
    )
    answered = exists().where(
        EncounterResponse.request_id == EncounterRequest.id,
        EncounterResponse.status.in_(("offered", "accepted")),
    )
    pending = exists().where(
        EncounterMatch.request_id == EncounterRequest.id, EncounterMatch.status.in_(ACTIVE)
    )
    found = fits(
        today,
        School.hub_id == hub_id,
        EncounterRequest.status == "open",
        EncounterRequest.wanted_until >= today,
        ~answered,
        ~pending,
    )
    turned_down = set(
        db.session.execute(
            select(EncounterMatch.request_id, EncounterMatch.offer_id).where(
                EncounterMatch.status.in_(("declined", "rejected", "confirmed")),
                EncounterMatch.request_id.in_({fit.request_id for fit in found}),
            )
        ).all()
    )
    found = [fit for fit in found if (fit.request_id, fit.offer_id) not in turned_down]
    if not found:
        audit(user_id, "encounter_matches_proposed", "hub", hub_id, proposed=0)
        return 0
    chosen = _choose(found)
    for fit, reason in chosen:
        db.session.add(
            EncounterMatch(
                request_id=fit.request_id,
                offer_id=fit.offer_id,
                employer_id=fit.employer_id,
                km=fit.km,
                reason=reason,
                proposed_by_id=user_id,
            )
        )
    db.session.flush()
    audit(user_id, "encounter_matches_proposed", "hub", hub_id, proposed=len(chosen))
    return len(chosen)


def _choose(found: list[Fit]) -> list[tuple[Fit, str]]:
    """The engine's choice among the fitting pairs, each with why, in words."""
    requests = dict(
        db.session.execute(
            select(EncounterRequest.id, EncounterRequest.wanted_from).where(
                EncounterRequest.id.in_({fit.request_id for fit in found})
            )
        ).all()
    )
    offers = {
        offer.id: (offer, name)
        for offer, name in db.session.execute(
            select(EncounterOffer, Employer.name)
            .join(Employer, Employer.id == EncounterOffer.employer_id)
            .where(EncounterOffer.id.in_({fit.offer_id for fit in found}))
        ).all()
    }
    used = _used(set(offers))
    by_request: dict[int, list[Fit]] = defaultdict(list)
    for fit in found:
        by_request[fit.request_id].append(fit)
    request_ids = sorted(by_request)
    number: dict[tuple[int, str], int] = {}  # each (offer, term) a placement, numbered as first met
    seats: list[int] = []
    pairs: list[Fit] = []
    pref_placement: list[int] = []
    ptr = [0]
    for request_id in request_ids:
        term = term_of(requests[request_id])
        for fit in sorted(by_request[request_id], key=lambda f: (f.km or 0.0, f.offer_id)):
            per_term = offers[fit.offer_id][0].per_term
            key = (fit.offer_id, term)
            if key not in number:
                number[key] = len(seats)
                seats.append(max(0, per_term - used[key]))
            pref_placement.append(number[key])
            pairs.append(fit)
        ptr.append(len(pairs))
    keys = list(number)
    instance = Instance(
        student_ids=[str(r) for r in request_ids],
        placement_ids=[f"{offer_id}:{term}" for offer_id, term in keys],
        pref_ptr=np.asarray(ptr, dtype=np.int64),
        pref_placement=np.asarray(pref_placement, dtype=np.int32),
        pref_score=np.asarray([_nearness(fit, offers[fit.offer_id][0]) for fit in pairs], dtype=np.float64),
        capacity=np.asarray(seats, dtype=np.int64),
        max_per_school=np.full(len(keys), NO_CAP, dtype=np.int64),
        student_school=np.full(len(request_ids), -1, dtype=np.int32),
        student_categories=np.zeros((len(request_ids), 0), dtype=bool),
    )
    assignment = allocate(instance, "optimal").assignment.tolist()
    taken = Counter(t for t in assignment if t >= 0)
    chosen = []
    for s, t in enumerate(assignment):
        if t < 0:
            continue
        offer_id, term = keys[t]
        fit = next(f for f in pairs[ptr[s] : ptr[s + 1]] if f.offer_id == offer_id)
        offer, name = offers[offer_id]
        chosen.append((fit, _reason(fit, offer, name, term, seats[t] - taken[t], ptr[s + 1] - ptr[s])))
    return chosen


def _used(offer_ids: set[int]) -> dict[tuple[int, str], int]:
    """How many requests each offer already answers or is asked about, by the term of the request."""
    answers = select(EncounterResponse.offer_id, EncounterRequest.wanted_from).join(
        EncounterRequest, EncounterRequest.id == EncounterResponse.request_id
    )
    asked = select(EncounterMatch.offer_id, EncounterRequest.wanted_from).join(
        EncounterRequest, EncounterRequest.id == EncounterMatch.request_id
    )
    used: dict[tuple[int, str], int] = defaultdict(int)
    for query in (
        answers.where(
            EncounterResponse.offer_id.in_(offer_ids),
            EncounterResponse.status.in_(("offered", "accepted")),
            EncounterRequest.status != "cancelled",
        ),
        asked.where(
            EncounterMatch.offer_id.in_(offer_ids),
            EncounterMatch.status == "asked",
            EncounterRequest.status == "open",
        ),
    ):
        for offer_id, wanted_from in db.session.execute(query).all():
            used[(offer_id, term_of(wanted_from))] += 1
    return used


def _nearness(fit: Fit, offer: EncounterOffer) -> float:
    """1 online or next door, falling to 0 at the farthest the organisation travels."""
    if fit.km is None or not offer.travel_km:
        return 1.0
    return max(0.0, 1.0 - fit.km / offer.travel_km)


def _reason(fit: Fit, offer: EncounterOffer, name: str, term: str, left: int, fitting: int) -> str:
    where = "online"
    if fit.km is not None:
        where = f"{fit.km:.0f} km from the school, within the {offer.travel_km} km they travel"
    others = "the only offer that fits" if fitting == 1 else f"one of {fitting} offers that fit"
    return (
        f"{name}'s {offer.format_label.lower()} fits: {where}; {others}. "
        f"They do {offer.per_term} a term; {left} more left in the {term} after this."
    )


# The hub's page and decisions.


@dataclass(frozen=True)
class MatchRow:
    match: EncounterMatch
    request: EncounterRequest
    offer: EncounterOffer
    school: str
    organisation: str


def _rows() -> Select[Any]:
    """Proposals with their request, offer, school's name and organisation's name."""
    return (
        select(EncounterMatch, EncounterRequest, EncounterOffer, School.name, Employer.name)
        .join(EncounterRequest, EncounterRequest.id == EncounterMatch.request_id)
        .join(School, School.id == EncounterRequest.school_id)
        .join(EncounterOffer, EncounterOffer.id == EncounterMatch.offer_id)
        .join(Employer, Employer.id == EncounterMatch.employer_id)
    )


def hub_matches(hub_id: int) -> list[MatchRow]:
    """The hub's proposals waiting for it or for the organisation, then the last 50 decided, newest first."""
    query = _rows().where(School.hub_id == hub_id)
    active = db.session.execute(
        query.where(EncounterMatch.status.in_(ACTIVE)).order_by(
            EncounterRequest.wanted_from, EncounterMatch.id
        )
    ).all()
    decided = db.session.execute(
        query.where(EncounterMatch.status.not_in(ACTIVE))
        .order_by(EncounterMatch.updated_at.desc(), EncounterMatch.id.desc())
        .limit(50)
    ).all()
    return [MatchRow(*row) for row in [*active, *decided]]


def _move(match_id: int, before: str, after: str, user_id: int, *conditions: object) -> EncounterMatch | None:
    """Move the match from one status to the next if it is still in the first; None if it was not."""
    changed = db.session.execute(
        update(EncounterMatch)
        .where(EncounterMatch.id == match_id, EncounterMatch.status == before, *conditions)
        .values(status=after, decided_by_id=user_id, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if changed.rowcount != 1:  # type: ignore[attr-defined]
        return None
    match = db.session.get(EncounterMatch, match_id)
    db.session.refresh(match)
    audit(user_id, f"encounter_match_{after}", "encounter_match", match_id)
    return match


def get_match(match_id: int) -> EncounterMatch | None:
    """The proposal with this id, or None."""
    return db.session.get(EncounterMatch, match_id)


def hub_owns(match_id: int, hub_id: int) -> bool:
    """Whether the proposal is for a request of one of the hub's schools."""
    found = select(EncounterMatch.id).where(
        EncounterMatch.id == match_id, EncounterMatch.request_id.in_(_in_hub(hub_id))
    )
    return db.session.scalar(found) is not None


def approve(match_id: int, hub_id: int, user_id: int) -> bool:
    """Ask the organisation to confirm the hub's proposal; its users are told once. False if the proposal
    is not this hub's or was decided meanwhile."""
    still_open = select(EncounterRequest.id).where(EncounterRequest.status == "open")
    match = _move(
        match_id,
        "proposed",
        "asked",
        user_id,
        EncounterMatch.request_id.in_(_in_hub(hub_id)),
        EncounterMatch.request_id.in_(still_open),
    )
    if match is None:
        return False
    for user in employer_users(match.employer_id):
        notify(
            f"encounter-match-asked:{match_id}:{user.id}",
            "encounter_match_asked",
            user.email,
            match_id=match_id,
        )
    return True


def reject(match_id: int, hub_id: int, user_id: int) -> bool:
    """Set aside a proposal: the engine will not propose that offer for that request again."""
    return (
        _move(match_id, "proposed", "rejected", user_id, EncounterMatch.request_id.in_(_in_hub(hub_id)))
        is not None
    )


# What the organisation sees and does.


def asked_of(employer_id: int) -> list[MatchRow]:
    """The hub's approved proposals waiting for the organisation to confirm, soonest first."""
    query = (
        _rows()
        .where(
            EncounterMatch.employer_id == employer_id,
            EncounterMatch.status == "asked",
            EncounterRequest.status == "open",
        )
        .order_by(EncounterRequest.wanted_from, EncounterMatch.id)
    )
    return [MatchRow(*row) for row in db.session.execute(query).all()]


def confirm(match_id: int, employer_id: int, user_id: int, today: date) -> bool:
    """The organisation can do it: its offer answers the school's request, and the school's careers leaders
    are told. False if it is not theirs or no longer asked; RequestError (in the caller's transaction) if
    the request closed or the offer no longer fits it."""
    match = _move(match_id, "asked", "confirmed", user_id, EncounterMatch.employer_id == employer_id)
    if match is None:
        return False
    answered = select(EncounterResponse.id).where(
        EncounterResponse.request_id == match.request_id,
        EncounterResponse.offer_id == match.offer_id,
        EncounterResponse.status == "offered",
    )
    if db.session.scalar(answered) is None:  # they may have answered with it themselves meanwhile
        answer(match.request_id, match.offer_id, employer_id, user_id, CONFIRMED_MESSAGE, today)
    return True


def decline(match_id: int, employer_id: int, user_id: int) -> bool:
    """The organisation cannot do it: the request is free for another proposal, and this offer is not
    proposed for it again."""
    return (
        _move(match_id, "asked", "declined", user_id, EncounterMatch.employer_id == employer_id) is not None
    )
