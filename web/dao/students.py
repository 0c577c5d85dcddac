"""A student's own record: interests, experiences, the opportunities open to them and their ranked choices."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from math import ceil
from typing import Any

import numpy as np
from sqlalchemy import (
    String,
    case,
    cast,
    delete,
    func,
    literal,
    or_,
    select,
    type_coerce,
    update,
)
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
class Listed:
    """One place on the student's list: what its card shows, how far it is and how well it suits them."""

    id: int
    title: str
    kind: str
    route: str
    pathway: str
    remote: bool
    postcode: str | None
    start_date: date
    end_date: date
    employer_name: str
    km: float | None  # None if remote or not measured
    in_route: bool
    fits_pathway: bool
    score: float


@dataclass(frozen=True)
class OpportunityPage:
    """One page of the places open to a student, best suited first, and how many there are in all."""

    rows: list[Listed]
    total: int
    page: int
    pages: int
    located: bool  # whether the student's home (or school) postcode was found, so distances were measured
    # Measured from the school's postcode, as a round measures a student whose home postcode is not known.
    from_school: bool = False


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


def _distance_parts(origin: str | None, postcodes: list[str | None]) -> tuple[bool, Any, Any]:
    """Whether the origin postcode was located, and for each postcode its km from there (NaN if not located
    or too far to count) and its weighted distance part (0 then), measured as the engine measures: a
    straight line between the postcodes' grid references."""
    km = np.full(len(postcodes), np.nan)
    part = np.zeros(len(postcodes))
    home, found = postcode_index().locate([origin])
    if not found[0] or not postcodes:
        return bool(found[0]), km, part
    unique = sorted({code for code in postcodes if code})
    xy, located = postcode_index().locate(unique)
    measured = np.sqrt(((xy - home[0]) ** 2).sum(axis=1)) / 1000.0
    counted = located & (measured <= _FARTHEST_SCORED_KM)
    at = {code: i for i, code in enumerate(unique)}
    index = np.fromiter((at.get(code, -1) if code else -1 for code in postcodes), np.int64, len(postcodes))
    known = index >= 0
    known[known] = counted[index[known]]
    km[known] = np.round(measured[index[known]], 3)
    part[known] = POLICY.distance * np.exp(-km[known] / POLICY.distance_decay_km)
    return True, km, part


def _score(student: Student) -> ColumnElement[float]:
    """The engine's score (matcher.scores) of each place for this student less its distance part (added
    afterwards, from the postcode), the parts that are the same for all of one student's places
    (priorities), their own ranking (shown as "In your choices" instead) and the text match (TF-IDF over
    the whole pool: a round's work, not a page's)."""
    total: ColumnElement[float] = literal(0.0)
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
    engine's score, then soonest; each with its employer's name, its distance from home (km, None if
    remote or not measured) and whether it is in one of the student's routes and fits their pathway.
    The database filters; the few columns that order the places are scored here in one pass (a distance
    per postcode, not per place), and the page's own rows are read last."""
    places = list(
        db.session.execute(
            select(
                Opportunity.id,
                # Read as the database keeps it (ISO text on SQLite, in date order either way): parsing
                # every place's date would cost more than the rest of the page.
                type_coerce(Opportunity.start_date, String),
                Opportunity.postcode,
                Opportunity.remote,
                _score(student),
            )
            .join(Employer, Opportunity.employer_id == Employer.id)
            .where(*_open_to(student, today), *_filtered(student, filters))
        )
    )
    ids, starts, postcodes, remotes, scores = zip(*places, strict=True) if places else ((),) * 5
    remote = np.array(remotes, bool)
    # From home, or from school for a student whose home postcode is not known, as a round measures.
    from_school = not student.postcode
    origin = (
        db.session.scalar(select(School.postcode).where(School.id == student.school_id))
        if from_school
        else student.postcode
    )
    located, km, distance = _distance_parts(
        origin, [None if far else code for code, far in zip(postcodes, remotes, strict=True)]
    )
    distance[remote] = POLICY.distance  # nothing to travel: as the engine scores a remote place
    score = np.array(scores, np.float64) + distance
    keep = np.ones(len(places), bool)
    if filters.within_km is not None and located:
        keep = remote | (km <= filters.within_km)  # NaN (not measured) compares False
    kept = np.flatnonzero(keep)
    # Best suited first, then soonest, then by id: ranks of the start dates order them as the dates do.
    soonest = np.unique(np.array(starts, object), return_inverse=True)[1] if places else np.array([], int)
    order = kept[np.lexsort((np.array(ids)[kept], soonest[kept], -np.round(score[kept], 9)))]
    total = len(order)
    pages = max(ceil(total / PER_PAGE), 1)
    page = min(max(page, 1), pages)
    shown = order[(page - 1) * PER_PAGE : page * PER_PAGE]
    listed = _listed(student, [ids[i] for i in shown], km[shown], score[shown])
    return OpportunityPage(listed, total, page, pages, located, from_school and located)


def _listed(student: Student, ids: list[int], km: Any, score: Any) -> list[Listed]:
    """The places of these ids, in this order, with what their cards show; km and score are theirs."""
    rows = {
        row.id: row
        for row in db.session.execute(
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
            )
            .join(Employer, Opportunity.employer_id == Employer.id)
            .where(Opportunity.id.in_(ids))
        )
    }
    routes = set(student.routes or ())
    interest = student.pathway_interest
    return [
        Listed(
            **rows[place]._asdict(),
            km=None if rows[place].remote or np.isnan(far) else float(far),
            in_route=rows[place].route in routes,
            fits_pathway=interest in ("technical", "academic") and rows[place].pathway in (interest, "both"),
            score=float(points),
        )
        for place, far, points in zip(ids, km, score, strict=True)
    ]


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
