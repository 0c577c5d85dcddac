"""The hub admin's view of their hub: schools, employers, opportunities and rounds, one hub at a time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, func, or_, select
from sqlalchemy.sql.elements import ColumnElement

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


def _schools_matching(hub_id: int, search: str) -> list[ColumnElement[bool]]:
    """The hub's schools whose name contains `search` (any case), or whose URN starts with it."""
    conditions = [School.hub_id == hub_id]
    words = " ".join(search.split())
    if words:
        conditions.append(
            or_(
                func.lower(School.name).contains(words.lower(), autoescape=True),
                School.urn.startswith(words.replace(" ", ""), autoescape=True),
            )
        )
    return conditions


def count_schools(hub_id: int, search: str = "") -> int:
    """How many of the hub's schools the search finds (all of them when there is none)."""
    return int(db.session.scalar(select(func.count()).where(*_schools_matching(hub_id, search))) or 0)


def school_summaries(
    hub_id: int, search: str = "", page: int = 1, per_page: int | None = None
) -> list[SchoolSummary]:
    """A page of the hub's schools the search finds, by name, with their student, ranked and placed
    counts (every school when per_page is None); the counts are for that page's schools only."""
    query = select(School.id, School.name, School.urn).where(*_schools_matching(hub_id, search))
    query = query.order_by(School.name, School.id)
    if per_page is not None:
        query = query.limit(per_page).offset((page - 1) * per_page)
    schools = list(db.session.execute(query))
    ids = [school_id for school_id, _, _ in schools]
    if not ids:
        return []
    students = _per_school(select(Student.school_id, func.count()).where(Student.school_id.in_(ids)))
    ranked = _per_school(
        select(Student.school_id, func.count(func.distinct(Student.id)))
        .join(Preference, Preference.student_id == Student.id)
        .where(Student.school_id.in_(ids))
    )
    placed = _per_school(
        select(Student.school_id, func.count(func.distinct(Student.id)))
        .join(Allocation, Allocation.student_id == Student.id)
        .where(Student.school_id.in_(ids), Allocation.status.in_(HOLDING_STATUSES))
    )
    return [
        SchoolSummary(school_id, name, urn, *(n.get(school_id, 0) for n in (students, ranked, placed)))
        for school_id, name, urn in schools
    ]


def _per_school(query: Select[tuple[int, int]]) -> dict[int, int]:
    return {school_id: int(n) for school_id, n in db.session.execute(query.group_by(Student.school_id))}


def employers_waiting(hub_id: int, limit: int = 10) -> list[Employer]:
    """The hub's employers waiting for a decision (pending), those registered first first."""
    return list(
        db.session.scalars(
            select(Employer)
            .where(Employer.hub_id == hub_id, Employer.status == "pending")
            .order_by(Employer.created_at, Employer.id)
            .limit(limit)
        )
    )


def _employers_matching(hub_id: int, search: str, kind: str | None = None) -> list[ColumnElement[bool]]:
    """The hub's employers whose name contains `search`, in any case (all of them when it is empty), and
    of this kind when one is given."""
    conditions = [Employer.hub_id == hub_id]
    if kind is not None:
        conditions.append(Employer.kind == kind)
    words = " ".join(search.split())
    if words:
        conditions.append(func.lower(Employer.name).contains(words.lower(), autoescape=True))
    return conditions


def employers_page(
    hub_id: int,
    status: str | None = None,
    search: str = "",
    page: int = 1,
    per_page: int | None = None,
    kind: str | None = None,
) -> list[Employer]:
    """The hub's employers by name: only those in `status` (and of `kind`) when one is given and those whose
    name holds the search; a page of them when per_page is given."""
    matching = _employers_matching(hub_id, search, kind)
    query = select(Employer).where(*matching).order_by(Employer.name, Employer.id)
    if status is not None:
        query = query.where(Employer.status == status)
    if per_page is not None:
        query = query.limit(per_page).offset((page - 1) * per_page)
    return list(db.session.scalars(query))


def employer_status_counts(hub_id: int, search: str = "", kind: str | None = None) -> dict[str, int]:
    """How many of the hub's employers (whose name holds the search, of `kind` if given) are in each status,
    every status listed with zero included."""
    rows = db.session.execute(
        select(Employer.status, func.count())
        .where(*_employers_matching(hub_id, search, kind))
        .group_by(Employer.status)
    )
    counts = dict.fromkeys(EMPLOYER_STATUSES, 0)
    counts.update({status: int(n) for status, n in rows})
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
