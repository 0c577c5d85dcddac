"""Encounter events the hub runs: the event, the schools that take part, its slots, and its allocations."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import CursorResult, delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError

from web.dao.base import audit
from web.extensions import db
from web.models import Employer, EncounterEvent, EventAllocation, EventPlace, EventSchool, EventSlot, School
from web.models.base import utcnow
from web.models.events import HOLDING


def create_event(hub_id: int, user_id: int, fields: dict[str, Any], school_ids: list[int]) -> EncounterEvent:
    """A draft event of the hub's, for these of its schools (others are ignored)."""
    event = EncounterEvent(hub_id=hub_id, created_by_id=user_id, status="draft", **fields)
    db.session.add(event)
    db.session.flush()
    set_schools(event, school_ids)
    audit(user_id, "event_created", "encounter_event", event.id, format=event.format)
    return event


def set_schools(event: EncounterEvent, school_ids: list[int]) -> None:
    """The event's schools become these, of the hub's own."""
    own = db.session.scalars(
        select(School.id).where(School.hub_id == event.hub_id, School.id.in_(school_ids))
    ).all()
    db.session.execute(delete(EventSchool).where(EventSchool.event_id == event.id))
    db.session.add_all(EventSchool(event_id=event.id, school_id=school_id) for school_id in own)


def get_event(event_id: int) -> EncounterEvent | None:
    """An event by id (the caller checks whose it is)."""
    return db.session.get(EncounterEvent, event_id)


def get_allocation(allocation_id: int) -> EventAllocation | None:
    """An allocation by id (the caller checks whose it is)."""
    return db.session.get(EventAllocation, allocation_id)


def events_of_hub(hub_id: int) -> list[EncounterEvent]:
    """The hub's events, soonest first."""
    return list(
        db.session.scalars(
            select(EncounterEvent)
            .where(EncounterEvent.hub_id == hub_id)
            .order_by(EncounterEvent.held_on, EncounterEvent.id)
        )
    )


def school_ids_of(event_id: int) -> list[int]:
    """The ids of the schools taking part."""
    return list(db.session.scalars(select(EventSchool.school_id).where(EventSchool.event_id == event_id)))


def schools_of(event_id: int) -> list[School]:
    """The schools taking part, by name."""
    return list(
        db.session.scalars(
            select(School)
            .join(EventSchool, EventSchool.school_id == School.id)
            .where(EventSchool.event_id == event_id)
            .order_by(School.name)
        )
    )


def slots_of(event_id: int) -> list[EventSlot]:
    """The event's slots in time order."""
    return list(
        db.session.scalars(
            select(EventSlot)
            .where(EventSlot.event_id == event_id)
            .order_by(EventSlot.starts_at, EventSlot.label)
        )
    )


def add_slot(event: EncounterEvent, fields: dict[str, Any]) -> EventSlot:
    """A slot of the event (label, employer_id, starts_at, ends_at, capacity): invited up to its capacity
    until an allocation over-invites it."""
    slot = EventSlot(event_id=event.id, invite_limit=fields["capacity"], places_taken=0, **fields)
    db.session.add(slot)
    return slot


def remove_slot(event: EncounterEvent, slot_id: int) -> bool:
    """Remove a slot no pupil holds or waits for; False if it is not the event's or someone does."""
    taken = select(EventPlace.id).where(EventPlace.slot_id == slot_id)
    result = db.session.execute(
        delete(EventSlot).where(EventSlot.id == slot_id, EventSlot.event_id == event.id, ~taken.exists())
    )
    return bool(cast(CursorResult[Any], result).rowcount)


def open_event(event: EncounterEvent, user_id: int) -> str | None:
    """Open a draft event for allocation; the reason it cannot be, or None."""
    if event.status != "draft":
        return "This event is not a draft"
    if not slots_of(event.id):
        return "Add at least one slot before opening the event"
    if not school_ids_of(event.id):
        return "Choose at least one school before opening the event"
    event.status = "open"
    audit(user_id, "event_opened", "encounter_event", event.id)
    return None


def start_allocation(hub_id: int, user_id: int, seed: int = 0) -> EventAllocation | None:
    """Queue an allocation of the hub's open events; None if one is already queued or running."""
    allocation = EventAllocation(hub_id=hub_id, created_by_id=user_id, seed=seed, status="queued")
    try:
        with db.session.begin_nested():
            db.session.add(allocation)
    except IntegrityError:
        return None
    audit(user_id, "event_allocation_started", "event_allocation", allocation.id)
    return allocation


def latest_allocation(hub_id: int) -> EventAllocation | None:
    """The hub's most recent allocation, or None."""
    return db.session.scalars(
        select(EventAllocation)
        .where(EventAllocation.hub_id == hub_id)
        .order_by(EventAllocation.id.desc())
        .limit(1)
    ).first()


def claim_allocation(allocation_id: int, claim: str, stale_before: datetime) -> bool:
    """Take a queued allocation, or a running one begun before stale_before (its worker died: an allocation
    takes seconds), for this attempt; False if it is finished or held by a live worker (a task delivered
    twice)."""
    waiting = EventAllocation.status == "queued"
    abandoned = (EventAllocation.status == "running") & (EventAllocation.started_at < stale_before)
    result = db.session.execute(
        update(EventAllocation)
        .where(EventAllocation.id == allocation_id, or_(waiting, abandoned))
        .values(
            status="running",
            claim=claim,
            started_at=utcnow(),
            progress=5,
            stage="Reading pupils and slots",
            error="",
        )
    )
    return bool(cast(CursorResult[Any], result).rowcount)


def set_stage(allocation_id: int, claim: str, progress: int, stage: str) -> bool:
    """Record progress; False if the allocation is no longer this attempt's."""
    result = db.session.execute(
        update(EventAllocation)
        .where(
            EventAllocation.id == allocation_id,
            EventAllocation.claim == claim,
            EventAllocation.status == "running",
        )
        .values(progress=progress, stage=stage)
    )
    return bool(cast(CursorResult[Any], result).rowcount)


def release_allocation(allocation_id: int, claim: str) -> bool:
    """Put a running allocation back in the queue for a retry; False if it is no longer this attempt's."""
    result = db.session.execute(
        update(EventAllocation)
        .where(
            EventAllocation.id == allocation_id,
            EventAllocation.claim == claim,
            EventAllocation.status == "running",
        )
        .values(status="queued", claim="", stage="Waiting to try again")
    )
    return bool(cast(CursorResult[Any], result).rowcount)


def finish_allocation(
    allocation_id: int, claim: str, status: str, metrics: dict[str, Any], error: str = ""
) -> bool:
    """Close the allocation as succeeded or failed; False if it is no longer this attempt's."""
    result = db.session.execute(
        update(EventAllocation)
        .where(
            EventAllocation.id == allocation_id,
            EventAllocation.claim == claim,
            EventAllocation.status == "running",
        )
        .values(
            status=status,
            progress=100,
            stage="Finished" if status == "succeeded" else "Stopped",
            metrics=metrics,
            error=error,
            finished_at=utcnow(),
        )
    )
    return bool(cast(CursorResult[Any], result).rowcount)


def open_events(hub_id: int, today: date) -> list[EncounterEvent]:
    """The hub's open events still to come: what an allocation covers."""
    return list(
        db.session.scalars(
            select(EncounterEvent).where(
                EncounterEvent.hub_id == hub_id,
                EncounterEvent.status == "open",
                EncounterEvent.held_on >= today,
            )
        )
    )


def no_shows_by_format(hub_id: int) -> dict[str, tuple[int, int]]:
    """(pupils marked on past registers, of whom absent) for each format of the hub's events."""
    marked = EventPlace.status.in_(("attended", "absent"))
    rows = db.session.execute(
        select(
            EncounterEvent.format,
            func.count(EventPlace.id),
            func.count(EventPlace.id).filter(EventPlace.status == "absent"),
        )
        .join(EventSlot, EventSlot.event_id == EncounterEvent.id)
        .join(EventPlace, EventPlace.slot_id == EventSlot.id)
        .where(EncounterEvent.hub_id == hub_id, marked)
        .group_by(EncounterEvent.format)
    ).all()
    return {format_: (int(marked_), int(absent)) for format_, marked_, absent in rows}


def holding_counts(event_id: int) -> dict[int, int]:
    """Places held (proposed, approved, invited or attended) in each of the event's slots."""
    rows = db.session.execute(
        select(EventPlace.slot_id, func.count())
        .join(EventSlot, EventSlot.id == EventPlace.slot_id)
        .where(EventSlot.event_id == event_id, EventPlace.status.in_(HOLDING))
        .group_by(EventPlace.slot_id)
    ).all()
    return {slot_id: int(count) for slot_id, count in rows}


def approved_employers(hub_id: int) -> dict[int, str]:
    """The hub's approved employers and providers by name: who may run a slot."""
    rows = db.session.execute(
        select(Employer.id, Employer.name)
        .where(Employer.hub_id == hub_id, Employer.status == "approved")
        .order_by(Employer.name)
    ).all()
    return {employer_id: name for employer_id, name in rows}


def school_names(hub_id: int) -> dict[int, str]:
    """The hub's schools by name."""
    rows = db.session.execute(
        select(School.id, School.name).where(School.hub_id == hub_id).order_by(School.name)
    )
    return {school_id: name for school_id, name in rows.all()}


def events_run_by(employer_id: int) -> list[tuple[EncounterEvent, int]]:
    """The allocated or held events with slots the organisation runs, soonest first, with how many."""
    rows = db.session.execute(
        select(EncounterEvent, func.count(EventSlot.id))
        .join(EventSlot, EventSlot.event_id == EncounterEvent.id)
        .where(EventSlot.employer_id == employer_id, EncounterEvent.status.in_(("allocated", "held")))
        .group_by(EncounterEvent.id)
        .order_by(EncounterEvent.held_on, EncounterEvent.id)
    ).all()
    return [(event, int(slots)) for event, slots in rows]
