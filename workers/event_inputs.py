"""What an event allocation reads from the database, as the engine's SlotInstance: the hub's open events and
their slots (over-invited by each format's no-show rate) in sessions of stands at the same time, and the
pupils of their schools and year groups, with the time each already holds elsewhere."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from itertools import groupby

import numpy as np
from sqlalchemy import Row, Select, String, cast, func, select

from matcher.slots import SlotInstance, invite_limit, no_show_rate, with_slot_shares
from web.dao import events as events_dao
from web.dates import academic_year_of
from web.extensions import db
from web.models import EventPlace, EventSchool, EventSlot, ExperienceRecord, Student
from web.models.events import HOLDING

EPOCH = datetime(2000, 1, 1)
# How well a slot fits a pupil: their routes (a fair is for every route) and the pathway they lean to.
ROUTE_FIT, ANY_ROUTE, OTHER_ROUTE = 1.0, 0.6, 0.2
PATHWAY_WEIGHT = 0.25


@dataclass(frozen=True)
class EventInputs:
    """The instance, and the database ids behind its indices.

    The engine's slots are sessions: an event's stands (slots) at the same times, which a pupil cannot tell
    apart (they score them alike and may hold one), so the engine sees a pupil's fair as its periods, not its
    40 stands, and the network is several times smaller. `sessions[j]` lists session j's stands (indices
    into `slot_ids`), `seats[i]` is stand i's free seats, `rows[student id]` the slots the pupil already has a
    place (of any status) in, which they cannot be given again.
    """

    instance: SlotInstance
    student_ids: list[int]
    slot_ids: list[int]  # plain ids: the task commits its progress, which expires the objects read
    event_ids: list[int]
    invite_limits: dict[int, int]
    sessions: list[list[int]]
    seats: list[int]
    rows: dict[int, set[int]]


# A slot as read (id, event_id, starts_at, ends_at, capacity, places_taken); a pupil's kind (school, year,
# routes, pathway), which settles their list when they hold no place.
_Slot = Row[int, int, datetime, datetime, int, int]
_Kind = tuple[int, int, tuple[str, ...], str]


def _minutes(moment: datetime) -> int:
    return int((moment - EPOCH).total_seconds() // 60)


def load_event_inputs(hub_id: int, today: date) -> EventInputs:
    """The hub's open events to come, their sessions and eligible pupils, ready for allocate_slots."""
    events = events_dao.open_events(hub_id, today)
    by_id = {event.id: event for event in events}
    # Rows, not objects: the session need not track (nor the task expire) thousands of slots.
    slots = db.session.execute(
        select(
            EventSlot.id,
            EventSlot.event_id,
            EventSlot.starts_at,
            EventSlot.ends_at,
            EventSlot.capacity,
            EventSlot.places_taken,
        )
        .where(EventSlot.event_id.in_(by_id))
        .order_by(EventSlot.event_id, EventSlot.starts_at, EventSlot.ends_at, EventSlot.id)
    ).all()
    rates = events_dao.no_shows_by_format(hub_id)
    rate = {event.id: no_show_rate(*rates.get(event.format, (0, 0))) for event in events}
    limit_of = cache(invite_limit)  # exact fractions, so worked out once per capacity and rate
    limits = {slot.id: limit_of(slot.capacity, rate[slot.event_id]) for slot in slots}
    seats = [max(limits[slot.id] - slot.places_taken, 0) for slot in slots]
    # Sorted by event and time, so each session's stands are a run.
    sessions = [list(run) for _, run in groupby(range(len(slots)), key=lambda i: _when(slots[i]))]
    event_index = {event.id: i for i, event in enumerate(events)}
    sessions_of: dict[int, list[int]] = defaultdict(list)
    for j, stands in enumerate(sessions):
        sessions_of[slots[stands[0]].event_id].append(j)
    taking_part = (
        select(Student.id)
        .join(EventSchool, EventSchool.school_id == Student.school_id)
        .where(EventSchool.event_id.in_(by_id), Student.left_on.is_(None))
    )
    events_of: dict[int, list[int]] = defaultdict(list)
    for school_id, event_id in db.session.execute(
        select(EventSchool.school_id, EventSchool.event_id)
        .where(EventSchool.event_id.in_(by_id))
        .order_by(EventSchool.event_id)
    ):
        events_of[school_id].append(event_id)
    pupils = db.session.execute(
        select(
            Student.id,
            Student.school_id,
            Student.year_group,
            Student.disadvantaged,
            Student.send,
            # As written, so each distinct list of routes is decoded once, not once a pupil.
            cast(Student.routes, String),
            Student.pathway_interest,
        )
        .where(Student.school_id.in_(events_of), Student.left_on.is_(None))
        .order_by(Student.id)
    )
    decoded = cache(lambda text: tuple(json.loads(text) or ()) if text else ())
    years = {event.id: set(event.year_groups or []) for event in events}
    most = {event.id: event.max_slots for event in events}
    kinds = {event.id: (event.route, event.pathway) for event in events}
    # A pupil's list depends on their school, year, routes and pathway, and on the places they hold: pupils
    # alike who hold none share one list, worked out once.
    eligible: dict[int, _Kind] = {}
    about: dict[int, tuple[int, bool]] = {}
    for student_id, school_id, year, disadvantaged, send, routes, pathway in pupils:
        if any(year in years[e] for e in events_of[school_id]):
            eligible[student_id] = (school_id, year, decoded(routes), pathway or "both")
            about[student_id] = (school_id, bool(disadvantaged or send))
    student_ids = sorted(eligible)
    held, rows = _held_times(taking_part)
    met = _with_encounter(taking_part, today)
    school_list = sorted({about[s][0] for s in student_ids})
    school_index = {school_id: k for k, school_id in enumerate(school_list)}

    fit = cache(_fit)  # a few events' kinds and pupils' routes, many pupils

    @cache
    def events_for(school_id: int, year: int) -> tuple[list[int], list[int], int]:
        """The events a pupil of this school and year may go to, all their sessions, and most slots."""
        theirs = [e for e in events_of[school_id] if year in years[e]]
        return theirs, [j for e in theirs for j in sessions_of[e]], sum(most[e] for e in theirs)

    @cache
    def listed(key: _Kind) -> tuple[list[int], list[float], int]:
        """The sessions a pupil of this kind holding nothing may take, their scores, and most slots."""
        school_id, year, routes, pathway = key
        theirs, free, at_most = events_for(school_id, year)
        scores = []
        for event_id in theirs:
            scores += [fit(*kinds[event_id], routes, pathway)] * len(sessions_of[event_id])
        return free, scores, at_most

    ptr, pair_slot, pair_score = [0], [], []
    max_slots = []
    for student_id in student_ids:
        free, scores, at_most = listed(eligible[student_id])
        busy, mine = held.get(student_id, []), rows.get(student_id, set())
        if busy or mine:
            keep = [n for n, j in enumerate(free) if _free(slots, sessions[j], busy, mine)]
            free, scores = [free[n] for n in keep], [scores[n] for n in keep]
        pair_slot += free
        pair_score += scores
        ptr.append(len(pair_slot))
        max_slots.append(at_most)
    pupil_school = np.array([school_index[about[s][0]] for s in student_ids], dtype=np.int32)
    firsts = [slots[stands[0]] for stands in sessions]
    # Each school is owed a share of the places in proportion to the slots its pupils may hold.
    instance = SlotInstance(
        pupil_ids=[str(s) for s in student_ids],
        slot_ids=[",".join(str(slots[i].id) for i in stands) for stands in sessions],
        pref_ptr=np.array(ptr, dtype=np.int64),
        pref_slot=np.array(pair_slot, dtype=np.int32),
        pref_score=np.array(pair_score, dtype=np.float64),
        capacity=np.array([sum(seats[i] for i in stands) for stands in sessions], dtype=np.int64),
        slot_start=np.array([_minutes(slot.starts_at) for slot in firsts], dtype=np.int64),
        slot_end=np.array([_minutes(slot.ends_at) for slot in firsts], dtype=np.int64),
        slot_event=np.array([event_index[slot.event_id] for slot in firsts], dtype=np.int32),
        event_one_each=np.array([event.max_slots == 1 for event in events], dtype=bool),
        max_slots=np.array(max_slots, dtype=np.int64),
        no_encounter=np.array([s not in met for s in student_ids], dtype=bool),
        priority=np.array([about[s][1] for s in student_ids], dtype=bool),
        pupil_school=pupil_school,
        school_names=[str(school_id) for school_id in school_list],
    )
    return EventInputs(
        with_slot_shares(instance),
        student_ids,
        [slot.id for slot in slots],
        list(by_id),
        limits,
        sessions,
        seats,
        dict(rows),
    )


def _when(slot: _Slot) -> tuple[int, datetime, datetime]:
    return slot.event_id, slot.starts_at, slot.ends_at


def _free(
    slots: Sequence[_Slot], stands: list[int], busy: list[tuple[datetime, datetime]], mine: set[int]
) -> bool:
    """Whether a pupil may take this session: free at its time, with a stand they have no place in yet."""
    first = slots[stands[0]]
    if any(a < first.ends_at and first.starts_at < b for a, b in busy):
        return False
    return any(slots[i].id not in mine for i in stands)


def _fit(route: str | None, leaning: str, routes: tuple[str, ...], pathway: str) -> float:
    """How well an event of this route (None: every route) and pathway fits a pupil's routes and pathway."""
    on_route = ANY_ROUTE if route is None else ROUTE_FIT if route in routes else OTHER_ROUTE
    alike = 1.0 if "both" in (pathway, leaning) or pathway == leaning else 0.0
    return round((1 - PATHWAY_WEIGHT) * on_route + PATHWAY_WEIGHT * alike, 3)


def _held_times(
    student_ids: Select[int],
) -> tuple[dict[int, list[tuple[datetime, datetime]]], dict[int, set[int]]]:
    """Each pupil's times held (a proposed, invited or attended place blocks its time), and the slots they
    have a place of any status in (the database allows one row per pupil and slot)."""
    held: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)
    rows: dict[int, set[int]] = defaultdict(set)
    places = db.session.execute(
        select(
            EventPlace.student_id,
            EventPlace.slot_id,
            EventPlace.status,
            EventPlace.starts_at,
            EventPlace.ends_at,
        )
        .where(EventPlace.student_id.in_(student_ids))
        .execution_options(yield_per=10_000)
    )
    for student_id, slot_id, status, starts, ends in places:
        rows[student_id].add(slot_id)
        if status in HOLDING:
            held[student_id].append((starts, ends))
    return held, rows


def _with_encounter(student_ids: Select[int], today: date) -> set[int]:
    """The pupils who have had a Benchmark 5 encounter this academic year."""
    start = date(academic_year_of(today), 9, 1)
    return set(
        db.session.scalars(
            select(ExperienceRecord.student_id)
            .where(
                ExperienceRecord.student_id.in_(student_ids),
                ExperienceRecord.benchmark == "5",
                ExperienceRecord.on_date >= start,
                ExperienceRecord.on_date <= today,
            )
            .group_by(ExperienceRecord.student_id)
            .having(func.count() > 0)
        )
    )
