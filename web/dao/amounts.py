"""Every current pupil's amounts toward their entitlements by academic year, for a whole hub at once: the
records done (and any dated after today, booked), their invited places at events to come, and approved
places in kept term plans; the planner and the forecast turn them into gaps (web/planner/gaps.py)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import numpy as np
from sqlalchemy import Integer, and_, cast, func, or_, select

from web.dao.event_places import EMPLOYER_TALK, RECORD_OF
from web.dao.reports import _academic_year
from web.dates import academic_year_of
from web.extensions import db
from web.models import (
    EncounterEvent,
    EventPlace,
    EventSlot,
    ExperienceRecord,
    PlanItem,
    PlanSession,
    School,
    Student,
    TermPlan,
)
from web.models.events import slot_hours
from web.planner.entitlements import FIRST_YEAR, LAST_YEAR
from web.planner.gaps import PLANNED, Amounts
from web.planner.terms import term_dates


def _current(hub_id: int) -> list[Any]:
    """The conditions on a Student row of being one of the hub's current pupils in Years 7 to 13."""
    return [
        Student.school_id.in_(select(School.id).where(School.hub_id == hub_id)),
        Student.left_on.is_(None),
        Student.anonymised_at.is_(None),
        Student.year_group.between(FIRST_YEAR, LAST_YEAR),
    ]


def current_pupils(hub_id: int, *columns: Any) -> list[Any]:
    """The hub's current pupils in Years 7 to 13 (leavers and the anonymised left out), by id: each row
    Student.id and these columns."""
    return list(
        db.session.execute(select(Student.id, *columns).where(*_current(hub_id)).order_by(Student.id)).all()
    )


def amounts_of(
    hub_id: int, student_ids: np.ndarray, today: date, replanned: tuple[int, int] | None = None
) -> Amounts:
    """Each pupil's amounts by academic year: their records since the oldest pupil began Year 7 (done up
    to today, booked after), their invited places at events to come, and approved places in kept plans
    (but the term being replanned's). student_ids must be sorted; others' rows are left out."""
    this_year = academic_year_of(today)
    since = date(this_year - (LAST_YEAR - FIRST_YEAR), 9, 1)
    year = _academic_year(ExperienceRecord.on_date)
    later = ExperienceRecord.on_date > today
    encounter = ExperienceRecord.benchmark == "5"
    provider = ExperienceRecord.kind == "technical_provider"
    tenths = cast(func.round(ExperienceRecord.hours * 10), Integer)
    columns = []
    for booked in (False, True):
        when = later if booked else ~later
        columns += [
            func.count().filter(and_(encounter, when)),
            func.count().filter(and_(provider, when)),
            func.coalesce(func.sum(tenths).filter(and_(ExperienceRecord.benchmark == "6", when)), 0),
        ]
    records = db.session.execute(
        select(ExperienceRecord.student_id, year, *columns)
        .join(Student, Student.id == ExperienceRecord.student_id)
        .where(*_current(hub_id), ExperienceRecord.on_date >= since)
        .group_by(ExperienceRecord.student_id, year)
    ).all()
    found: dict[tuple[int, int], list[float]] = {}
    for student_id, academic_year, *values in records:
        found[(student_id, int(academic_year))] = [
            float(values[0]),
            float(values[1]),
            values[2] / 10,
            float(values[3]),
            float(values[4]),
            values[5] / 10,
        ]
    for student_id, held_on, format_, starts_at, ends_at in _places(hub_id, today):
        benchmark, kind = RECORD_OF.get(format_, EMPLOYER_TALK)
        row = found.setdefault((student_id, academic_year_of(held_on)), [0.0] * 6)
        if benchmark == "6":
            row[5] += float(slot_hours(starts_at, ends_at))
        else:
            row[3] += 1
            row[4] += kind == "technical_provider"
    for student_id, measure, amount, academic_year in _approved(hub_id, replanned, today):
        row = found.setdefault((student_id, academic_year), [0.0] * 6)
        column = PLANNED.index(measure)
        row[3 + column] += float(amount)
        if measure == "provider":
            row[3] += float(amount)
    keys = list(found)
    ids = np.array([k[0] for k in keys], dtype=np.int64)
    index = np.searchsorted(student_ids, ids)
    inside = (index < student_ids.size) & (student_ids[np.minimum(index, student_ids.size - 1)] == ids)
    values = np.array([found[k] for k in keys], dtype=np.float64).reshape(-1, 6)
    return Amounts(
        pupil=index[inside],
        year=np.array([k[1] for k in keys], dtype=np.int64)[inside],
        done=values[inside, :3],
        booked=values[inside, 3:],
    )


def _places(hub_id: int, today: date) -> list[tuple[int, date, str, datetime, datetime]]:
    rows = db.session.execute(
        select(
            EventPlace.student_id,
            EncounterEvent.held_on,
            EncounterEvent.format,
            EventSlot.starts_at,
            EventSlot.ends_at,
        )
        .join(EventSlot, EventSlot.id == EventPlace.slot_id)
        .join(EncounterEvent, EncounterEvent.id == EventSlot.event_id)
        .where(
            EncounterEvent.hub_id == hub_id, EventPlace.status == "invited", EncounterEvent.held_on > today
        )
    )
    return [tuple(row) for row in rows]  # type: ignore[misc]


def _approved(
    hub_id: int, replanned: tuple[int, int] | None, today: date
) -> list[tuple[int, str, float, int]]:
    """Approved items of the hub's kept plans for terms not yet over, but the term being replanned's (as
    the ledger counts them: after its term, a place is on the record or was missed)."""
    year, term = replanned or (0, 0)
    other_term = or_(TermPlan.academic_year != year, TermPlan.term != term)
    rows = db.session.execute(
        select(PlanItem.student_id, PlanItem.measure, PlanItem.amount, TermPlan.academic_year, TermPlan.term)
        .join(TermPlan, TermPlan.id == PlanItem.plan_id)
        .join(PlanSession, PlanSession.id == PlanItem.session_id)
        .where(
            TermPlan.hub_id == hub_id,
            TermPlan.kept.is_(True),
            PlanItem.status == "approved",
            PlanSession.event_id.is_(None),  # once an event, its invited places count instead
            other_term,
        )
    )
    return [
        (student_id, measure, float(amount), academic_year_of(term_dates(plan_year, plan_term)[0]))
        for student_id, measure, amount, plan_year, plan_term in rows
        if term_dates(plan_year, plan_term)[1] >= today
    ]
