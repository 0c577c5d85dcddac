"""Matching rounds: a school's students and rounds, and what a round's task reads and writes."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.dialects import postgresql, sqlite

from web.dao.round_claims import WAITING_STAGE
from web.dao.vetting import evidence_current
from web.extensions import db
from web.models import (
    Allocation,
    Employer,
    ExperienceRecord,
    MatchRound,
    Opportunity,
    Preference,
    School,
    Student,
)
from web.models.base import HOLDING_STATUSES, UNDONE_STATUSES, WAITING_STATUSES, utcnow


def get_school(school_id: int) -> School | None:
    """The school with this id."""
    return db.session.get(School, school_id)


def get_student(student_id: int) -> Student | None:
    """The student with this id."""
    return db.session.get(Student, student_id)


def school_students_summary(school_id: int) -> list[tuple[Student, bool, bool]]:
    """The school's students by name, each with whether they ranked anything and hold a placement."""
    ranked = exists().where(Preference.student_id == Student.id)
    placed = exists().where(Allocation.student_id == Student.id, Allocation.status.in_(HOLDING_STATUSES))
    rows = db.session.execute(
        select(Student, ranked, placed)
        .where(Student.school_id == school_id)
        .order_by(Student.last_name, Student.first_name, Student.id)
    )
    return [(student, bool(has_ranked), bool(has_place)) for student, has_ranked, has_place in rows]


def student_preferences(student_id: int) -> list[tuple[Preference, Opportunity, Employer]]:
    """A student's ranked choices, most wanted first, with each opportunity and its employer."""
    rows = db.session.execute(
        select(Preference, Opportunity, Employer)
        .join(Opportunity, Preference.opportunity_id == Opportunity.id)
        .join(Employer, Opportunity.employer_id == Employer.id)
        .where(Preference.student_id == student_id)
        .order_by(Preference.rank)
    )
    return [tuple(row) for row in rows]  # type: ignore[misc]


def student_allocations(student_id: int) -> list[tuple[Allocation, Opportunity, Employer]]:
    """A student's allocations from every round (not what-if drafts), newest first, with each opportunity
    and its employer."""
    rows = db.session.execute(
        select(Allocation, Opportunity, Employer)
        .join(Opportunity, Allocation.opportunity_id == Opportunity.id)
        .join(Employer, Opportunity.employer_id == Employer.id)
        .where(Allocation.student_id == student_id, Allocation.status != "draft")
        .order_by(Allocation.created_at.desc(), Allocation.id.desc())
    )
    return [tuple(row) for row in rows]  # type: ignore[misc]


def get_round(round_id: int) -> MatchRound | None:
    """The round with this id."""
    return db.session.get(MatchRound, round_id)


def school_rounds(school_id: int) -> list[MatchRound]:
    """The school's own rounds, newest first."""
    return list(
        db.session.scalars(
            select(MatchRound)
            .where(MatchRound.school_id == school_id)
            .order_by(MatchRound.created_at.desc(), MatchRound.id.desc())
        )
    )


def allocation_counts(round_ids: Sequence[int], school_id: int | None = None) -> dict[int, dict[str, int]]:
    """round id -> allocation status -> how many, for these rounds (only this school's students, if given:
    a careers leader's share of a hub-wide round)."""
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    if round_ids:
        query = (
            select(Allocation.round_id, Allocation.status, func.count())
            .where(Allocation.round_id.in_(round_ids))
            .group_by(Allocation.round_id, Allocation.status)
        )
        if school_id is not None:
            query = query.join(Student, Allocation.student_id == Student.id).where(
                Student.school_id == school_id
            )
        rows = db.session.execute(query)
        for round_id, status, n in rows:
            counts[round_id][status] = n
    return dict(counts)


def add_round(**fields: Any) -> MatchRound:
    """Add a queued round to the session (the caller's transaction commits it)."""
    match_round = MatchRound(status="queued", progress=0, stage=WAITING_STAGE, enqueued_at=utcnow(), **fields)
    db.session.add(match_round)
    db.session.flush()
    return match_round


def round_proposals(round_id: int) -> list[tuple[Allocation, Student, Opportunity, Employer]]:
    """A round's allocations with student, opportunity and employer, by student name."""
    rows = db.session.execute(
        select(Allocation, Student, Opportunity, Employer)
        .join(Student, Allocation.student_id == Student.id)
        .join(Opportunity, Allocation.opportunity_id == Opportunity.id)
        .join(Employer, Opportunity.employer_id == Employer.id)
        .where(Allocation.round_id == round_id)
        .order_by(Student.last_name, Student.first_name, Allocation.id)
    )
    return [tuple(row) for row in rows]  # type: ignore[misc]


# What a round's task reads and writes.


@dataclass(frozen=True)
class RoundScope:
    """Who and what a round covers besides its school or hub and kind, as kept in its policy: year groups,
    a window for placements' first days, and a travel limit below students' own."""

    year_groups: tuple[int, ...] = ()
    starts_from: date | None = None
    starts_until: date | None = None
    max_travel_km: float | None = None


SCOPE_KEYS = ("year_groups", "starts_from", "starts_until", "max_travel_km")


def round_scope(match_round: MatchRound) -> RoundScope:
    """The round's scope from its stored policy (dates as ISO text, missing keys for no limit)."""
    stored = match_round.policy or {}

    def day(key: str) -> date | None:
        value = stored.get(key)
        return date.fromisoformat(value) if value else None

    limit = stored.get("max_travel_km")
    return RoundScope(
        tuple(int(year) for year in stored.get("year_groups") or ()),
        day("starts_from"),
        day("starts_until"),
        float(limit) if limit is not None else None,
    )


@dataclass(frozen=True)
class RoundStudents:
    """The students a round matches, and how many of its scope it left out and why."""

    students: list[Student]
    holding: int  # already hold a placement of the round's kind
    waiting: int  # have a proposal or offer of that kind waiting for a decision


def round_students(match_round: MatchRound, today: date) -> RoundStudents:
    """The students a round covers (its school's, or every school's in its hub for a hub-wide round), less
    those who hold a placement of the round's kind (any kind, for an all-kinds round) that has not ended, or
    have a proposal or offer of that kind waiting on a placement still open: a second round must never
    propose them again, and one that has passed or closed must not shut them out."""

    def of_kind(statuses: tuple[str, ...], *still: Any) -> Any:
        query = (
            select(Allocation.id)
            .join(Opportunity, Allocation.opportunity_id == Opportunity.id)
            .where(Allocation.student_id == Student.id, Allocation.status.in_(statuses), *still)
        )
        if match_round.kind is not None:
            query = query.where(Opportunity.kind == match_round.kind)
        return query.exists()

    holds = of_kind(HOLDING_STATUSES, Opportunity.end_date >= today)
    waits = of_kind(WAITING_STATUSES, Opportunity.status == "published", Opportunity.start_date > today)
    # Leavers stay on record but are matched no more.
    query = select(Student, holds, waits).where(Student.left_on.is_(None)).order_by(Student.id)
    year_groups = round_scope(match_round).year_groups
    if year_groups:
        query = query.where(Student.year_group.in_(year_groups))
    if match_round.school_id is not None:
        query = query.where(Student.school_id == match_round.school_id)
    else:
        query = query.join(School, Student.school_id == School.id).where(School.hub_id == match_round.hub_id)
    students, holding, waiting = [], 0, 0
    for student, held, waited in db.session.execute(query):
        if held:
            holding += 1
        elif waited:
            waiting += 1
        else:
            students.append(student)
    return RoundStudents(students, holding, waiting)


def round_opportunities(match_round: MatchRound, today: date) -> tuple[list[Opportunity], int]:
    """The hub's published opportunities not yet started (of the round's kind if it has one) from approved
    employers whose safeguarding evidence is current, and how many were left out because it is not."""
    query = (
        select(Opportunity, evidence_current(today))
        .join(Employer, Opportunity.employer_id == Employer.id)
        .where(
            Employer.hub_id == match_round.hub_id,
            Employer.status == "approved",  # a suspended or pending employer's places are not "left out"
            Opportunity.status == "published",
            Opportunity.self_found.is_(False),  # a placement a student found is theirs, never matched
            # One that starts today or has started cannot be offered: an offer is answered before the start.
            Opportunity.start_date > today,
        )
        .order_by(Opportunity.id)
    )
    if match_round.kind is not None:
        query = query.where(Opportunity.kind == match_round.kind)
    scope = round_scope(match_round)
    if scope.starts_from is not None:
        query = query.where(Opportunity.start_date >= scope.starts_from)
    if scope.starts_until is not None:
        query = query.where(Opportunity.start_date <= scope.starts_until)
    places, lapsed = [], 0
    for place, current in db.session.execute(query):
        if current:
            places.append(place)
        else:
            lapsed += 1
    return places, lapsed


@dataclass(frozen=True)
class TopUp:
    """What a top-up round of a finished round would have to work with now."""

    free_seats: int  # on placements of the round's kind still open to matching
    unplaced: int  # students it covers who hold no placement of that kind and have none waiting


def top_up_now(match_round: MatchRound, today: date) -> TopUp:
    """The seats free now for the round's kind (published, not started, evidence current, less those held
    or spoken for by proposals and offers) and the students still unplaced."""
    places, _ = round_opportunities(match_round, today)
    places = [place for place in places if place.start_date > today]
    held = outstanding_seats([place.id for place in places])
    free = sum(max(0, place.capacity - place.places_taken - held.get(place.id, 0)) for place in places)
    return TopUp(free, len(round_students(match_round, today).students))


def add_top_up(match_round: MatchRound, seed: int, user_id: int) -> MatchRound:
    """Add a queued top-up round of this one: same scope, kind, mechanism and policy, a new seed."""
    return add_round(
        hub_id=match_round.hub_id,
        school_id=match_round.school_id,
        kind=match_round.kind,
        mechanism=match_round.mechanism,
        policy=match_round.policy,
        seed=seed,
        top_up_of_id=match_round.id,
        created_by_id=user_id,
    )


def rankings(student_ids: Iterable[int]) -> dict[int, list[tuple[int, int]]]:
    """student id -> (opportunity id, rank) of what they ranked, most wanted first."""
    ranked: dict[int, list[tuple[int, int]]] = defaultdict(list)
    ids = list(student_ids)
    if ids:
        rows = db.session.execute(
            select(Preference.student_id, Preference.opportunity_id, Preference.rank)
            .where(Preference.student_id.in_(ids))
            .order_by(Preference.student_id, Preference.rank)
        )
        for student_id, opportunity_id, rank in rows:
            ranked[student_id].append((opportunity_id, rank))
    return dict(ranked)


def experienced_students(student_ids: Iterable[int]) -> set[int]:
    """Those of these students with a workplace experience on record (Benchmark 6) or a placement held."""
    ids = list(student_ids)
    if not ids:
        return set()
    recorded = select(ExperienceRecord.student_id).where(
        ExperienceRecord.student_id.in_(ids), ExperienceRecord.benchmark == "6"
    )
    held = select(Allocation.student_id).where(
        Allocation.student_id.in_(ids), Allocation.status.in_(HOLDING_STATUSES)
    )
    return set(db.session.scalars(recorded)) | set(db.session.scalars(held))


def busy_dates(student_ids: Iterable[int]) -> dict[int, list[tuple[date, date]]]:
    """student id -> first and last days of the placements they hold."""
    busy: dict[int, list[tuple[date, date]]] = defaultdict(list)
    ids = list(student_ids)
    if ids:
        rows = db.session.execute(
            select(Allocation.student_id, Opportunity.start_date, Opportunity.end_date)
            .join(Opportunity, Allocation.opportunity_id == Opportunity.id)
            .where(Allocation.student_id.in_(ids), Allocation.status.in_(HOLDING_STATUSES))
            .order_by(Allocation.student_id, Opportunity.start_date)
        )
        for student_id, start, end in rows:
            busy[student_id].append((start, end))
    return dict(busy)


# A place the student turned down or gave up, or their parent or the employer said no to: a later round
# gives its seat to someone else, never back to them. So is an offer they let run out (but not one that
# was full when they said yes: they wanted it). A proposal the careers leader rejected may come back: a
# round run again with other settings can still want it.
REFUSED_STATUSES = ("declined", *UNDONE_STATUSES)


def refused_places(student_ids: Iterable[int]) -> dict[int, list[int]]:
    """student id -> opportunities never to propose to them again."""
    refused: dict[int, list[int]] = defaultdict(list)
    ids = list(student_ids)
    if ids:
        rows = db.session.execute(
            select(Allocation.student_id, Allocation.opportunity_id)
            .where(
                Allocation.student_id.in_(ids),
                or_(
                    Allocation.status.in_(REFUSED_STATUSES),
                    and_(Allocation.status == "expired", Allocation.responded_at.is_(None)),
                ),
            )
            .distinct()
        )
        for student_id, opportunity_id in rows:
            refused[student_id].append(opportunity_id)
    return dict(refused)


def outstanding_seats(opportunity_ids: Iterable[int]) -> dict[int, int]:
    """opportunity id -> seats spoken for by proposals and offers not yet decided, which a new round must
    not hand out again."""
    ids = list(opportunity_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        select(Allocation.opportunity_id, func.count())
        .where(Allocation.opportunity_id.in_(ids), Allocation.status.in_(WAITING_STATUSES))
        .group_by(Allocation.opportunity_id)
    )
    return {opportunity_id: n for opportunity_id, n in rows}


def add_proposals(round_id: int, proposals: list[dict[str, Any]], status: str = "proposed") -> int:
    """Insert the round's proposals (student_id, opportunity_id, score, rank, explanation) in one statement,
    "proposed" (or "draft" for a what-if draft); how many were stored. A student who got a live allocation of
    that place from elsewhere meanwhile is skipped: the database keeps one live allocation per student and
    place (drafts are not live, so never clash)."""
    if proposals:
        dialect = sqlite if db.session.get_bind().dialect.name == "sqlite" else postgresql
        now = utcnow()
        rows = [{"round_id": round_id, "status": status, "created_at": now, **p} for p in proposals]
        db.session.execute(dialect.insert(Allocation).on_conflict_do_nothing(), rows)
    stored = select(func.count()).select_from(Allocation).where(Allocation.round_id == round_id)
    return int(db.session.scalar(stored) or 0)
