"""The hub admin's view of their hub: schools, employers, opportunities and rounds, one hub at a time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, select

from web.extensions import db
from web.models import Allocation, Employer, Hub, MatchRound, Opportunity, Preference, School, Student
from web.models.base import EMPLOYER_STATUSES, HOLDING_STATUSES, OPPORTUNITY_STATUSES


@dataclass(frozen=True)
class SchoolSummary:
    """One school's numbers: students on roll here, how many ranked choices, how many hold a place."""

    id: int
    name: str
    urn: str
    students: int
    ranked: int
    placed: int


@dataclass(frozen=True)
class OpportunityTally:
    """Opportunities in one status: how many, their seats and the seats already taken."""

    status: str
    count: int
    seats: int
    taken: int


@dataclass(frozen=True)
class RoundSummary:
    """One matching round as the hub admin sees it."""

    id: int
    school_name: str | None  # None: hub-wide
    kind: str | None
    mechanism: str
    status: str
    progress: int
    created_at: datetime
    finished_at: datetime | None


def get_hub(hub_id: int) -> Hub | None:
    """The hub with this id."""
    return db.session.get(Hub, hub_id)


def school_summaries(hub_id: int) -> list[SchoolSummary]:
    """Every school of the hub, by name, with its student, ranked and placed counts."""
    students = (
        select(Student.school_id, func.count().label("n"))
        .join(School, School.id == Student.school_id)
        .where(School.hub_id == hub_id)
        .group_by(Student.school_id)
        .subquery()
    )
    ranked = (
        select(Student.school_id, func.count(func.distinct(Student.id)).label("n"))
        .join(Preference, Preference.student_id == Student.id)
        .join(School, School.id == Student.school_id)
        .where(School.hub_id == hub_id)
        .group_by(Student.school_id)
        .subquery()
    )
    placed = (
        select(Student.school_id, func.count(func.distinct(Student.id)).label("n"))
        .join(Allocation, Allocation.student_id == Student.id)
        .join(School, School.id == Student.school_id)
        .where(School.hub_id == hub_id, Allocation.status.in_(HOLDING_STATUSES))
        .group_by(Student.school_id)
        .subquery()
    )
    rows = db.session.execute(
        select(
            School.id,
            School.name,
            School.urn,
            func.coalesce(students.c.n, 0),
            func.coalesce(ranked.c.n, 0),
            func.coalesce(placed.c.n, 0),
        )
        .outerjoin(students, students.c.school_id == School.id)
        .outerjoin(ranked, ranked.c.school_id == School.id)
        .outerjoin(placed, placed.c.school_id == School.id)
        .where(School.hub_id == hub_id)
        .order_by(School.name, School.id)
    )
    return [SchoolSummary(*row) for row in rows]


def employers_of_hub(hub_id: int) -> list[Employer]:
    """The hub's employers, those awaiting a decision first, then by name."""
    waiting_first = case(
        {status: order for order, status in enumerate(EMPLOYER_STATUSES)}, value=Employer.status
    )
    return list(
        db.session.scalars(
            select(Employer)
            .where(Employer.hub_id == hub_id)
            .order_by(waiting_first, Employer.name, Employer.id)
        )
    )


def employer_status_counts(hub_id: int) -> dict[str, int]:
    """How many of the hub's employers are in each status (every status listed, zero included)."""
    rows = db.session.execute(
        select(Employer.status, func.count()).where(Employer.hub_id == hub_id).group_by(Employer.status)
    )
    counts = dict.fromkeys(EMPLOYER_STATUSES, 0)
    counts.update({status: n for status, n in rows})
    return counts


def opportunity_tallies(hub_id: int) -> list[OpportunityTally]:
    """The hub's opportunities by status (every status listed), with total seats and seats taken."""
    rows = db.session.execute(
        select(
            Opportunity.status,
            func.count(),
            func.coalesce(func.sum(Opportunity.capacity), 0),
            func.coalesce(func.sum(Opportunity.places_taken), 0),
        )
        .join(Employer, Employer.id == Opportunity.employer_id)
        .where(Employer.hub_id == hub_id)
        .group_by(Opportunity.status)
    )
    found = {status: (int(n), int(seats), int(taken)) for status, n, seats, taken in rows}
    return [OpportunityTally(status, *found.get(status, (0, 0, 0))) for status in OPPORTUNITY_STATUSES]


def latest_rounds(hub_id: int, limit: int = 10) -> list[RoundSummary]:
    """The hub's most recent matching rounds, newest first."""
    rows = db.session.execute(
        select(
            MatchRound.id,
            School.name,
            MatchRound.kind,
            MatchRound.mechanism,
            MatchRound.status,
            MatchRound.progress,
            MatchRound.created_at,
            MatchRound.finished_at,
        )
        .outerjoin(School, School.id == MatchRound.school_id)
        .where(MatchRound.hub_id == hub_id)
        .order_by(MatchRound.created_at.desc(), MatchRound.id.desc())
        .limit(limit)
    )
    return [RoundSummary(*row) for row in rows]
