"""The hub's termly asks of its engaged employers: drafted from the kept plan's shortfall, sized to what each
employer did before and said they would do, sent once, and accepted or declined part by part, an accepted
part becoming an encounter offer in the hub's pool. One ask an employer a term: the database holds it."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

import numpy as np
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from web.dao.ask_sizes import engaged_employers, measure_of, per_session, shortfall_left
from web.dao.base import audit
from web.dao.plans import kept_plan
from web.dao.vetting import employer_users, evidence_current
from web.emails import notify
from web.extensions import db
from web.models import AskPart, Employer, EmployerAsk, EncounterOffer
from web.models.base import utcnow
from web.planner.gaps import PLANNED
from web.planner.terms import term_dates, term_label

NO_KEPT_PLAN = "Keep a plan for the {term} first: asks are sized to what its plan leaves short"
RACED = "Someone else drafted or sent this term's asks just now. Look at them, then try again"
# A new mentoring programme needs the hub to see its mentor's DBS certificate first, so it is not asked for.
NOT_ASKED = ("mentoring_programme",)


def _asked_already(hub_id: int, academic_year: int, term: int) -> tuple[set[int], np.ndarray]:
    """The employers sent an ask this term, and what those asks' parts not declined give per measure."""
    sent = set(
        db.session.scalars(
            select(EmployerAsk.employer_id).where(
                EmployerAsk.hub_id == hub_id,
                EmployerAsk.academic_year == academic_year,
                EmployerAsk.term == term,
                EmployerAsk.status == "sent",
            )
        )
    )
    given = np.zeros(len(PLANNED))
    for part in db.session.scalars(
        select(AskPart)
        .join(EmployerAsk, EmployerAsk.id == AskPart.ask_id)
        .where(
            EmployerAsk.hub_id == hub_id,
            EmployerAsk.academic_year == academic_year,
            EmployerAsk.term == term,
            EmployerAsk.status == "sent",
            AskPart.status != "declined",
        )
    ):
        given[measure_of(part.format)] += part.sessions * per_session(part.format, part.group_max, part.hours)
    return sent, given


def draft_asks(hub_id: int, academic_year: int, term: int, user_id: int, today: date) -> str | int:
    """Draft the term's asks from its kept plan's shortfall (any drafts of the term are replaced; a sent
    ask is never changed). Shortfall left after the plan, and after the parts of asks already sent, is
    handed out employer by employer (most past sessions first): a part per past offer of a measure still
    short, of that offer's sessions a term (what they said they would do) or as few as cover what is
    left. How many asks were drafted, or why none could be (a message for the hub)."""
    plan = kept_plan(hub_id, academic_year, term)
    if plan is None:
        return NO_KEPT_PLAN.format(term=term_label(academic_year, term).lower())
    sent, asked = _asked_already(hub_id, academic_year, term)
    left = np.maximum(shortfall_left(plan, today) - asked, 0)
    db.session.execute(
        delete(EmployerAsk).where(
            EmployerAsk.hub_id == hub_id,
            EmployerAsk.academic_year == academic_year,
            EmployerAsk.term == term,
            EmployerAsk.status == "draft",
        )
    )
    drafted = 0
    for engaged in engaged_employers(hub_id, academic_year, term, today):
        if engaged.employer_id in sent:
            continue
        parts = []
        for model in engaged.models:
            column = measure_of(model.format)
            if model.format in NOT_ASKED or left[column] <= 0:
                continue
            each = per_session(model.format, model.group_max, model.hours)
            sessions = min(model.per_term, max(1, math.ceil(left[column] / each)))
            left[column] = max(left[column] - sessions * each, 0)
            parts.append(_part_like(model, sessions))
        if not parts:
            continue
        ask = EmployerAsk(
            hub_id=hub_id,
            employer_id=engaged.employer_id,
            academic_year=academic_year,
            term=term,
            status="draft",
            created_by_id=user_id,
        )
        db.session.add(ask)
        try:
            with db.session.begin_nested():
                db.session.flush()
        except IntegrityError:  # another admin's draft or send of the same term, just now
            return RACED
        for part in parts:
            part.ask_id = ask.id
        db.session.add_all(parts)
        drafted += 1
    db.session.flush()
    audit(user_id, "employer_asks_drafted", "term_plan", plan.id, asks=drafted)
    return drafted


def _part_like(offer: EncounterOffer, sessions: int) -> AskPart:
    return AskPart(
        format=offer.format,
        route=offer.route,
        pathway=offer.pathway,
        year_groups=list(offer.year_groups or []),
        group_min=offer.group_min,
        group_max=offer.group_max,
        hours=offer.hours,
        days=offer.days,
        whole_group=offer.whole_group,
        staff_places=offer.staff_places,
        sessions=sessions,
        location=offer.location,
        travel_km=offer.travel_km,
        status="asked",
    )


def send_asks(hub_id: int, academic_year: int, term: int, user_id: int) -> int:
    """Send the term's drafts: each becomes sent (never again changed) and its employer's users, or its
    contact address if it has none, are told once by the ask's id. How many were sent."""
    ids = list(
        db.session.scalars(
            update(EmployerAsk)
            .where(
                EmployerAsk.hub_id == hub_id,
                EmployerAsk.academic_year == academic_year,
                EmployerAsk.term == term,
                EmployerAsk.status == "draft",
            )
            .values(status="sent", sent_at=utcnow())
            .returning(EmployerAsk.id)
        )
    )
    for ask_id in sorted(ids):
        ask = db.session.get(EmployerAsk, ask_id, populate_existing=True)
        assert ask is not None  # sent just now
        users = employer_users(ask.employer_id)
        if users:
            for user in users:
                notify(f"employer-ask:{ask_id}:{user.id}", "employer_ask", user.email, ask_id=ask_id)
        else:
            contact = db.session.scalar(select(Employer.contact_email).where(Employer.id == ask.employer_id))
            notify(f"employer-ask:{ask_id}:contact", "employer_ask", contact, ask_id=ask_id)
        audit(user_id, "employer_ask_sent", "employer_ask", ask_id)
    return len(ids)


@dataclass(frozen=True)
class AskRow:
    """An ask with its employer's name and its parts, as a page shows it."""

    ask: EmployerAsk
    employer: str
    parts: list[AskPart]


def _rows(*conditions: object) -> list[AskRow]:
    found = db.session.execute(
        select(EmployerAsk, Employer.name)
        .join(Employer, Employer.id == EmployerAsk.employer_id)
        .where(*conditions)  # type: ignore[arg-type]
        .order_by(EmployerAsk.academic_year.desc(), EmployerAsk.term.desc(), Employer.name, EmployerAsk.id)
    ).all()
    ids = [ask.id for ask, _ in found]
    parts: dict[int, list[AskPart]] = {ask_id: [] for ask_id in ids}
    for part in db.session.scalars(select(AskPart).where(AskPart.ask_id.in_(ids)).order_by(AskPart.id)):
        parts[part.ask_id].append(part)
    return [AskRow(ask, name, parts[ask.id]) for ask, name in found]


def asks_of_hub(hub_id: int, academic_year: int, term: int) -> list[AskRow]:
    """The hub's asks of the term, by employer name."""
    return _rows(
        EmployerAsk.hub_id == hub_id, EmployerAsk.academic_year == academic_year, EmployerAsk.term == term
    )


def asks_of_employer(employer_id: int) -> list[AskRow]:
    """The asks sent to an employer, latest term first (drafts are the hub's until sent)."""
    return _rows(EmployerAsk.employer_id == employer_id, EmployerAsk.status == "sent")


def get_ask(ask_id: int) -> EmployerAsk | None:
    """The ask with this id, or None."""
    return db.session.get(EmployerAsk, ask_id)


def part_of_employer(employer_id: int, part_id: int) -> AskPart | None:
    """The part of a sent ask to this employer with this id (None for another's, or a draft's)."""
    return db.session.scalar(
        select(AskPart)
        .join(EmployerAsk, EmployerAsk.id == AskPart.ask_id)
        .where(AskPart.id == part_id, EmployerAsk.employer_id == employer_id, EmployerAsk.status == "sent")
    )


def _decide(part_id: int, status: str, user_id: int, offer_id: int | None = None) -> bool:
    changed = db.session.execute(
        update(AskPart)
        .where(AskPart.id == part_id, AskPart.status == "asked")
        .values(status=status, offer_id=offer_id, decided_by_id=user_id, decided_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return bool(changed.rowcount)  # type: ignore[attr-defined]


def accept_part(employer_id: int, part_id: int, user_id: int, today: date) -> EncounterOffer | str:
    """Accept a part of a sent ask: it becomes an encounter offer in the hub's pool, available the term's
    dates, its sessions a term what was asked. The offer, or why not (already decided, or the
    organisation's safeguarding evidence is not current, which every offer needs)."""
    part = part_of_employer(employer_id, part_id)
    if part is None or part.status != "asked":
        return "This part of the ask has already been answered"
    vetted = db.session.scalar(select(Employer.id).where(Employer.id == employer_id, evidence_current(today)))
    if vetted is None:
        return "Your careers hub needs your organisation's current safeguarding evidence before you can offer"
    ask = db.session.get(EmployerAsk, part.ask_id)
    assert ask is not None  # the part's
    start, end = term_dates(ask.academic_year, ask.term)
    if today > end:
        return "That term is over, so this part can no longer be offered"
    season = term_label(ask.academic_year, ask.term).lower()
    offer = EncounterOffer(
        employer_id=employer_id,
        format=part.format,
        route=part.route,
        pathway=part.pathway,
        year_groups=list(part.year_groups),
        group_min=part.group_min,
        group_max=part.group_max,
        hours=part.hours,
        days=part.days,
        whole_group=part.whole_group,
        staff_places=part.staff_places,
        location=part.location,
        travel_km=part.travel_km,
        available_from=max(start, today),
        available_until=end,
        availability_note=f"Asked by the careers hub for the {season}",
        per_term=part.sessions,
        status="offered",
    )
    db.session.add(offer)
    db.session.flush()
    if not _decide(part.id, "accepted", user_id, offer.id):  # answered meanwhile: the offer goes too
        db.session.delete(offer)
        db.session.flush()
        return "This part of the ask has already been answered"
    audit(user_id, "ask_part_accepted", "ask_part", part.id, offer_id=offer.id)
    db.session.expire(part)
    return offer


def decline_part(employer_id: int, part_id: int, user_id: int) -> bool:
    """Decline a part of a sent ask; False if it is not theirs to answer or was answered already."""
    part = part_of_employer(employer_id, part_id)
    if part is None or not _decide(part.id, "declined", user_id):
        return False
    audit(user_id, "ask_part_declined", "ask_part", part.id)
    db.session.expire(part)
    return True
