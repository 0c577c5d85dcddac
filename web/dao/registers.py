"""The register of an event: whose places a user may see and mark, the rows it shows, and marking them.

A hub admin sees every slot of the hub's events, a careers leader their own pupils on the events their
school takes part in, and an employer the slots it runs. Only places that were invited are on a register.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import ColumnElement, select, true, update

from web.dao import access_log, event_places
from web.dao.base import audit
from web.extensions import db
from web.models import (
    Employer,
    EncounterEvent,
    EventPlace,
    EventSchool,
    EventSlot,
    School,
    Student,
)
from web.models.base import utcnow

ON_REGISTER = ("invited", "attended", "absent")
MARKABLE_EVENTS = ("allocated", "held")


@dataclass(frozen=True)
class Scope:
    """What of a register one user may see: exactly one of the three is set."""

    hub_id: int | None = None
    school_id: int | None = None
    employer_id: int | None = None

    @classmethod
    def of(cls, role: str, hub_id: int | None, school_id: int | None, employer_id: int | None) -> Scope:
        """The scope of a user of this role (the ids are the user's own)."""
        if role == "hub_admin":
            return cls(hub_id=hub_id)
        if role == "careers_leader":
            return cls(school_id=school_id)
        if role == "employer":
            return cls(employer_id=employer_id)
        raise ValueError(f"a {role} has no register")

    @property
    def sees_pupils_details(self) -> bool:
        """Whether rows show year group and school: an employer sees pupils' names only."""
        return self.employer_id is None


@dataclass(frozen=True)
class Row:
    """One pupil's place on a register."""

    place_id: int
    name: str
    year_group: int
    school: str
    status: str


@dataclass
class SlotRegister:
    """A slot and the pupils on its register, by surname."""

    slot_id: int
    label: str
    starts_at: datetime
    ends_at: datetime
    employer: str | None
    rows: list[Row] = field(default_factory=list)


@dataclass(frozen=True)
class Pupil:
    """A pupil on the register as an upload matches them: their UPN and names, and their place."""

    place_id: int
    student_id: int
    upn: str | None
    first_name: str
    preferred_name: str
    last_name: str
    status: str


def event_for(scope: Scope, event_id: int) -> EncounterEvent | None:
    """The event if this user has a register in it, or None (so the page is a 404)."""
    event = db.session.get(EncounterEvent, event_id)
    if event is None:
        return None
    if scope.hub_id is not None:
        return event if event.hub_id == scope.hub_id else None
    if scope.school_id is not None:
        taking_part = select(EventSchool.school_id).where(
            EventSchool.event_id == event.id, EventSchool.school_id == scope.school_id
        )
        return event if db.session.scalar(taking_part) is not None else None
    if scope.employer_id is not None:
        runs = select(EventSlot.id).where(
            EventSlot.event_id == event.id, EventSlot.employer_id == scope.employer_id
        )
        return event if db.session.scalar(runs.limit(1)) is not None else None
    return None


def can_mark(event: EncounterEvent, today: date) -> bool:
    """Whether the register can be marked: the event is allocated (or held) and its day has come."""
    return event.status in MARKABLE_EVENTS and event.held_on <= today


def _slots_seen(scope: Scope) -> ColumnElement[bool]:
    return EventSlot.employer_id == scope.employer_id if scope.employer_id is not None else true()


def _places_seen(scope: Scope) -> ColumnElement[bool]:
    """Places this user may see, of slots they may see (the event is checked by the caller)."""
    own = Student.school_id == scope.school_id if scope.school_id is not None else true()
    return EventPlace.status.in_(ON_REGISTER) & own & _slots_seen(scope)


def register(scope: Scope, event_id: int, search: str = "") -> list[SlotRegister]:
    """The slots of the event this user sees, in time order, each with its pupils by surname; with a search,
    only pupils whose names hold every word of it (in any case), and only slots with such pupils."""
    registers = {
        slot.slot_id: SlotRegister(*slot)
        for slot in db.session.execute(
            select(
                EventSlot.id.label("slot_id"),
                EventSlot.label,
                EventSlot.starts_at,
                EventSlot.ends_at,
                Employer.name.label("employer"),
            )
            .outerjoin(Employer, Employer.id == EventSlot.employer_id)
            .where(EventSlot.event_id == event_id, _slots_seen(scope))
            .order_by(EventSlot.starts_at, EventSlot.label, EventSlot.id)
        ).all()
    }
    rows = db.session.execute(
        select(
            EventPlace.slot_id,
            EventPlace.id,
            Student.preferred_name,
            Student.first_name,
            Student.last_name,
            Student.year_group,
            School.name,
            EventPlace.status,
            Student.id,
        )
        .join(EventSlot, EventSlot.id == EventPlace.slot_id)
        .join(Student, Student.id == EventPlace.student_id)
        .join(School, School.id == Student.school_id)
        .where(EventSlot.event_id == event_id, _places_seen(scope))
        .order_by(Student.last_name, Student.first_name, EventPlace.id)
    ).all()
    words = search.casefold().split()
    shown = []
    for slot_id, place_id, preferred, first, last, year, school, status, student_id in rows:
        # Filtered here rather than in SQL: SQLite's lower() folds only ASCII, so "zoë" would miss "Zoë".
        if words and not _named(words, preferred, first, last):
            continue
        shown.append(student_id)
        registers[slot_id].rows.append(Row(place_id, f"{preferred or first} {last}", year, school, status))
    # A careers leader sees only the slots their pupils are in; a search, only the slots it found pupils in.
    access_log.seen(shown)
    keep_empty = not words and scope.school_id is None
    return [slot for slot in registers.values() if slot.rows or keep_empty]


def _named(words: list[str], *names: str) -> bool:
    text = " ".join(name for name in names if name).casefold()
    return all(word in text for word in words)


def place_on_register(scope: Scope, event_id: int, place_id: int) -> int | None:
    """The place's id if it is on this event's register and this user may mark it, else None."""
    return db.session.scalar(
        select(EventPlace.id)
        .join(EventSlot, EventSlot.id == EventPlace.slot_id)
        .join(Student, Student.id == EventPlace.student_id)
        .where(EventPlace.id == place_id, EventSlot.event_id == event_id, _places_seen(scope))
    )


def mark(place_id: int, attended: bool, user_id: int) -> bool:
    """Mark one place present (its record written once) or absent (its record removed)."""
    return event_places.mark(place_id, attended, user_id)


def pupils_on_register(scope: Scope, event_id: int) -> list[Pupil]:
    """Every place on the event's register this user may mark, with the pupil's UPN and names."""
    rows = db.session.execute(
        select(
            EventPlace.id,
            Student.id,
            Student.upn,
            Student.first_name,
            Student.preferred_name,
            Student.last_name,
            EventPlace.status,
        )
        .join(EventSlot, EventSlot.id == EventPlace.slot_id)
        .join(Student, Student.id == EventPlace.student_id)
        .where(EventSlot.event_id == event_id, _places_seen(scope))
        .order_by(EventPlace.id)
    ).all()
    access_log.seen(row[1] for row in rows)
    return [Pupil(*row) for row in rows]


def mark_present(event_id: int, place_ids: list[int], user_id: int) -> int:
    """Mark these places of the event present, in the caller's transaction, as event_places.mark does one
    at a time (each gets one record, whatever it had) but in a few statements, so a list of 250 saves in
    milliseconds. Places already present are left alone, so a list uploaded again marks nothing twice. How
    many places were marked."""
    event = db.session.get(EncounterEvent, event_id)
    if event is None or not place_ids:
        return 0
    # Locked first, as mark() locks its one place, so a tap at the same moment waits for this upload.
    ids = list(
        db.session.scalars(
            select(EventPlace.id)
            .join(EventSlot, EventSlot.id == EventPlace.slot_id)
            .where(
                EventPlace.id.in_(place_ids),
                EventSlot.event_id == event_id,
                EventPlace.status.in_(("invited", "absent")),
            )
            .with_for_update(of=EventPlace)
        )
    )
    if not ids:
        return 0
    now = utcnow()
    db.session.execute(
        update(EventPlace)
        .where(EventPlace.id.in_(ids))
        .values(status="attended", marked_by_id=user_id, updated_at=now)
    )
    event_places.write_records(ids, user_id)
    audit(user_id, "register_uploaded", "encounter_event", event_id, marked=len(ids))
    return len(ids)
