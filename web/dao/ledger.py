"""What the ledger counts for a set of pupils, in four set-based queries whatever their number: their
experience records (done), their invited event places and placements still to come (booked), and which of
them take a T Level (a live T Level placement). web/planner/entitlements.py does the arithmetic.

A provider encounter counts as an employer encounter too, as Benchmark 5 and the school's reports count it;
a workplace visit, as Benchmark 6, counts its hours in workplaces.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import numpy as np
from sqlalchemy import and_, select

from web.dao.event_places import EMPLOYER_TALK, RECORD_OF
from web.dao.records import T_LEVEL_COUNTED
from web.dates import academic_year_of
from web.extensions import db
from web.models import (
    Allocation,
    EncounterEvent,
    EventPlace,
    EventSlot,
    ExperienceRecord,
    Opportunity,
    PlanItem,
    PlanSession,
    Student,
    TermPlan,
)
from web.models.base import LIVE_STATUSES
from web.models.events import slot_hours
from web.planner.entitlements import FIRST_YEAR, Item, Standing, Target, ledger, past_spans
from web.planner.terms import term_dates

ONE = Decimal(1)
# A placement the pupil said yes to and has not finished is booked: its hours count when it is done.
BOOKED_PLACEMENTS = ("accepted", "consented", "confirmed")
T_LEVEL = "t_level_placement"


def _measures(benchmark: str, kind: str, hours: Decimal) -> list[tuple[str, Decimal]]:
    """What a record (or a booking that will become one) counts toward."""
    if benchmark == "6":
        return [("workplace_hours", hours)]
    if kind == "technical_provider":
        return [("employer", ONE), ("provider", ONE)]
    return [("employer", ONE)]


def items_of(student_ids: Collection[int], today: date, since: date) -> dict[int, list[Item]]:
    """Each pupil's records since that day and their bookings after today, as ledger items."""
    items: dict[int, list[Item]] = defaultdict(list)
    if not student_ids:
        return items
    ids = list(student_ids)
    records = db.session.execute(
        select(
            ExperienceRecord.student_id,
            ExperienceRecord.on_date,
            ExperienceRecord.benchmark,
            ExperienceRecord.kind,
            ExperienceRecord.hours,
        ).where(ExperienceRecord.student_id.in_(ids), ExperienceRecord.on_date >= since)
    )
    for student_id, on_date, benchmark, kind, hours in records:
        for measure, amount in _measures(benchmark, kind, hours):
            items[student_id].append(Item(on_date, measure, amount))
    places = db.session.execute(
        select(
            EventPlace.student_id,
            EncounterEvent.held_on,
            EncounterEvent.format,
            EventSlot.starts_at,
            EventSlot.ends_at,
        )
        .join(EventSlot, EventSlot.id == EventPlace.slot_id)
        .join(EncounterEvent, EncounterEvent.id == EventSlot.event_id)
        .where(EventPlace.student_id.in_(ids), EventPlace.status == "invited", EncounterEvent.held_on > today)
    )
    for student_id, held_on, format_, starts_at, ends_at in places:
        benchmark, kind = RECORD_OF.get(format_, EMPLOYER_TALK)
        hours = slot_hours(starts_at, ends_at)
        for measure, amount in _measures(benchmark, kind, hours):
            items[student_id].append(Item(held_on, measure, amount))
    placements = db.session.execute(
        select(
            Allocation.student_id,
            Allocation.status,
            Allocation.attended_hours,
            Opportunity.kind,
            Opportunity.start_date,
            Opportunity.end_date,
            Opportunity.hours_per_day,
        )
        .join(Opportunity, Opportunity.id == Allocation.opportunity_id)
        .where(
            Allocation.student_id.in_(ids),
            Allocation.status.in_((*BOOKED_PLACEMENTS, "completed")),
            Opportunity.end_date >= since,
        )
    )
    later = today + timedelta(days=1)
    for student_id, measure, amount, year, term in _approved_plans(ids, today):
        day = max(term_dates(year, term)[0], later)
        items[student_id].extend(Item(day, each, amount) for each in _plan_measures(measure))
    for student_id, status, attended, kind, start, end, per_day in placements:
        planned = per_day * int(np.busday_count(start, end + timedelta(days=1)))
        if status != "completed":  # a completed placement is on the record already
            items[student_id].append(Item(max(end, later), "workplace_hours", planned))
        if kind == T_LEVEL:
            done = attended or Decimal(0) if status in T_LEVEL_COUNTED else Decimal(0)
            items[student_id].append(Item(min(start, today), "t_level_hours", done))
            if status != "completed" and planned > done:
                items[student_id].append(Item(max(end, later), "t_level_hours", planned - done))
    return items


def _approved_plans(ids: list[int], today: date) -> list[tuple[int, str, Decimal, int, int]]:
    """These pupils' approved places in their hub's kept plans for terms not yet over."""
    rows = db.session.execute(
        select(PlanItem.student_id, PlanItem.measure, PlanItem.amount, TermPlan.academic_year, TermPlan.term)
        .join(TermPlan, TermPlan.id == PlanItem.plan_id)
        .join(PlanSession, PlanSession.id == PlanItem.session_id)
        .where(
            PlanItem.student_id.in_(ids),
            PlanItem.status == "approved",
            TermPlan.kept.is_(True),
            PlanSession.event_id.is_(None),  # once an event, its invited places count instead
        )
    ).all()
    return [tuple(row) for row in rows if term_dates(row.academic_year, row.term)[1] >= today]  # type: ignore[misc]


def _plan_measures(measure: str) -> tuple[str, ...]:
    """A planned place counts as its record will: a provider encounter is an employer encounter too."""
    return ("employer", "provider") if measure == "provider" else (measure,)


def t_level_students(student_ids: Collection[int]) -> set[int]:
    """Those of these pupils taking a T Level: with a live or completed T Level placement."""
    if not student_ids:
        return set()
    return set(
        db.session.scalars(
            select(Allocation.student_id)
            .join(Opportunity, and_(Opportunity.id == Allocation.opportunity_id, Opportunity.kind == T_LEVEL))
            .where(
                Allocation.student_id.in_(list(student_ids)),
                Allocation.status.in_((*LIVE_STATUSES, "completed")),
            )
            .distinct()
        )
    )


@dataclass(frozen=True)
class PupilLedger:
    """One pupil and their standing on each entitlement that applies to them this year."""

    student: Student
    standings: list[Standing]

    def of(self, key: str) -> Standing | None:
        return next((standing for standing in self.standings if standing.target.key == key), None)


def since_for(year_group: int, today: date) -> date:
    """The first day any entitlement of a pupil in this year group counts from: when they began Year 7."""
    return date(academic_year_of(today) - (max(year_group, FIRST_YEAR) - FIRST_YEAR), 9, 1)


def year_group_ledgers(
    school_id: int, year_group: int, group: str, targets: list[Target], today: date
) -> list[PupilLedger]:
    """The ledgers of the school's current pupils in this year group (of a group: disadvantaged, SEND,
    or a tutor group's name), by surname, in five queries."""
    query = select(Student).where(
        Student.school_id == school_id, Student.left_on.is_(None), Student.year_group == year_group
    )
    if group == "disadvantaged":
        query = query.where(Student.disadvantaged.is_(True))
    elif group == "send":
        query = query.where(Student.send.is_(True))
    pupils = db.session.scalars(query.order_by(Student.last_name, Student.first_name, Student.id)).all()
    ids = [pupil.id for pupil in pupils]
    items = items_of(ids, today, since_for(year_group, today))
    t_level = t_level_students(ids)
    if group == "no_experience":
        pupils = [pupil for pupil in pupils if not _experienced(items.get(pupil.id, []), today)]
    return [
        PupilLedger(pupil, ledger(targets, year_group, items.get(pupil.id, []), today, pupil.id in t_level))
        for pupil in pupils
    ]


def _experienced(items: list[Item], today: date) -> bool:
    return any(item.measure == "workplace_hours" and item.on_date <= today and item.amount for item in items)


def pupil_ledger(
    student: Student, targets: list[Target], today: date
) -> tuple[list[Standing], list[Standing]]:
    """One pupil's standings this year, and the spans they have finished (done or missed)."""
    items = items_of([student.id], today, since_for(student.year_group, today)).get(student.id, [])
    t_level = student.id in t_level_students([student.id])
    return (
        ledger(targets, student.year_group, items, today, t_level),
        past_spans(targets, student.year_group, items, today),
    )
