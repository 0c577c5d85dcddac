"""Matching rounds: a school's students and rounds, and what a round's task reads and writes."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import orjson
from sqlalchemy import Executable, Row, Select, Text, and_, bindparam, case, exists, func, or_, select
from sqlalchemy.dialects import sqlite

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
#
# A hub-wide round covers tens of thousands of students: these read plain rows of the columns the engine
# needs (never ORM entities, which cost more to build than the query) and select the round's students by
# a subquery of its scope rather than a list of their ids (SQLite takes a few thousand bound values at
# most, and a long list is slow to send on PostgreSQL too).


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


def _rows(query: Executable) -> Sequence[Row[Any]]:
    """Run a select in the session's transaction as Core does and fetch every row at once: plain rows,
    without the ORM's handling of each row (a third of the time for tens of thousands of rows). Pending
    changes are flushed first, as the session's own execute would."""
    db.session.flush()
    return db.session.connection().execute(query).all()


def covered_students(match_round: MatchRound) -> Select[tuple[int]]:
    """The ids of the students a round covers, as a subquery: its school's (or, hub-wide, every school's in
    its hub) current students of its year groups. Leavers stay on record but are matched no more."""
    query = select(Student.id).where(Student.left_on.is_(None))
    year_groups = round_scope(match_round).year_groups
    if year_groups:
        query = query.where(Student.year_group.in_(year_groups))
    if match_round.school_id is not None:
        return query.where(Student.school_id == match_round.school_id)
    hub_schools = select(School.id).where(School.hub_id == match_round.hub_id)
    return query.where(Student.school_id.in_(hub_schools))


# A pupil with no usable home postcode (none in the MIS, or a ZZ99 pseudo-postcode for no fixed abode or a
# withheld address) is measured from their school's postcode: resolved here, never stored on their record.
_HOME_OR_SCHOOL = func.coalesce(
    func.nullif(Student.postcode, ""),
    select(School.postcode).where(School.id == Student.school_id).scalar_subquery(),
).label("postcode")
# The columns of a student the engine reads (web.models.Student), and of an opportunity.
STUDENT_COLUMNS = (
    Student.id,
    Student.school_id,
    Student.year_group,
    Student.date_of_birth,
    _HOME_OR_SCHOOL,
    Student.max_travel_km,
    Student.routes,
    Student.statement,
    Student.pathway_interest,
    Student.disadvantaged,
    Student.send,
    Student.available_from,
    Student.available_until,
    # Measured from the school's postcode (the home one is not known): the explanation says so.
    (func.coalesce(Student.postcode, "") == "").label("from_school"),
)
OPPORTUNITY_COLUMNS = (
    Opportunity.id,
    Opportunity.kind,
    Opportunity.title,
    Opportunity.description,
    Opportunity.route,
    Opportunity.pathway,
    Opportunity.postcode,
    Opportunity.remote,
    Opportunity.capacity,
    Opportunity.places_taken,
    Opportunity.start_date,
    Opportunity.end_date,
    Opportunity.year_groups,
    Opportunity.min_age,
    Opportunity.max_per_school,
)


@dataclass(frozen=True)
class RoundStudents:
    """The students a round matches (rows of STUDENT_COLUMNS, by id), and how many of its scope it left
    out and why."""

    students: list[Sequence[Any]]  # Row objects, which unpack as the tuples they are
    holding: int  # already hold a placement of the round's kind
    waiting: int  # have a proposal or offer of that kind waiting for a decision
    # school id -> {"holding": n, "waiting": n} for the schools with any left out, so that a hub-wide round
    # can say why a school has none in it.
    by_school: dict[int, dict[str, int]]


def round_students(match_round: MatchRound, today: date) -> RoundStudents:
    """The students a round covers (its school's, or every school's in its hub for a hub-wide round), less
    those who hold a placement of the round's kind (any kind, for an all-kinds round) that has not ended, or
    have a proposal or offer of that kind waiting on a placement still open: a second round must never
    propose them again, and one that has passed or closed must not shut them out."""
    holding, waiting = _holding_and_waiting(match_round, today)
    holds = {student_id for (student_id,) in _rows(holding.distinct())}
    waits = {student_id for (student_id,) in _rows(waiting.distinct())} - holds
    covered = covered_students(match_round)
    rows = _rows(select(*STUDENT_COLUMNS).where(Student.id.in_(covered)).order_by(Student.id))
    students = [row for row in rows if row.id not in holds and row.id not in waits]
    by_school: dict[int, dict[str, int]] = {}
    for row in rows:
        why = "holding" if row.id in holds else "waiting" if row.id in waits else None
        if why:
            counts = by_school.setdefault(row.school_id, {"holding": 0, "waiting": 0})
            counts[why] += 1
    return RoundStudents(students, len(holds), len(waits), by_school)


def _holding_and_waiting(match_round: MatchRound, today: date) -> tuple[Select[Any], Select[Any]]:
    """Subqueries of the ids of the round's students who hold a placement of its kind that has not ended,
    and of those with a proposal or offer of that kind waiting on a placement still open."""

    def of_kind(statuses: tuple[str, ...], *still: Any) -> Select[Any]:
        query = (
            select(Allocation.student_id)
            .join(Opportunity, Allocation.opportunity_id == Opportunity.id)
            .where(Allocation.student_id.in_(covered), Allocation.status.in_(statuses), *still)
        )
        if match_round.kind is not None:
            query = query.where(Opportunity.kind == match_round.kind)
        return query

    covered = covered_students(match_round)
    open_now = (Opportunity.status == "published", Opportunity.start_date > today)
    return of_kind(HOLDING_STATUSES, Opportunity.end_date >= today), of_kind(WAITING_STATUSES, *open_now)


def round_opportunities(match_round: MatchRound, today: date) -> tuple[list[Row[Any]], int]:
    """The hub's published opportunities not yet started (of the round's kind if it has one) from approved
    employers whose safeguarding evidence is current, as rows of OPPORTUNITY_COLUMNS and `held` (seats
    spoken for by proposals and offers not yet decided, as outstanding_seats counts them), by id; and how
    many were left out because the evidence is not current."""
    query = (
        _places(match_round, today, *OPPORTUNITY_COLUMNS, _HELD.label("held"), evidence_current(today))
        .outerjoin(_WAITING, _WAITING.c.opportunity_id == Opportunity.id)
        .order_by(Opportunity.id)
    )
    places, lapsed = [], 0
    for row in _rows(query):
        if row[-1]:
            places.append(row)
        else:
            lapsed += 1
    return places, lapsed


def _places(match_round: MatchRound, today: date, *columns: Any) -> Select[Any]:
    """A select of these columns of the places a round may match: its hub's published places from approved
    employers, not yet started, of its kind and in its window of first days."""
    query = (
        select(*columns)
        .select_from(Opportunity)
        .join(Employer, Opportunity.employer_id == Employer.id)
        .where(
            Employer.hub_id == match_round.hub_id,
            Employer.status == "approved",  # a suspended or pending employer's places are not "left out"
            Opportunity.status == "published",
            Opportunity.self_found.is_(False),  # a placement a student found is theirs, never matched
            # One that starts today or has started cannot be offered: an offer is answered before the start.
            Opportunity.start_date > today,
        )
    )
    if match_round.kind is not None:
        query = query.where(Opportunity.kind == match_round.kind)
    scope = round_scope(match_round)
    if scope.starts_from is not None:
        query = query.where(Opportunity.start_date >= scope.starts_from)
    if scope.starts_until is not None:
        query = query.where(Opportunity.start_date <= scope.starts_until)
    return query


# Seats spoken for by proposals and offers not yet decided, per place (outer-joined to the places).
_WAITING = (
    select(Allocation.opportunity_id, func.count().label("held"))
    .where(Allocation.status.in_(WAITING_STATUSES))
    .group_by(Allocation.opportunity_id)
    .subquery("waiting")
)
_HELD = func.coalesce(_WAITING.c.held, 0)


@dataclass(frozen=True)
class TopUp:
    """What a top-up round of a finished round would have to work with now."""

    free_seats: int  # on placements of the round's kind still open to matching
    unplaced: int  # students it covers who hold no placement of that kind and have none waiting


def top_up_now(match_round: MatchRound, today: date) -> TopUp:
    """The students still unplaced and, where there are any, the seats free now for the round's kind
    (published, not started, evidence current, less those held or spoken for by proposals and offers):
    counted in the database, as a careers leader's round page asks for them each time it is shown. With
    nobody unplaced there is nothing to top up, and the hub's places are not counted (0)."""
    holding, waiting = _holding_and_waiting(match_round, today)
    # Counted from the round's own students: from the whole student table, the planner reads every row.
    covered = covered_students(match_round).subquery()
    unplaced = int(
        db.session.scalar(
            select(func.count())
            .select_from(covered)
            .where(covered.c.id.not_in(holding), covered.c.id.not_in(waiting))
        )
        or 0
    )
    if not unplaced:
        return TopUp(0, 0)
    seats = Opportunity.capacity - Opportunity.places_taken - _HELD
    free = (
        _places(match_round, today, func.coalesce(func.sum(case((seats > 0, seats), else_=0)), 0))
        .outerjoin(_WAITING, _WAITING.c.opportunity_id == Opportunity.id)
        .where(evidence_current(today))
    )
    return TopUp(int(db.session.scalar(free) or 0), unplaced)


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


def rankings(match_round: MatchRound) -> dict[int, list[tuple[int, int]]]:
    """student id -> (opportunity id, rank) of what they ranked, most wanted first, for the students the
    round covers."""
    ranked: dict[int, list[tuple[int, int]]] = defaultdict(list)
    rows = _rows(
        select(Preference.student_id, Preference.opportunity_id, Preference.rank)
        .where(Preference.student_id.in_(covered_students(match_round)))
        .order_by(Preference.student_id, Preference.rank)
    )
    for student_id, opportunity_id, rank in rows:
        ranked[student_id].append((opportunity_id, rank))
    return dict(ranked)


def experienced_students(match_round: MatchRound) -> set[int]:
    """Those of the students the round covers with a workplace experience on record (Benchmark 6) or a
    placement held."""
    covered = covered_students(match_round)
    recorded = select(ExperienceRecord.student_id).where(
        ExperienceRecord.student_id.in_(covered), ExperienceRecord.benchmark == "6"
    )
    held = select(Allocation.student_id).where(
        Allocation.student_id.in_(covered), Allocation.status.in_(HOLDING_STATUSES)
    )
    return {student_id for (student_id,) in _rows(recorded.union(held))}


def busy_dates(match_round: MatchRound) -> dict[int, list[tuple[date, date]]]:
    """student id -> first and last days of the placements they hold, for the students the round covers."""
    busy: dict[int, list[tuple[date, date]]] = defaultdict(list)
    rows = _rows(
        select(Allocation.student_id, Opportunity.start_date, Opportunity.end_date)
        .join(Opportunity, Allocation.opportunity_id == Opportunity.id)
        .where(
            Allocation.student_id.in_(covered_students(match_round)),
            Allocation.status.in_(HOLDING_STATUSES),
        )
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


def refused_places(match_round: MatchRound) -> dict[int, list[int]]:
    """student id -> opportunities never to propose to them again, for the students the round covers."""
    refused: dict[int, list[int]] = defaultdict(list)
    rows = _rows(
        select(Allocation.student_id, Allocation.opportunity_id)
        .where(
            Allocation.student_id.in_(covered_students(match_round)),
            or_(
                Allocation.status.in_(REFUSED_STATUSES),
                and_(Allocation.status == "expired", Allocation.responded_at.is_(None)),
            ),
        )
        .distinct()
        .order_by(Allocation.student_id, Allocation.opportunity_id)
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


# The key of the lock a round takes on PostgreSQL to save its proposals, with its hub's id: two rounds of
# one hub (a school's and the hub's) save one after the other, each seeing what the other saved.
_SAVING_PROPOSALS = 4207


def without_busy_students(
    round_id: int, proposals: list[dict[str, Any]], today: date
) -> list[dict[str, Any]]:
    """The proposals less those for students who now hold a placement of the round's kind or have one
    waiting (whom round_students would leave out today): a round of the same hub may have saved them
    since this one read its students. Takes the hub's saving lock for the rest of the transaction
    (SQLite's write lock, which the round's own row update took, does the same there)."""
    match_round = db.session.get(MatchRound, round_id)
    if match_round is None or not proposals:
        return proposals
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(select(func.pg_advisory_xact_lock(_SAVING_PROPOSALS, match_round.hub_id)))
    holding, waiting = _holding_and_waiting(match_round, today)
    busy = {student_id for (student_id,) in _rows(holding.union(waiting))}
    return [proposal for proposal in proposals if proposal["student_id"] not in busy]


def add_proposals(round_id: int, proposals: list[dict[str, Any]], status: str = "proposed") -> int:
    """Insert the round's proposals (student_id, opportunity_id, score, rank, explanation) in one statement,
    "proposed" (or "draft" for a what-if draft); how many were stored. A student who got a live allocation of
    that place from elsewhere meanwhile is skipped: the database keeps one live allocation per student and
    place (drafts are not live, so never clash)."""
    if proposals:
        # Each explanation as JSON text already: orjson writes 30,000 of them in a fraction of the time.
        rows = [
            (
                round_id,
                p["student_id"],
                p["opportunity_id"],
                p["score"],
                p["rank"],
                orjson.dumps(p["explanation"]).decode(),
                status,
            )
            for p in proposals
        ]
        if db.session.get_bind().dialect.name == "postgresql":
            _copy_proposals(rows, utcnow())
        else:
            _insert_proposals(rows, utcnow())
    stored = select(func.count()).select_from(Allocation).where(Allocation.round_id == round_id)
    return int(db.session.scalar(stored) or 0)


_PROPOSED = ("round_id", "student_id", "opportunity_id", "score", "rank", "explanation", "status")


def _insert_proposals(rows: list[tuple[Any, ...]], now: datetime) -> None:
    """SQLite: one executemany of the table's INSERT, skipping clashes (not the entity's: an ORM bulk insert
    would look at each row on its way in)."""
    statement = (
        sqlite.insert(Allocation.__table__)
        .values(created_at=now, explanation=bindparam("explanation", type_=Text))
        .on_conflict_do_nothing()
    )
    db.session.execute(statement, [dict(zip(_PROPOSED, row, strict=True)) for row in rows])


def _copy_proposals(rows: list[tuple[Any, ...]], now: datetime) -> None:
    """PostgreSQL: COPY the rows into a temporary table, then move them across skipping clashes, in this
    transaction (a rollback takes the table back too). Several times faster than an INSERT of 30,000 rows,
    which psycopg sends one by one."""
    columns = ", ".join((*_PROPOSED, "created_at"))
    connection = db.session.connection()
    connection.exec_driver_sql(
        f"CREATE TEMPORARY TABLE new_proposals AS SELECT {columns} FROM allocation WITH NO DATA"
    )
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    with cursor.copy(f"COPY new_proposals ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row((*row, now))
    connection.exec_driver_sql(
        f"INSERT INTO allocation ({columns}) SELECT {columns} FROM new_proposals ON CONFLICT DO NOTHING"
    )
    connection.exec_driver_sql("DROP TABLE new_proposals")
