"""A kept plan's sessions becoming events. The hub gives a session its day, times and place; it becomes an
event with one slot a day, run by the offer's organisation, and each approved pupil is invited to every
slot (a place approved later is invited when it is approved). From then the pupil's places, not the plan's
item, count as booked on the ledger, and the event's register writes their records."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, func, insert, select, update

from web.dao.base import audit
from web.extensions import db
from web.models import (
    Employer,
    EncounterEvent,
    EncounterOffer,
    EventPlace,
    EventSchool,
    EventSlot,
    PlanItem,
    PlanSession,
)
from web.models.base import utcnow
from web.models.events import HOLDING
from web.planner.plan_words import reason


@dataclass(frozen=True)
class SessionRow:
    """One of a kept plan's sessions with pupils in it, as the hub sees it."""

    session: PlanSession
    offer: EncounterOffer
    organisation: str
    approved: int
    proposed: int
    event: EncounterEvent | None


def _rows(plan_id: int) -> Any:
    """The plan's sessions with pupils in them, with their approved and proposed items."""
    counts = (
        select(
            PlanItem.session_id.label("session_id"),
            func.count().filter(PlanItem.status == "approved").label("approved"),
            func.count().filter(PlanItem.status == "proposed").label("proposed"),
        )
        .where(PlanItem.plan_id == plan_id, PlanItem.status != "rejected")
        .group_by(PlanItem.session_id)
        .subquery()
    )
    return (
        select(
            PlanSession, EncounterOffer, Employer.name, counts.c.approved, counts.c.proposed, EncounterEvent
        )
        .join(counts, counts.c.session_id == PlanSession.id)
        .join(EncounterOffer, EncounterOffer.id == PlanSession.offer_id)
        .join(Employer, Employer.id == EncounterOffer.employer_id)
        .outerjoin(EncounterEvent, EncounterEvent.id == PlanSession.event_id)
        .where(PlanSession.plan_id == plan_id)
    )


def session_count(plan_id: int) -> int:
    """How many of the plan's sessions have pupils (not rejected) in them."""
    return int(
        db.session.scalar(
            select(func.count(func.distinct(PlanItem.session_id))).where(
                PlanItem.plan_id == plan_id, PlanItem.status != "rejected"
            )
        )
        or 0
    )


def sessions_of(plan_id: int, offset: int, limit: int) -> list[SessionRow]:
    """A page of the plan's sessions that have pupils, those without a day first."""
    rows = db.session.execute(
        _rows(plan_id)
        .order_by(PlanSession.event_id.is_not(None), Employer.name, EncounterOffer.id, PlanSession.number)
        .offset(offset)
        .limit(limit)
    ).all()
    return [SessionRow(*row) for row in rows]


def session_of(plan_id: int, session_id: int) -> SessionRow | None:
    """The plan's session with this id (None for another plan's, or one with nobody in it)."""
    row = db.session.execute(_rows(plan_id).where(PlanSession.id == session_id)).first()
    return SessionRow(*row) if row is not None else None


def days_of(first: date, days: int) -> list[date]:
    """The weekdays a session runs on, from its first."""
    found = [first]
    while len(found) < days:
        day = found[-1] + timedelta(days=1)
        found.append(day + timedelta(days=max(0, 7 - day.weekday())) if day.weekday() >= 5 else day)
    return found


@dataclass(frozen=True)
class Scheduled:
    """What giving a session a day did: the event, the places invited, and the pupils busy then."""

    event: EncounterEvent | None
    place_ids: list[int]
    pupils: int
    busy: int


def schedule(
    hub_id: int, row: SessionRow, first: date, starts: time, ends: time, venue: str, user_id: int
) -> Scheduled:
    """Make the session an event on these days and times (one slot a day), with the schools of its
    pupils, and invite its approved pupils. Nothing if the session already has one (two presses at once:
    the conditional update lets only one through)."""
    session, offer = row.session, row.offer
    days = days_of(first, offer.days or 1)
    event = EncounterEvent(
        hub_id=hub_id,
        title=f"{row.organisation}: {offer.format_label}"[:200],
        format=offer.format,
        route=offer.route,
        pathway=offer.pathway,
        held_on=first,
        venue=venue,
        year_groups=sorted(offer.year_groups or []),
        max_slots=len(days),
        status="allocated",
        created_by_id=user_id,
    )
    db.session.add(event)
    db.session.flush()
    taken = db.session.execute(
        update(PlanSession)
        .where(PlanSession.id == session.id, PlanSession.event_id.is_(None))
        .values(event_id=event.id)
    )
    if not cast(CursorResult[Any], taken).rowcount:
        db.session.delete(event)
        return Scheduled(None, [], 0, 0)
    schools = db.session.scalars(
        select(PlanItem.school_id)
        .where(PlanItem.session_id == session.id, PlanItem.status != "rejected")
        .distinct()
    ).all()
    db.session.add_all(EventSchool(event_id=event.id, school_id=school_id) for school_id in schools)
    label = offer.format_label
    db.session.add_all(
        EventSlot(
            event_id=event.id,
            label=label if len(days) == 1 else f"{label}, day {n} of {len(days)}",
            employer_id=offer.employer_id,
            starts_at=datetime.combine(day, starts),
            ends_at=datetime.combine(day, ends),
            capacity=session.seats,
            invite_limit=session.seats,
        )
        for n, day in enumerate(days, start=1)
    )
    db.session.flush()
    place_ids, pupils, busy = invite_approved(session.plan_id, session_id=session.id)
    audit(user_id, "plan_session_scheduled", "encounter_event", event.id, plan_session_id=session.id)
    return Scheduled(event, place_ids, pupils, busy)


def invite_approved(
    plan_id: int, *, session_id: int | None = None, school_id: int | None = None
) -> tuple[list[int], int, int]:
    """Invite to every slot of its session's event each approved pupil of the plan (of one session, or one
    school) who is not invited there yet. A pupil holding a place at an overlapping time elsewhere is left
    out (the database would refuse them anyway). The places' ids, how many pupils
    were invited, and how many were left out."""
    query = (
        select(PlanItem, PlanSession.tutor_group, PlanSession.event_id)
        .join(PlanSession, PlanSession.id == PlanItem.session_id)
        .where(PlanItem.plan_id == plan_id, PlanItem.status == "approved", PlanSession.event_id.is_not(None))
    )
    if session_id is not None:
        query = query.where(PlanItem.session_id == session_id)
    if school_id is not None:
        query = query.where(PlanItem.school_id == school_id)
    items = db.session.execute(query.order_by(PlanItem.id)).all()
    if not items:
        return [], 0, 0
    slots: dict[int, list[EventSlot]] = {}
    for slot in db.session.scalars(
        select(EventSlot).where(EventSlot.event_id.in_({event_id for _, _, event_id in items}))
    ):
        slots.setdefault(slot.event_id, []).append(slot)
    pupils = [item.student_id for item, _, _ in items]
    invited = set(
        db.session.execute(
            select(EventPlace.student_id, EventPlace.slot_id).where(EventPlace.student_id.in_(pupils))
        ).all()
    )
    held: dict[int, list[tuple[datetime, datetime]]] = {}
    for student_id, starts_at, ends_at in db.session.execute(
        select(EventPlace.student_id, EventPlace.starts_at, EventPlace.ends_at).where(
            EventPlace.student_id.in_(pupils), EventPlace.status.in_(HOLDING)
        )
    ):
        held.setdefault(student_id, []).append((starts_at, ends_at))
    now, rows, busy, pupils = utcnow(), [], 0, 0
    for item, tutor_group, event_id in items:
        wanted = [slot for slot in slots[event_id] if (item.student_id, slot.id) not in invited]
        if any(
            start < slot.ends_at and slot.starts_at < end
            for start, end in held.get(item.student_id, [])
            for slot in wanted
        ):
            busy += 1
            continue
        pupils += bool(wanted)
        why = reason(item.measure, item.need, item.amount, item.at_risk, item.priority, tutor_group)
        rows += [
            {
                "slot_id": slot.id,
                "student_id": item.student_id,
                "status": "invited",
                "starts_at": slot.starts_at,
                "ends_at": slot.ends_at,
                "reason": why,
                "decided_by_id": item.decided_by_id,
                "decided_at": item.decided_at,
                "created_at": now,
                "updated_at": now,
            }
            for slot in wanted
        ]
    if not rows:
        return [], 0, busy
    ids = list(db.session.scalars(insert(EventPlace).returning(EventPlace.id), rows))
    taken: dict[int, int] = {}
    for row in rows:
        taken[row["slot_id"]] = taken.get(row["slot_id"], 0) + 1
    for slot_id, count in taken.items():
        db.session.execute(
            update(EventSlot)
            .where(EventSlot.id == slot_id)
            .values(places_taken=EventSlot.places_taken + count)
        )
    return ids, pupils, busy


def events_of_plan(plan_id: int, school_id: int) -> dict[tuple[int, int], EncounterEvent]:
    """(offer id, session number): the event each of the plan's sessions with the school's pupils became."""
    mine = select(PlanItem.session_id).where(PlanItem.plan_id == plan_id, PlanItem.school_id == school_id)
    rows = db.session.execute(
        select(PlanSession.offer_id, PlanSession.number, EncounterEvent)
        .join(EncounterEvent, EncounterEvent.id == PlanSession.event_id)
        .where(PlanSession.plan_id == plan_id, PlanSession.id.in_(mine))
    ).all()
    return {(offer_id, number): event for offer_id, number, event in rows}
