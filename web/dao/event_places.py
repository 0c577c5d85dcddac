"""Pupils' places in event slots: an allocation's proposals and waitlists, careers leaders' decisions, the
waitlist filling a freed seat, and the register that writes each attendee's record once.

A place that holds a seat is counted in its slot's places_taken, which the database keeps within the slot's
invite limit; the database also keeps a pupil out of two held places at once (migration 0013).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ARRAY, Connection, Integer, bindparam, delete, func, insert, select, update
from sqlalchemy.orm import aliased

from web.dao import access_log
from web.dao.base import audit
from web.emails import notify_many
from web.extensions import db
from web.models import EncounterEvent, EventPlace, EventSlot, ExperienceRecord, Student
from web.models.base import utcnow
from web.models.events import HOLDING

# What an attended place goes on the pupil's record as: (benchmark, record kind), by the event's format.
RECORD_OF = {
    "careers_fair": ("5", "careers_fair"),
    "workplace_visit": ("6", "workplace_visit"),
    "workplace_project": ("6", "workplace_visit"),  # a project at the workplace: its hours are Benchmark 6
    "mentoring_programme": ("5", "mentoring_session"),
    "technical_talk": ("5", "technical_provider"),
    "taster_day": ("5", "technical_provider"),
}
EMPLOYER_TALK = ("5", "employer_talk")
# Rows in each INSERT on SQLite: 5,000 values, inside the smallest limit SQLite is built with (32,766
# since 3.32; Python's own builds), and past the size where more rows a statement still saves time.
SQLITE_ROWS_PER_INSERT = 500
COPY_LINES = 5_000  # lines sent to PostgreSQL at a time, so it stores some while the rest are written
_PLACE_COLUMNS = (
    "slot_id",
    "student_id",
    "allocation_id",
    "status",
    "starts_at",
    "ends_at",
    "waitlist_rank",
    "reason",
    "created_at",
    "updated_at",
)


def save_allocation(
    allocation_id: int,
    places: list[tuple[int, int, str, int | None, str]],
    invite_limits: dict[int, int],
    event_ids: list[int],
) -> int:
    """Store an allocation's places, (slot_id, student_id, status, waitlist rank, reason) with status
    "proposed" or "waitlisted", in the caller's transaction: set each slot's invite limit, count its proposed
    places as taken, and mark the events allocated. How many places were proposed."""
    table = EventSlot.__table__
    # Rows, not objects: the session need not track thousands of slots.
    columns = (table.c.id, table.c.starts_at, table.c.ends_at, table.c.capacity, table.c.places_taken)
    slots = {row.id: row for row in db.session.execute(select(*columns).where(table.c.id.in_(invite_limits)))}
    now = utcnow()
    if places:
        times = {slot_id: (row.starts_at, row.ends_at) for slot_id, row in slots.items()}
        _insert_places(allocation_id, places, times, now)
    proposed = Counter(slot_id for slot_id, _, status, _, _ in places if status == "proposed")
    if invite_limits:
        _count_places(
            [
                (slot_id, max(limit, slots[slot_id].places_taken, slots[slot_id].capacity), proposed[slot_id])
                for slot_id, limit in invite_limits.items()
            ]
        )
    db.session.execute(
        update(EncounterEvent)
        .where(EncounterEvent.id.in_(event_ids))
        .values(status="allocated", updated_at=now)
    )
    return sum(proposed.values())


def _count_places(changes: list[tuple[int, int, int]]) -> None:
    """Set each slot's invite limit and add to its places taken, (slot id, limit, places) a slot, in Core (so
    the session does not compare it with each object it holds): on PostgreSQL one UPDATE from the arrays
    unnested, where an executemany would be a statement a slot; on SQLite, in-process, an executemany."""
    table = EventSlot.__table__
    if db.session.get_bind().dialect.name == "postgresql":
        ids, limits, counts = (list(column) for column in zip(*changes, strict=True))
        given = (
            func.unnest(
                bindparam("ids", ids, type_=ARRAY(Integer)),
                bindparam("limits", limits, type_=ARRAY(Integer)),
                bindparam("counts", counts, type_=ARRAY(Integer)),
            )
            .table_valued("slot_id", "invite_limit", "places")
            .render_derived(name="given")
        )
        db.session.execute(
            update(table)
            .where(table.c.id == given.c.slot_id)
            .values(invite_limit=given.c.invite_limit, places_taken=table.c.places_taken + given.c.places)
        )
        return
    db.session.execute(
        update(table)
        .where(table.c.id == bindparam("b_id"))
        .values(invite_limit=bindparam("b_limit"), places_taken=table.c.places_taken + bindparam("b_count")),
        [{"b_id": slot_id, "b_limit": limit, "b_count": count} for slot_id, limit, count in changes],
    )


def _copy_places(
    connection: Connection,
    allocation_id: int,
    places: list[tuple[int, int, str, int | None, str]],
    times: dict[int, tuple[datetime, datetime]],
    now: datetime,
) -> None:
    """COPY the places in text format, lines written here: each slot's times and each pupil's reason are
    escaped once, not once a row as psycopg's write_row would (0.7 s of the hub season's save)."""
    when = {slot_id: f"{_copy_text(starts)}\t{_copy_text(ends)}" for slot_id, (starts, ends) in times.items()}
    made = f"{_copy_text(now)}\t{_copy_text(now)}\n"
    reasons: dict[str, str] = {}
    cursor = connection.connection.cursor()
    with cursor.copy(f"COPY event_place ({', '.join(_PLACE_COLUMNS)}) FROM STDIN") as copy:
        lines = []
        for slot_id, student_id, status, rank, reason in places:
            text = reasons.get(reason)
            if text is None:
                text = reasons[reason] = _copy_text(reason)
            rank_text = "\\N" if rank is None else str(rank)
            ids = f"{slot_id}\t{student_id}\t{allocation_id}\t{status}"
            lines.append(f"{ids}\t{when[slot_id]}\t{rank_text}\t{text}\t{made}")
            if len(lines) == COPY_LINES:
                copy.write("".join(lines))
                lines.clear()
        copy.write("".join(lines))


def _copy_text(value: str | datetime) -> str:
    """A value as COPY's text format reads it: a datetime in ISO form, a string with \\, tab, newline and
    carriage return escaped."""
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _insert_places(
    allocation_id: int,
    places: list[tuple[int, int, str, int | None, str]],
    times: dict[int, tuple[datetime, datetime]],
    now: datetime,
) -> None:
    """Insert the places in the session's transaction, each with its slot's times, as few statements as the
    database allows: COPY on PostgreSQL, where an executemany sends a statement per row (bench.event_season's
    100,000 places saved in 11.4 s that way, 6.7 s by COPY); on SQLite, INSERTs of many rows each, since a
    statement's start is what the one-at-a-time trigger costs (executemany, a statement a row, took 2.5 s
    for those places; a statement of 500 rows, 1.1 s, the trigger still checking every row)."""
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        _copy_places(connection, allocation_id, places, times, now)
        return
    # The values as SQLAlchemy stores them (its text for a datetime), each slot's worked out once.
    dialect = connection.dialect
    stored = EventPlace.__table__.c.starts_at.type.dialect_impl(dialect).bind_processor(dialect) or (
        lambda moment: moment
    )
    when = {slot_id: (stored(starts), stored(ends)) for slot_id, (starts, ends) in times.items()}
    made = (stored(now), stored(now))
    marks = "(" + ", ".join("?" * len(_PLACE_COLUMNS)) + ")"
    statement = f"INSERT INTO event_place ({', '.join(_PLACE_COLUMNS)}) VALUES "
    for first in range(0, len(places), SQLITE_ROWS_PER_INSERT):
        chunk = places[first : first + SQLITE_ROWS_PER_INSERT]
        values: list[Any] = []
        for slot_id, student_id, status, rank, reason in chunk:
            values += (slot_id, student_id, allocation_id, status, *when[slot_id], rank, reason, *made)
        # Through SQLAlchemy, so a clash raises its IntegrityError (the task retries on it).
        connection.exec_driver_sql(statement + ", ".join([marks] * len(chunk)), tuple(values))


@dataclass(frozen=True)
class Proposal:
    """A place proposed for, or given to, one of a school's pupils, as the careers leader sees it."""

    place_id: int
    status: str
    student_id: int
    name: str
    year_group: int
    event_title: str
    held_on: date
    slot_label: str
    starts_at: datetime
    reason: str


def places_of_school(school_id: int, statuses: tuple[str, ...] = ("proposed",)) -> list[Proposal]:
    """The school's pupils' places in these statuses, by event date, slot time and pupil."""
    rows = db.session.execute(
        select(
            EventPlace.id,
            EventPlace.status,
            Student.id,
            Student.preferred_name,
            Student.first_name,
            Student.last_name,
            Student.year_group,
            EncounterEvent.title,
            EncounterEvent.held_on,
            EventSlot.label,
            EventSlot.starts_at,
            EventPlace.reason,
        )
        .join(Student, Student.id == EventPlace.student_id)
        .join(EventSlot, EventSlot.id == EventPlace.slot_id)
        .join(EncounterEvent, EncounterEvent.id == EventSlot.event_id)
        .where(Student.school_id == school_id, EventPlace.status.in_(statuses))
        .order_by(
            EncounterEvent.held_on, EventSlot.starts_at, Student.last_name, Student.first_name, EventPlace.id
        )
    ).all()
    access_log.seen(row[2] for row in rows)
    return [
        Proposal(row[0], row[1], row[2], f"{row[3] or row[4]} {row[5]}", *row[6:])  # preferred name first
        for row in rows
    ]


def _set_status(place_ids: list[int], school_id: int, before: str, after: str, **values: Any) -> list[int]:
    """Move the school's places in status `before` to `after`; the ids that moved."""
    own = select(Student.id).where(Student.school_id == school_id)
    ids = list(
        db.session.scalars(
            select(EventPlace.id).where(
                EventPlace.id.in_(place_ids), EventPlace.status == before, EventPlace.student_id.in_(own)
            )
        )
    )
    if ids:
        db.session.execute(
            update(EventPlace)
            .where(EventPlace.id.in_(ids), EventPlace.status == before)
            .values(status=after, updated_at=utcnow(), **values)
        )
    return ids


def approve(school_id: int, user_id: int, place_ids: list[int]) -> list[int]:
    """The careers leader approves these proposed places of their pupils: they become invitations (the
    caller sends them after commit). The ids approved."""
    ids = _set_status(place_ids, school_id, "proposed", "invited", decided_by_id=user_id, decided_at=utcnow())
    if ids:
        audit(user_id, "event_places_approved", "school", school_id, places=len(ids))
    return ids


def reject(school_id: int, user_id: int, place_ids: list[int]) -> list[int]:
    """The careers leader turns these proposed places down: each seat goes to the slot's waitlist. The ids."""
    ids = _set_status(
        place_ids, school_id, "proposed", "rejected", decided_by_id=user_id, decided_at=utcnow()
    )
    _free_seats(ids)
    if ids:
        audit(user_id, "event_places_rejected", "school", school_id, places=len(ids))
    return ids


def decline(school_id: int, user_id: int, place_id: int) -> bool:
    """An invited pupil cannot come (the careers leader records it): the seat goes to the waitlist."""
    ids = _set_status(
        [place_id], school_id, "invited", "declined", decided_by_id=user_id, decided_at=utcnow()
    )
    _free_seats(ids)
    return bool(ids)


def _free_seats(place_ids: list[int]) -> None:
    """Give back each place's seat, then offer it to the first on that slot's waitlist who is free then."""
    for place_id in place_ids:
        slot_id = db.session.scalar(select(EventPlace.slot_id).where(EventPlace.id == place_id))
        db.session.execute(
            update(EventSlot).where(EventSlot.id == slot_id).values(places_taken=EventSlot.places_taken - 1)
        )
        backfill(slot_id)


def backfill(slot_id: int | None) -> int | None:
    """Propose the next pupil waiting at the slot's time who holds nothing else then, if a seat is free; their
    careers leader approves it as any proposal. An allocation queues a pupil once for all of an event's
    stands at one time (its session), so the queue is every waitlisted place at this event and time, and the
    place moves to this slot. The place id proposed, or None."""
    slot = db.session.get(EventSlot, slot_id, with_for_update=True) if slot_id else None
    if slot is None or slot.places_taken >= slot.invite_limit:
        return None
    other = aliased(EventPlace)
    busy = select(other.id).where(
        other.student_id == EventPlace.student_id,
        other.status.in_(HOLDING),
        other.starts_at < slot.ends_at,
        slot.starts_at < other.ends_at,
    )
    here = select(other.id).where(
        other.student_id == EventPlace.student_id, other.slot_id == slot.id, other.id != EventPlace.id
    )
    waiting = db.session.scalars(
        select(EventPlace)
        .join(EventSlot, EventSlot.id == EventPlace.slot_id)
        .where(
            EventSlot.event_id == slot.event_id,
            EventPlace.starts_at == slot.starts_at,
            EventPlace.ends_at == slot.ends_at,
            EventPlace.status == "waitlisted",
            ~busy.exists(),
            ~here.exists(),
        )
        .order_by(EventPlace.waitlist_rank, EventPlace.slot_id != slot.id, EventPlace.id)
        .limit(1)
    ).first()
    if waiting is None:
        return None
    waiting.slot_id, waiting.status, waiting.waitlist_rank = slot.id, "proposed", None
    waiting.reason = (
        waiting.reason + "\n" if waiting.reason else ""
    ) + "A place came free and you were next on its waitlist."
    slot.places_taken += 1
    db.session.flush()
    return waiting.id


def mark(place_id: int, attended: bool, user_id: int) -> bool:
    """Mark an invited (or already marked) pupil present or absent. Present writes one record for the place,
    however often it is marked; absent removes it. False if the place cannot be marked."""
    place = db.session.get(EventPlace, place_id, with_for_update=True)
    if place is None or place.status not in ("invited", "attended", "absent"):
        return False
    status = "attended" if attended else "absent"
    if place.status != status:
        place.status, place.marked_by_id = status, user_id
        db.session.flush()
    if not attended:
        db.session.execute(delete(ExperienceRecord).where(ExperienceRecord.event_place_id == place.id))
    else:
        write_records([place.id], user_id)
    return True


def write_records(place_ids: list[int], user_id: int) -> int:
    """One experience record for each of these attended places that has none yet (so marking again, or a
    list uploaded again, writes nothing twice), in a few statements, and an email asking each of those
    pupils how it went. How many were written."""
    written = select(ExperienceRecord.event_place_id).where(ExperienceRecord.event_place_id.in_(place_ids))
    rows = db.session.execute(
        select(EventPlace.id, EventPlace.student_id, EventSlot, EncounterEvent)
        .join(EventSlot, EventSlot.id == EventPlace.slot_id)
        .join(EncounterEvent, EncounterEvent.id == EventSlot.event_id)
        .where(EventPlace.id.in_(place_ids), EventPlace.status == "attended", EventPlace.id.not_in(written))
    ).all()
    now = utcnow()
    records = [
        {
            "student_id": student_id,
            "event_place_id": place_id,
            "benchmark": RECORD_OF.get(event.format, EMPLOYER_TALK)[0],
            "kind": RECORD_OF.get(event.format, EMPLOYER_TALK)[1],
            "title": f"{event.title}: {slot.label}"[:200],
            "on_date": event.held_on,
            "hours": slot.hours,
            "meaningful": None,
            "allocation_id": None,
            "created_by_id": user_id,
            "created_at": now,
        }
        for place_id, student_id, slot, event in rows
    ]
    if records:
        db.session.execute(insert(ExperienceRecord.__table__), records)
        # Each pupil who came is asked how it went, once: with the record, which is written once too.
        asked = [
            (f"event-feedback:{place_id}", pupil, {"place_id": place_id})
            for place_id, pupil, _ in invitees([record["event_place_id"] for record in records])
        ]
        notify_many("event_feedback", asked)
    return len(records)


def invitees(place_ids: list[int]) -> list[tuple[int, str | None, str | None]]:
    """(place id, the pupil's email, their parent's or carer's) for each of these places."""
    rows = db.session.execute(
        select(EventPlace.id, Student.email, Student.parent_email)
        .join(Student, Student.id == EventPlace.student_id)
        .where(EventPlace.id.in_(place_ids))
        .order_by(EventPlace.id)
    )
    return [(place_id, email, parent) for place_id, email, parent in rows.all()]


@dataclass(frozen=True)
class PupilPlace:
    """A place of the pupil's own, as they see it."""

    place_id: int
    status: str
    event_title: str
    format: str
    venue: str
    held_on: date
    slot_label: str
    starts_at: datetime
    ends_at: datetime
    waitlist_rank: int | None


def places_of_pupil(student_id: int) -> list[PupilPlace]:
    """The pupil's invitations, events they went to, and waitlists, by date (proposals are not theirs to see
    until their careers leader approves them)."""
    rows = db.session.execute(
        select(
            EventPlace.id,
            EventPlace.status,
            EncounterEvent.title,
            EncounterEvent.format,
            EncounterEvent.venue,
            EncounterEvent.held_on,
            EventSlot.label,
            EventSlot.starts_at,
            EventSlot.ends_at,
            EventPlace.waitlist_rank,
        )
        .join(EventSlot, EventSlot.id == EventPlace.slot_id)
        .join(EncounterEvent, EncounterEvent.id == EventSlot.event_id)
        .where(
            EventPlace.student_id == student_id, EventPlace.status.in_(("invited", "attended", "waitlisted"))
        )
        .order_by(EncounterEvent.held_on, EventSlot.starts_at)
    ).all()
    return [PupilPlace(*row) for row in rows]
