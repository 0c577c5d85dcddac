"""A student's own record: interests, experiences, the opportunities open to them and their ranked choices."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from web.dao.base import audit
from web.dao.vetting import evidence_current
from web.dates import age_on, london_today
from web.extensions import db
from web.models import Employer, ExperienceRecord, Opportunity, Preference, School, Student

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


def _open_query(student: Student, today: date):  # type: ignore[no-untyped-def]
    # The hub's shared pool: published, not over, from employers of the student's own hub whose safeguarding
    # evidence is current (as a matching round requires, so nobody ranks a place a round would skip).
    hub_id = select(School.hub_id).where(School.id == student.school_id).scalar_subquery()
    return (
        select(Opportunity, Employer.name)
        .join(Employer, Opportunity.employer_id == Employer.id)
        .where(
            Opportunity.status == "published",
            # A placement a student found themselves is theirs alone: never listed to anyone else.
            Opportunity.self_found.is_(False),
            Opportunity.end_date >= today,
            evidence_current(today),
            Employer.hub_id == hub_id,
        )
    )


def is_open_to(opportunity: Opportunity, student: Student) -> bool:
    """Whether the student's year group and age fit the opportunity (year groups are a JSON list)."""
    return student.year_group in (opportunity.year_groups or []) and age_on(
        student.date_of_birth, opportunity.start_date
    ) >= (opportunity.min_age or 0)


def open_opportunities(student: Student, today: date) -> list[tuple[Opportunity, str]]:
    """Opportunities the student may choose, soonest first, each with its employer's name."""
    rows = db.session.execute(
        _open_query(student, today).order_by(Opportunity.start_date, Opportunity.title, Opportunity.id)
    )
    return [(opportunity, name) for opportunity, name in rows if is_open_to(opportunity, student)]


def open_opportunity(student: Student, opportunity_id: int, today: date) -> tuple[Opportunity, str] | None:
    """One opportunity with its employer's name, if it is open to the student; else None."""
    row = db.session.execute(_open_query(student, today).where(Opportunity.id == opportunity_id)).first()
    if row is None or not is_open_to(row[0], student):
        return None
    return row[0], row[1]


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
