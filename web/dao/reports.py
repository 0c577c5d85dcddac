"""Benchmark 5 and 6 reports for a hub or one school, by academic year and year group.

Every figure comes from a few set-based queries (GROUP BY over every student or placement in scope at once),
never one query per student or per school, so a hub of 200 schools answers as quickly as one school. The
queries return additive counts by school, year group, disadvantage and SEND; web/reports/figures.py (and
encounter_figures.py) turn them into shares, averages and gaps.

A student's year group in an earlier academic year is worked back from the one on the school's list (for a
leaver, the one they left with, in the academic year they left).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field, fields
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Date, Integer, and_, case, cast, extract, func, literal, or_, select, update
from sqlalchemy.sql import ColumnElement, Subquery

from web.dao.base import audit
from web.dao.records import GUARANTEE_HOURS
from web.dates import academic_year_of
from web.extensions import db
from web.models import Allocation, Employer, ExperienceRecord, HubApiToken, Opportunity, School, Student
from web.models.base import HOLDING_STATUSES, utcnow

FIRST_YEAR_GROUP, LAST_YEAR_GROUP = 7, 14
# Provider access: two encounters with technical education providers in each of these pairs of years.
PROVIDER_BANDS = ((8, 9), (10, 11), (12, 13))
PROVIDER_TARGET = 2
# Each pair's encounters are due by 28 February of its later year (DEADLINE_MONTH, DEADLINE_DAY).
DEADLINE_MONTH, DEADLINE_DAY = 2, 28
# An allocation in one of these was offered to the student (or is a placement they found and took).
NOT_OFFERED = ("draft", "proposed", "approved", "rejected")
# Filled: the student said yes and nothing undid it (a no-show had the place, and did not come).
FILLED = (*HOLDING_STATUSES, "no_show")
TOUCH_EVERY = timedelta(minutes=1)  # last_used_at is written at most this often per key


def provider_deadline(year_group: int, year: int) -> date | None:
    """When a pupil in this year group in academic year `year` is due to have had their pair of years'
    provider encounters: 28 February of the pair's later year; None outside Years 8 to 13."""
    for low, high in PROVIDER_BANDS:
        if low <= year_group <= high:
            return date(year + high - year_group + 1, DEADLINE_MONTH, DEADLINE_DAY)
    return None


@dataclass(frozen=True)
class Scope:
    """What a report covers: a hub, or one of its schools; an academic year; one year group or all."""

    hub_id: int
    year: int
    today: date
    school_id: int | None = None
    year_group: int | None = None

    @property
    def start(self) -> date:
        return date(self.year, 9, 1)

    @property
    def end(self) -> date:
        return date(self.year + 1, 8, 31)

    @property
    def as_of(self) -> date:
        """The last day counted: the year's end, or today while the year is under way."""
        return min(self.end, self.today)


@dataclass
class Counts:
    """Additive counts for a set of students (sums of these are the counts of the union)."""

    students: int = 0
    encounters: int = 0  # Benchmark 5 records this year
    with_encounter: int = 0  # students with at least one
    aged_16: int = 0  # students 16 or over on the last day counted
    by_16: int = 0  # ... of whom had a workplace experience before their 16th birthday
    aged_18: int = 0
    by_18: int = 0  # ... a further experience between their 16th and 18th birthdays
    experiences: int = 0  # Benchmark 6 records this year
    meaningful: int = 0  # ... the employer marked meaningful
    hours: Decimal = Decimal("0")  # hours of workplace experience to date
    reached_hours: int = 0  # students with GUARANTEE_HOURS or more
    band_students: list[int] = field(default_factory=lambda: [0] * len(PROVIDER_BANDS))
    band_met: list[int] = field(default_factory=lambda: [0] * len(PROVIDER_BANDS))
    # Students in a pair of years with PROVIDER_TARGET or more of its provider encounters by their deadline,
    # if it has passed (provider_deadline), or so far.
    providers_in_time: int = 0

    def __add__(self, other: Counts) -> Counts:
        total = Counts()
        for item in fields(Counts):
            mine, theirs = getattr(self, item.name), getattr(other, item.name)
            added = (
                [a + b for a, b in zip(mine, theirs, strict=True)]
                if isinstance(mine, list)
                else mine + theirs
            )
            setattr(total, item.name, added)
        return total


@dataclass
class Placements:
    """Allocations offered to students in scope, by outcome; additive like Counts."""

    offered: int = 0
    filled: int = 0
    by_status: dict[str, int] = field(default_factory=dict)

    def add(self, status: str, n: int) -> None:
        """Count n allocations in this status."""
        self.offered += n
        self.filled += n if status in FILLED else 0
        self.by_status[status] = self.by_status.get(status, 0) + n


@dataclass(frozen=True)
class RouteRow:
    """One employer route: employers offering places to students in scope, hosting them, and the places."""

    route: str
    employers_offering: int
    employers_hosting: int
    offered: int
    filled: int


Key = tuple[int, int, bool, bool]  # (school id, year group that academic year, disadvantaged, SEND)


def _year(column: Any) -> ColumnElement[int]:
    return cast(extract("year", column), Integer)


def _academic_year(column: Any) -> ColumnElement[int]:
    return _year(column) - case((cast(extract("month", column), Integer) < 9, 1), else_=0)


def _day_number(column: Any) -> ColumnElement[int]:
    """YYYYMMDD as a number: two differ by 160000 or more exactly when 16 or more years apart, as age_on
    counts years (a birthday on 29 February comes on 1 March)."""
    return (
        _year(column) * 10000
        + cast(extract("month", column), Integer) * 100
        + cast(extract("day", column), Integer)
    )


def latest_birthday(day: date, age: int) -> date:
    """The last date of birth of anyone `age` or older on `day` (as age_on counts: someone born on 29
    February has their birthday on 1 March in other years)."""
    try:
        return day.replace(year=day.year - age)
    except ValueError:  # 29 February, and that year has none
        return date(day.year - age, 2, 28)


def cohort_of(scope: Scope) -> Subquery:
    """Students on roll in the scope's academic year, each with their year group in that year, the number
    of their birthday (_day_number) and the first day their provider encounters count from: the start of
    their current pair of years (Years 8-9, 10-11, 12-13), None outside them."""
    # A current student's year group is this year's, so moves by a constant; a leaver's is the year they
    # left's. Kept as plain column ranges where it can be, so the planner sees how many students match.
    shift = academic_year_of(scope.today) - scope.year
    leaver_shift = _academic_year(Student.left_on) - scope.year
    wanted = (scope.year_group,) * 2 if scope.year_group else (FIRST_YEAR_GROUP, LAST_YEAR_GROUP)
    current = and_(
        Student.left_on.is_(None), Student.year_group.between(wanted[0] + shift, wanted[1] + shift)
    )
    leaver = and_(Student.left_on >= scope.start, (Student.year_group - leaver_shift).between(*wanted))
    year_group = case(
        (Student.left_on.is_(None), Student.year_group - shift), else_=Student.year_group - leaver_shift
    )
    # Typed parameters: SQLite would read CAST('2026-09-01' AS DATE) as the number 2026.
    this_year, year_before = literal(scope.start, Date()), literal(date(scope.year - 1, 9, 1), Date())
    band_from = case(
        *((year_group == low, this_year) for low, _ in PROVIDER_BANDS),
        *((year_group == high, year_before) for _, high in PROVIDER_BANDS),
        else_=None,
    )
    query = (
        select(
            Student.id,
            Student.school_id,
            Student.disadvantaged,
            Student.send,
            Student.date_of_birth,
            year_group.label("year_group"),
            _day_number(Student.date_of_birth).label("born"),
            band_from.label("band_from"),
        )
        .join(School, School.id == Student.school_id)
        .where(School.hub_id == scope.hub_id, or_(current, leaver))
    )
    if scope.school_id is not None:
        query = query.where(Student.school_id == scope.school_id)
    return query.subquery("cohort")


def _number(condition: Any) -> Any:
    """How many rows meet the condition (a NULL is not met)."""
    return func.count().filter(condition)


def _per_student(cohort: Subquery, scope: Scope) -> Subquery:
    """For each student in scope with any record up to the last day counted, their counts of the records
    the reports need: grouped by the student's id alone, then joined back, so the grouping stays small."""
    record = ExperienceRecord
    this_year = record.on_date >= scope.start
    encounter, experience = record.benchmark == "5", record.benchmark == "6"
    # How old the student was on the day, as a difference of day numbers (16 years or more: >= 160000).
    age_then = _day_number(record.on_date) - cohort.c.born
    provider = and_(record.kind == "technical_provider", record.on_date >= cohort.c.band_from)
    # A pair's later year has its deadline this academic year; an earlier year's is next year's.
    in_time = or_(
        cohort.c.year_group.not_in([high for _, high in PROVIDER_BANDS]),
        record.on_date <= date(scope.year + 1, DEADLINE_MONTH, DEADLINE_DAY),
    )
    return (
        select(
            record.student_id,
            _number(and_(encounter, this_year)).label("encounters"),
            _number(and_(experience, this_year)).label("experiences"),
            _number(and_(experience, this_year, record.meaningful.is_(True))).label("meaningful"),
            # In tenths of an hour, whole numbers: quicker to add up than decimals.
            func.sum(cast(func.round(record.hours * 10), Integer)).filter(experience).label("tenths"),
            _number(and_(experience, age_then < 160000)).label("before_16"),
            _number(and_(experience, age_then >= 160000, age_then < 180000)).label("from_16"),
            _number(provider).label("providers"),
            _number(and_(provider, in_time)).label("providers_in_time"),
        )
        .join(cohort, cohort.c.id == record.student_id)
        # Encounters count from the start of last year at the earliest (a pair of years' providers), so
        # only workplace experiences are read further back.
        .where(
            record.on_date <= scope.as_of,
            or_(experience, record.on_date >= date(scope.year - 1, 9, 1)),
        )
        .group_by(record.student_id)
        .subquery("per_student")
    )


def benchmark_counts(scope: Scope) -> dict[Key, Counts]:
    """Benchmark 5, Benchmark 6 and provider counts by (school, year group, disadvantaged, SEND), in one
    query."""
    cohort = cohort_of(scope)
    per = _per_student(cohort, scope)
    aged_16 = cohort.c.date_of_birth <= latest_birthday(scope.as_of, 16)
    aged_18 = cohort.c.date_of_birth <= latest_birthday(scope.as_of, 18)
    bands = [cohort.c.year_group.between(low, high) for low, high in PROVIDER_BANDS]
    query = (
        select(
            cohort.c.school_id,
            cohort.c.year_group,
            cohort.c.disadvantaged,
            cohort.c.send,
            func.count(),
            func.coalesce(func.sum(per.c.encounters), 0),
            _number(per.c.encounters > 0),
            _number(aged_16),
            _number(and_(aged_16, per.c.before_16 > 0)),
            _number(aged_18),
            _number(and_(aged_18, per.c.from_16 > 0)),
            func.coalesce(func.sum(per.c.experiences), 0),
            func.coalesce(func.sum(per.c.meaningful), 0),
            func.coalesce(func.sum(per.c.tenths), 0),
            _number(per.c.tenths >= GUARANTEE_HOURS * 10),
            *(_number(band) for band in bands),
            *(_number(and_(band, per.c.providers >= PROVIDER_TARGET)) for band in bands),
            _number(per.c.providers_in_time >= PROVIDER_TARGET),
        )
        .select_from(cohort)
        .outerjoin(per, per.c.student_id == cohort.c.id)
        .group_by(cohort.c.school_id, cohort.c.year_group, cohort.c.disadvantaged, cohort.c.send)
    )
    found: dict[Key, Counts] = {}
    n = len(PROVIDER_BANDS)
    for row in db.session.execute(query):
        school_id, year_group, disadvantaged, send, *values = row
        found[(school_id, int(year_group), bool(disadvantaged), bool(send))] = Counts(
            *(int(value) for value in values[:9]),
            hours=Decimal(int(values[9])) / 10,
            reached_hours=int(values[10]),
            band_students=[int(value) for value in values[11 : 11 + n]],
            band_met=[int(value) for value in values[11 + n : 11 + 2 * n]],
            providers_in_time=int(values[11 + 2 * n]),
        )
    return found


def _offered(scope: Scope) -> Subquery:
    """Allocations offered to students in scope, on opportunities starting in the academic year."""
    cohort = cohort_of(scope)
    return (
        select(cohort.c.school_id, Allocation.status, Opportunity.pathway, Opportunity.employer_id)
        .select_from(Allocation)
        .join(cohort, cohort.c.id == Allocation.student_id)
        .join(Opportunity, Opportunity.id == Allocation.opportunity_id)
        .where(
            Allocation.status.not_in(NOT_OFFERED),
            Opportunity.start_date.between(scope.start, scope.end),
        )
        .subquery("offered")
    )


def placement_counts(scope: Scope) -> dict[tuple[int, str], Placements]:
    """Places offered, filled and each outcome, by (school, opportunity pathway), in one query."""
    offered = _offered(scope)
    query = select(offered.c.school_id, offered.c.pathway, offered.c.status, func.count()).group_by(
        offered.c.school_id, offered.c.pathway, offered.c.status
    )
    found: dict[tuple[int, str], Placements] = {}
    for school_id, pathway, status, n in db.session.execute(query):
        found.setdefault((school_id, pathway), Placements()).add(status, int(n))
    return found


# A record not from a placement on an opportunity with a pathway is technical if it is one of these kinds;
# otherwise its pathway is not known (an encounter entered by hand says only its kind and title).
TECHNICAL_KINDS = ("technical_provider", "t_level_placement")
NOT_KNOWN = "not_known"


def record_pathway_counts(scope: Scope) -> dict[tuple[str, str], int]:
    """This year's records of students in scope, to the last day counted, by (benchmark, pathway): the
    pathway of the opportunity a placement's record came from, else "technical" for TECHNICAL_KINDS, else
    NOT_KNOWN. One query."""
    cohort = cohort_of(scope)
    record = ExperienceRecord
    pathway = func.coalesce(
        Opportunity.pathway, case((record.kind.in_(TECHNICAL_KINDS), "technical"), else_=NOT_KNOWN)
    )
    records = (
        select(record.benchmark, pathway.label("pathway"))
        .join(cohort, cohort.c.id == record.student_id)
        .outerjoin(Allocation, Allocation.id == record.allocation_id)
        .outerjoin(Opportunity, Opportunity.id == Allocation.opportunity_id)
        .where(record.on_date.between(scope.start, scope.as_of))
        .subquery("records")
    )
    # Grouped outside, by the subquery's columns: PostgreSQL would not match a CASE with bound strings in
    # GROUP BY to the same CASE in SELECT.
    query = select(records.c.benchmark, records.c.pathway, func.count()).group_by(
        records.c.benchmark, records.c.pathway
    )
    return {(benchmark, pathway): int(n) for benchmark, pathway, n in db.session.execute(query)}


@dataclass(frozen=True)
class Engagement:
    """Employers engaged: by route, and overall (each employer counted once)."""

    routes: list[RouteRow]
    offering: int  # employers offering places to students in scope
    hosting: int  # ... and those with a place filled


def engagement(scope: Scope) -> Engagement:
    """Employers offering places to students in scope and hosting them, by the employer's route (routes
    with none are left out), with the places offered and filled: one query, a row per employer."""
    offered = _offered(scope)
    query = (
        select(
            Employer.route,
            offered.c.employer_id,
            func.count(),
            func.count().filter(offered.c.status.in_(FILLED)),
        )
        .join(Employer, Employer.id == offered.c.employer_id)
        .group_by(Employer.route, offered.c.employer_id)
    )
    routes: dict[str, list[int]] = {}
    offering, hosting = 0, 0
    for route, _, places, filled in db.session.execute(query):
        found = routes.setdefault(route, [0, 0, 0, 0])
        hosts = int(filled > 0)
        for i, n in enumerate((1, hosts, int(places), int(filled))):
            found[i] += n
        offering, hosting = offering + 1, hosting + hosts
    return Engagement([RouteRow(route, *routes[route]) for route in sorted(routes)], offering, hosting)


def _schools_named(hub_id: int, name: str) -> list[Any]:
    conditions = [School.hub_id == hub_id]
    if name:
        conditions.append(func.lower(School.name).contains(name.lower(), autoescape=True))
    return conditions


def count_schools(hub_id: int, name: str) -> int:
    """How many of the hub's schools have `name` in their name (any case; "" for every school)."""
    return int(
        db.session.scalar(select(func.count()).select_from(School).where(*_schools_named(hub_id, name))) or 0
    )


def schools_page(hub_id: int, name: str, page: int, per_page: int | None) -> list[School]:
    """One page of the hub's schools with `name` in their name, by name (per_page None: all of them)."""
    query = select(School).where(*_schools_named(hub_id, name)).order_by(School.name, School.id)
    if per_page is not None:
        query = query.limit(per_page).offset((page - 1) * per_page)
    return list(db.session.scalars(query))


def school_in_hub(school_id: int, hub_id: int) -> School | None:
    """The school if it is one of the hub's; None otherwise."""
    return db.session.scalar(select(School).where(School.id == school_id, School.hub_id == hub_id))


def hash_of(secret: str) -> str:
    """The SHA-256 (hex) an API key is stored as."""
    return hashlib.sha256(secret.encode()).hexdigest()


def create_api_key(hub_id: int, name: str, user_id: int) -> tuple[HubApiToken, str]:
    """A new key to the hub's reports API and its secret, which is shown once and never stored."""
    secret = secrets.token_urlsafe(32)
    key = HubApiToken(hub_id=hub_id, name=name, token_hash=hash_of(secret), created_by_id=user_id)
    db.session.add(key)
    db.session.flush()
    audit(user_id, "api_key_created", "hub", hub_id, key_id=key.id)
    return key, secret


def api_keys(hub_id: int) -> list[HubApiToken]:
    """The hub's API keys, working ones first, newest first."""
    return list(
        db.session.scalars(
            select(HubApiToken)
            .where(HubApiToken.hub_id == hub_id)
            .order_by(
                HubApiToken.revoked_at.is_not(None), HubApiToken.created_at.desc(), HubApiToken.id.desc()
            )
        )
    )


def api_key_of_hub(key_id: int, hub_id: int) -> HubApiToken | None:
    """The hub's key with this id; None if there is none or it is another hub's."""
    return db.session.scalar(
        select(HubApiToken).where(HubApiToken.id == key_id, HubApiToken.hub_id == hub_id)
    )


def revoke_api_key(key_id: int, hub_id: int, user_id: int) -> bool:
    """Stop one of the hub's keys working; False if it is not the hub's or was revoked already."""
    done = db.session.execute(
        update(HubApiToken)
        .where(HubApiToken.id == key_id, HubApiToken.hub_id == hub_id, HubApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    revoked = bool(done.rowcount)  # type: ignore[attr-defined]
    if revoked:
        audit(user_id, "api_key_revoked", "hub", hub_id, key_id=key_id)
    return revoked


def working_api_key(secret: str) -> HubApiToken | None:
    """The unrevoked key with this secret, or None."""
    return db.session.scalar(
        select(HubApiToken).where(HubApiToken.token_hash == hash_of(secret), HubApiToken.revoked_at.is_(None))
    )


def touch_api_key(key_id: int) -> None:
    """Note that the key was used now (at most once a minute, so busy dashboards do not write every call)."""
    now = utcnow()
    db.session.execute(
        update(HubApiToken)
        .where(
            HubApiToken.id == key_id,
            or_(HubApiToken.last_used_at.is_(None), HubApiToken.last_used_at < now - TOUCH_EVERY),
        )
        .values(last_used_at=now)
        .execution_options(synchronize_session=False)
    )
