"""A student's own record: interests, experiences, the opportunities open to them and their ranked choices."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from math import ceil
from typing import Any

import numpy as np
from sqlalchemy import (
    Column,
    Float,
    MetaData,
    Row,
    String,
    Table,
    case,
    cast,
    delete,
    func,
    literal,
    null,
    or_,
    select,
    union_all,
    update,
    values,
)
from sqlalchemy import column as sa_column
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql import ColumnElement

from matcher.policy import Policy
from web.dao.base import audit
from web.dao.vetting import evidence_current
from web.dates import london_today
from web.extensions import db
from web.models import Employer, ExperienceRecord, Opportunity, Preference, School, Student
from web.postcodes import postcode_index

MAX_CHOICES = 6
# Ranks are shifted this far up while a student's choices are rewritten, so the final ranks 1..n never
# meet an old one under the unique (student, rank) constraint (the rank >= 1 check rules out negatives).
_RANK_SHIFT = 1000


class ChoiceError(Exception):
    """A change to a student's choices that cannot be made; the message is for the student."""


def get_student(student_id: int) -> Student | None:
    """The student with this id."""
    return db.session.get(Student, student_id)


def experience_records(student_id: int) -> list[ExperienceRecord]:
    """The student's encounters and experiences, most recent first."""
    return list(
        db.session.scalars(
            select(ExperienceRecord)
            .where(ExperienceRecord.student_id == student_id)
            .order_by(ExperienceRecord.on_date.desc(), ExperienceRecord.id.desc())
        )
    )


def save_interests(student: Student, user_id: int, **fields: Any) -> None:
    """Overwrite the student's interests with validated values (the caller's transaction commits)."""
    for name, value in fields.items():
        setattr(student, name, value)
    audit(user_id, "interests_updated", "student", student.id, fields=sorted(fields))


# The engine's default weights (a round's policy starts from them): a student's list is ordered the way
# a round would weigh the same places for them.
POLICY = Policy()
PER_PAGE = 20
# Beyond this the engine's distance part is under a thousandth of its weight: no need to send the distance.
_FARTHEST_SCORED_KM = POLICY.distance_decay_km * 8
_OLDEST_MIN_AGE = 25


@dataclass(frozen=True)
class Filters:
    """What the student narrowed the list to; None or "" for no limit."""

    kind: str | None = None
    route: str | None = None
    within_km: int | None = None
    starts_from: date | None = None
    starts_until: date | None = None
    search: str = ""


@dataclass(frozen=True)
class OpportunityPage:
    """One page of the places open to a student, best suited first, and how many there are in all."""

    rows: list[Row[Any]]
    total: int
    page: int
    pages: int
    located: bool  # whether the student's home postcode was found, so distances could be measured


def _turns(date_of_birth: date, age: int) -> date:
    """The day a person born on date_of_birth is `age` (age_on's rule: a 29 February birthday counts
    from 1 March in other years)."""
    try:
        return date_of_birth.replace(year=date_of_birth.year + age)
    except ValueError:
        return date(date_of_birth.year + age, 3, 1)


def _takes_year_group(year_group: int) -> ColumnElement[bool]:
    """Whether the opportunity's year groups (a JSON list) include this one, in the database."""
    if db.session.get_bind().dialect.name == "postgresql":
        return cast(Opportunity.year_groups, JSONB).contains([year_group])
    listed = func.json_each(Opportunity.year_groups).table_valued("value")
    return select(literal(1)).select_from(listed).where(listed.c.value == year_group).exists()


def _pool(student: Student, today: date) -> list[ColumnElement[bool]]:
    """The hub's shared pool: published, not over, from employers of the student's own hub."""
    hub_id = select(School.hub_id).where(School.id == student.school_id).scalar_subquery()
    return [
        Opportunity.status == "published",
        # A placement a student found themselves is theirs alone: never listed to anyone else.
        Opportunity.self_found.is_(False),
        Opportunity.end_date >= today,
        Employer.hub_id == hub_id,
    ]


def _open_to(student: Student, today: date) -> list[ColumnElement[bool]]:
    """The conditions on Opportunity and Employer for a place the student may choose: the pool's, from an
    employer whose safeguarding evidence is current (as a matching round requires, so nobody ranks a
    place a round would skip), for their year group, and old enough on its first day."""
    old_enough = case(
        {age: _turns(student.date_of_birth, age) for age in range(1, _OLDEST_MIN_AGE + 1)},
        value=Opportunity.min_age,
        else_=date.max,
    )
    return [
        *_pool(student, today),
        evidence_current(today),
        _takes_year_group(student.year_group),
        or_(Opportunity.min_age <= 0, Opportunity.start_date >= old_enough),
    ]


def _filtered(student: Student, filters: Filters) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if filters.kind:
        conditions.append(Opportunity.kind == filters.kind)
    if filters.route:
        conditions.append(Opportunity.route == filters.route)
    if filters.starts_from:
        conditions.append(Opportunity.start_date >= filters.starts_from)
    if filters.starts_until:
        conditions.append(Opportunity.start_date <= filters.starts_until)
    for word in filters.search.lower().split()[:10]:
        conditions.append(
            or_(
                *(
                    func.lower(column).contains(word, autoescape=True)
                    for column in (Opportunity.title, Opportunity.description, Employer.name)
                )
            )
        )
    return conditions


def _distances(student: Student, today: date) -> tuple[bool, Any]:
    """Whether the student's home was located, and a table of (postcode, km, distance part) for every
    postcode of the pool's in-person places, measured as the engine measures (straight line between the
    postcodes' grid references) with its distance part weighted; km and part are None and 0 for a postcode
    not located or too far to count. Every postcode is listed, so the places can be inner-joined to it."""
    home, found = postcode_index().locate([student.postcode])
    postcodes = list(
        db.session.scalars(
            select(Opportunity.postcode)
            .join(Employer, Opportunity.employer_id == Employer.id)
            .where(*_pool(student, today), Opportunity.remote.is_(False), Opportunity.postcode.is_not(None))
            .distinct()
        )
    )
    rows: list[tuple[str, float | None, float]] = [(postcode, None, 0.0) for postcode in postcodes]
    if postcodes and found[0]:
        xy, located = postcode_index().locate(postcodes)
        km = np.sqrt(((xy - home[0]) ** 2).sum(axis=1)) / 1000.0
        part = POLICY.distance * np.exp(-km / POLICY.distance_decay_km)
        for i in np.flatnonzero(located & (km <= _FARTHEST_SCORED_KM)):
            rows[i] = (postcodes[i], round(float(km[i]), 3), float(part[i]))
    return bool(found[0]), _as_table(rows)


# A connection's own table (SQLite drops it when the connection closes), for _as_table.
_NEAR = Table(
    "student_near",
    MetaData(),
    Column("postcode", String, primary_key=True),
    Column("km", Float),
    Column("part", Float),
    prefixes=["TEMPORARY"],
)


def _as_table(rows: list[tuple[str, float | None, float]]) -> Any:
    """The rows as something to join the places to by postcode. PostgreSQL hashes a VALUES list for the
    join; SQLite has no statistics to plan by and would read such a list once per place (seconds for
    12,000), so there they go into a temporary table whose primary key it looks each place up in."""
    if db.session.get_bind().dialect.name != "sqlite":
        if not rows:  # VALUES needs a row: one no opportunity's postcode can equal
            rows = [("", None, 0.0)]
        listed = values(
            sa_column("postcode", String), sa_column("km", Float), sa_column("part", Float), name="listed"
        ).data(rows)
        # Typed in the query: PostgreSQL reads a column of VALUES that starts with NULL as text.
        km, part = cast(listed.c.km, Float).label("km"), cast(listed.c.part, Float).label("part")
        return select(listed.c.postcode, km, part).cte("near")
    connection = db.session.connection()
    _NEAR.create(connection, checkfirst=True)
    connection.execute(_NEAR.delete())
    if rows:
        connection.execute(
            _NEAR.insert(), [{"postcode": code, "km": km, "part": part} for code, km, part in rows]
        )
    return _NEAR


def _score(student: Student, distance: Any) -> ColumnElement[float]:
    """The engine's score (matcher.scores) of each place for this student, with `distance` its distance part,
    less the parts that are the same for all of one student's places (priorities), their own ranking
    (shown as "In your choices" instead) and the text match (TF-IDF over the whole pool: a round's work,
    not a page's)."""
    total: ColumnElement[float] = distance
    if student.routes:
        total = total + case((Opportunity.route.in_(list(student.routes)), POLICY.route), else_=0.0)
    if student.pathway_interest in ("technical", "academic"):
        fits = Opportunity.pathway.in_([student.pathway_interest, "both"])
        total = total + case((fits, POLICY.pathway), else_=0.0)
    else:  # "both" fits every place
        total = total + POLICY.pathway
    if student.pathway_interest in ("technical", "both"):
        technical = or_(Opportunity.pathway == "technical", Opportunity.kind == "t_level_placement")
        total = total + case((technical, POLICY.technical), else_=0.0)
    return total


def opportunities_page(student: Student, today: date, filters: Filters, page: int) -> OpportunityPage:
    """A page of the opportunities the student may choose (PER_PAGE a page), the best suited first by the
    engine's score, then soonest; each row with its employer's name, its distance from home (km, None if
    remote or not measured) and whether it is in one of the student's routes and fits their pathway.
    Filtering, ordering and paging are all done by the database."""
    conditions = [*_open_to(student, today), *_filtered(student, filters)]
    located, near = _distances(student, today)
    routes = list(student.routes or [])
    fits = (
        Opportunity.pathway.in_([student.pathway_interest, "both"])
        if student.pathway_interest in ("technical", "academic")
        else literal(False)
    )

    def places(km: Any, distance: Any) -> Any:
        # Narrow rows to order and count; the page's own 20 get their details afterwards.
        return select(
            Opportunity.id, Opportunity.start_date, km.label("km"), _score(student, distance).label("score")
        ).join(Employer, Opportunity.employer_id == Employer.id)

    in_person = (
        places(near.c.km, near.c.part)
        .join(near, near.c.postcode == Opportunity.postcode)
        .where(*conditions, Opportunity.remote.is_(False))
    )
    if filters.within_km is not None and located:
        in_person = in_person.where(near.c.km <= filters.within_km)
    remote = places(cast(null(), Float), literal(POLICY.distance)).where(
        *conditions, Opportunity.remote.is_(True)
    )
    listed = union_all(in_person, remote).subquery("listed")

    def page_of(number: int) -> list[Row[Any]]:
        # The count comes with the page (one pass over the places, not two).
        ranked = (
            select(listed, func.count().over().label("total"))
            .order_by(listed.c.score.desc(), listed.c.start_date, listed.c.id)
            .limit(PER_PAGE)
            .offset((number - 1) * PER_PAGE)
            .subquery("ranked")
        )
        return list(
            db.session.execute(
                select(
                    Opportunity.id,
                    Opportunity.title,
                    Opportunity.kind,
                    Opportunity.route,
                    Opportunity.pathway,
                    Opportunity.remote,
                    Opportunity.postcode,
                    Opportunity.start_date,
                    Opportunity.end_date,
                    Employer.name.label("employer_name"),
                    ranked.c.km,
                    (Opportunity.route.in_(routes) if routes else literal(False)).label("in_route"),
                    fits.label("fits_pathway"),
                    ranked.c.score,
                    ranked.c.total,
                )
                .select_from(ranked)
                .join(Opportunity, Opportunity.id == ranked.c.id)
                .join(Employer, Opportunity.employer_id == Employer.id)
                .order_by(ranked.c.score.desc(), ranked.c.start_date, ranked.c.id)
            )
        )

    page = max(page, 1)
    rows = page_of(page)
    if not rows and page > 1:  # past the end: the last page, which needs the count first
        total = db.session.scalar(select(func.count()).select_from(listed)) or 0
        page = max(ceil(total / PER_PAGE), 1)
        rows = page_of(page)
    total = rows[0].total if rows else 0
    return OpportunityPage(rows, total, page, max(ceil(total / PER_PAGE), 1), located)


def open_opportunity(student: Student, opportunity_id: int, today: date) -> tuple[Opportunity, str] | None:
    """One opportunity with its employer's name, if it is open to the student; else None."""
    row = db.session.execute(
        select(Opportunity, Employer.name)
        .join(Employer, Opportunity.employer_id == Employer.id)
        .where(Opportunity.id == opportunity_id, *_open_to(student, today))
    ).first()
    return (row[0], row[1]) if row is not None else None


def choices(student_id: int) -> list[tuple[Preference, Opportunity, str]]:
    """The student's ranked choices, most wanted first, with each opportunity and its employer's name."""
    rows = db.session.execute(
        select(Preference, Opportunity, Employer.name)
        .join(Opportunity, Preference.opportunity_id == Opportunity.id)
        .join(Employer, Opportunity.employer_id == Employer.id)
        .where(Preference.student_id == student_id)
        .order_by(Preference.rank)
    )
    return [(preference, opportunity, name) for preference, opportunity, name in rows]


def chosen_ids(student_id: int) -> set[int]:
    """Ids of the opportunities in the student's choices."""
    return set(
        db.session.scalars(select(Preference.opportunity_id).where(Preference.student_id == student_id))
    )


def _rewrite_choices(student_id: int, change: Callable[[list[int]], list[int]]) -> None:
    """Apply change(old order) -> new order to the student's choices, with ranks 1..n and no gaps."""
    # Writing first takes the lock (SQLite's database lock, PostgreSQL's row locks), so two tabs of the
    # same student wait for each other and the order read next is the current one.
    db.session.execute(
        update(Preference)
        .where(Preference.student_id == student_id)
        .values(rank=Preference.rank + _RANK_SHIFT)
        .execution_options(synchronize_session=False)
    )
    old = list(
        db.session.scalars(
            select(Preference.opportunity_id)
            .where(Preference.student_id == student_id)
            .order_by(Preference.rank)
        )
    )
    new = change(old)
    removed = set(old) - set(new)
    if removed:
        db.session.execute(
            delete(Preference)
            .where(Preference.student_id == student_id, Preference.opportunity_id.in_(removed))
            .execution_options(synchronize_session=False)
        )
    for rank, opportunity_id in enumerate(new, start=1):
        if opportunity_id in old:
            db.session.execute(
                update(Preference)
                .where(Preference.student_id == student_id, Preference.opportunity_id == opportunity_id)
                .values(rank=rank)
                .execution_options(synchronize_session=False)
            )
        else:
            db.session.execute(
                Preference.__table__.insert().values(
                    student_id=student_id, opportunity_id=opportunity_id, rank=rank
                )
            )


def add_choice(student: Student, opportunity_id: int, today: date, user_id: int) -> Opportunity:
    """Add an open opportunity as the student's last choice; raise ChoiceError with a message if not."""
    found = open_opportunity(student, opportunity_id, today)
    if found is None:
        raise ChoiceError(
            "You cannot choose this opportunity. It may have closed or not be open to your year group"
        )

    def append(order: list[int]) -> list[int]:
        if opportunity_id in order:
            raise ChoiceError("This opportunity is already in your choices")
        if len(order) >= MAX_CHOICES:
            raise ChoiceError(f"You already have {MAX_CHOICES} choices. Remove one before you add another")
        return [*order, opportunity_id]

    _write(student.id, append)
    audit(user_id, "choice_added", "student", student.id, opportunity_id=opportunity_id)
    return found[0]


def move_choice(student_id: int, opportunity_id: int, step: int, user_id: int) -> None:
    """Move one choice up (step -1) or down (step +1); raise ChoiceError if it is not in the choices."""

    def move(order: list[int]) -> list[int]:
        if opportunity_id not in order:
            raise ChoiceError("That opportunity is not in your choices")
        at = order.index(opportunity_id)
        to = min(max(at + step, 0), len(order) - 1)
        order.insert(to, order.pop(at))
        return order

    _write(student_id, move)
    audit(user_id, "choice_moved", "student", student_id, opportunity_id=opportunity_id, step=step)


def remove_choice(student_id: int, opportunity_id: int, user_id: int) -> None:
    """Remove one choice and close the gap; raise ChoiceError if it is not in the choices."""

    def remove(order: list[int]) -> list[int]:
        if opportunity_id not in order:
            raise ChoiceError("That opportunity is not in your choices")
        return [other for other in order if other != opportunity_id]

    _write(student_id, remove)
    audit(user_id, "choice_removed", "student", student_id, opportunity_id=opportunity_id)


def _write(student_id: int, change: Callable[[list[int]], list[int]]) -> None:
    try:
        _rewrite_choices(student_id, change)
    except IntegrityError as error:
        # Only a change racing another one (a second tab) gets here: the constraints held, nothing saved.
        raise ChoiceError("Your choices changed while you were saving. Check them and try again") from error


def today() -> date:
    """Today's date in England, the day opportunities are judged open or over."""
    return london_today()
