"""Each student's record of encounters (Benchmark 5) and workplace experiences (Benchmark 6): what "My record"
shows, the encounters careers leaders record for whole year groups, reflections and check-ins."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from web.dao.base import audit
from web.extensions import db
from web.models import (
    Allocation,
    CheckIn,
    Employer,
    ExperienceRecord,
    Feedback,
    Opportunity,
    School,
    Student,
)

# From September 2026: about two weeks (~50 hours) of workplace experience across secondary school.
GUARANTEE_HOURS = Decimal("50")
# A T Level industry placement: at least 315 hours (750 for early years), with up to two employers.
T_LEVEL_HOURS = Decimal("315")
EARLY_YEARS_HOURS = Decimal("750")
EARLY_YEARS_ROUTE = "education-and-early-years"
T_LEVEL_EMPLOYERS = 2
T_LEVEL_COUNTED = ("confirmed", "completed")
# A check-in is logged while the placement is coming up or under way.
CHECK_IN_STATUSES = ("accepted", "consented", "confirmed")
# Check-ins stay readable once the placement is over.
SHOWN_STATUSES = (*CHECK_IN_STATUSES, "completed", "no_show")


@dataclass(frozen=True)
class TLevelProgress:
    """Hours toward a T Level industry placement from at most two employers, and the target."""

    hours: Decimal
    target: Decimal
    employers: int  # how many employers the hours came from (at most T_LEVEL_EMPLOYERS)
    left_out: int  # placements with a third or later employer, whose hours do not count


@dataclass(frozen=True)
class CompletedPlacement:
    """A completed placement the student can reflect on."""

    allocation: Allocation
    opportunity: Opportunity
    employer_name: str
    reflection: Feedback | None


def records_of(student_id: int) -> list[ExperienceRecord]:
    """The student's encounters and experiences, most recent first."""
    return list(
        db.session.scalars(
            select(ExperienceRecord)
            .where(ExperienceRecord.student_id == student_id)
            .order_by(ExperienceRecord.on_date.desc(), ExperienceRecord.id.desc())
        )
    )


def experience_hours(records: list[ExperienceRecord]) -> Decimal:
    """Hours of workplace experience (Benchmark 6) on these records."""
    return sum((record.hours for record in records if record.benchmark == "6"), Decimal("0"))


def t_level_progress(student_id: int) -> TLevelProgress | None:
    """Hours attended on the student's T Level placements the employer confirmed or completed, from their
    first two employers; None if the student has no T Level placement."""
    rows = db.session.execute(
        select(Opportunity.employer_id, Opportunity.route, Allocation.attended_hours)
        .join(Allocation, Allocation.opportunity_id == Opportunity.id)
        .where(
            Allocation.student_id == student_id,
            Allocation.status.in_(T_LEVEL_COUNTED),
            Opportunity.kind == "t_level_placement",
        )
        .order_by(Opportunity.start_date, Allocation.id)
    ).all()
    if not rows:
        return None
    employers: list[int] = []
    hours, left_out = Decimal("0"), 0
    for row in rows:
        if row.employer_id not in employers and len(employers) >= T_LEVEL_EMPLOYERS:
            left_out += 1
            continue
        if row.employer_id not in employers:
            employers.append(row.employer_id)
        hours += row.attended_hours or Decimal("0")
    early_years = any(row.route == EARLY_YEARS_ROUTE for row in rows)
    return TLevelProgress(
        hours, EARLY_YEARS_HOURS if early_years else T_LEVEL_HOURS, len(employers), left_out
    )


def completed_placements(student_id: int) -> list[CompletedPlacement]:
    """The student's completed placements, most recent first, each with their reflection if written."""
    rows = db.session.execute(
        select(Allocation, Opportunity, Employer.name, Feedback)
        .join(Opportunity, Allocation.opportunity_id == Opportunity.id)
        .join(Employer, Opportunity.employer_id == Employer.id)
        .outerjoin(Feedback, (Feedback.allocation_id == Allocation.id) & (Feedback.author_role == "student"))
        .where(Allocation.student_id == student_id, Allocation.status == "completed")
        .order_by(Opportunity.start_date.desc(), Allocation.id.desc())
    ).all()
    return [CompletedPlacement(*row) for row in rows]


def completed_placement(student_id: int, allocation_id: int) -> CompletedPlacement | None:
    """One of the student's completed placements; None if it is not theirs or not completed."""
    for placement in completed_placements(student_id):
        if placement.allocation.id == allocation_id:
            return placement
    return None


def save_reflection(allocation_id: int, user_id: int, comment: str, rating: int | None) -> bool:
    """Write or rewrite the student's reflection on a completed placement (the caller checked it is theirs).
    True if it was new."""
    values: dict[str, Any] = {"comment": comment, "rating": rating, "created_by_id": user_id}
    reflection = _reflection(allocation_id)
    new = reflection is None
    if reflection is None:
        try:
            # A savepoint: a second tab saving the first reflection at the same moment turns into an edit.
            with db.session.begin_nested():
                db.session.add(Feedback(allocation_id=allocation_id, author_role="student", **values))
        except IntegrityError:
            new, reflection = False, _reflection(allocation_id)
    if reflection is not None:
        for name, value in values.items():
            setattr(reflection, name, value)
    audit(user_id, "reflection_written" if new else "reflection_changed", "allocation", allocation_id)
    return new


def _reflection(allocation_id: int) -> Feedback | None:
    return db.session.scalar(
        select(Feedback).where(Feedback.allocation_id == allocation_id, Feedback.author_role == "student")
    )


def year_group_counts(school_id: int) -> dict[int, int]:
    """How many current students (leavers left out) the school has in each year group."""
    rows = db.session.execute(
        select(Student.year_group, func.count())
        .where(Student.school_id == school_id, Student.left_on.is_(None))
        .group_by(Student.year_group)
    )
    return {year: count for year, count in rows}


def record_encounter(
    school_id: int,
    user_id: int,
    *,
    kind: str,
    title: str,
    on_date: date,
    hours: Decimal,
    year_groups: list[int],
) -> tuple[int, int]:
    """One Benchmark 5 record for every current student of the school in these year groups, except those
    who already have an encounter of this kind, title and date (a second submit adds nothing twice).
    (added, skipped)."""
    # Locking the school's row makes two submits of the same encounter take turns, so the second sees the
    # first's records (SQLite takes turns anyway: one writer at a time).
    db.session.execute(select(School.id).where(School.id == school_id).with_for_update())
    students = set(
        db.session.scalars(
            select(Student.id).where(
                Student.school_id == school_id,
                Student.left_on.is_(None),
                Student.year_group.in_(year_groups),
            )
        )
    )
    already = set(
        db.session.scalars(
            select(ExperienceRecord.student_id).where(
                ExperienceRecord.student_id.in_(students),
                ExperienceRecord.benchmark == "5",
                ExperienceRecord.kind == kind,
                ExperienceRecord.title == title,
                ExperienceRecord.on_date == on_date,
            )
        )
    )
    added = sorted(students - already)
    db.session.add_all(
        ExperienceRecord(
            student_id=student_id,
            benchmark="5",
            kind=kind,
            title=title,
            on_date=on_date,
            hours=hours,
            created_by_id=user_id,
        )
        for student_id in added
    )
    if added:
        audit(user_id, "encounter_recorded", "school", school_id, kind=kind, students=len(added))
    return len(added), len(already)


@dataclass(frozen=True)
class Encounter:
    """Encounters recorded together: one kind, title and date, and how many students have it."""

    kind: str
    title: str
    on_date: date
    hours: Decimal
    students: int


def recent_encounters(school_id: int, limit: int = 30) -> list[Encounter]:
    """The school's recorded encounters, most recent first, grouped by kind, title and date."""
    rows = db.session.execute(
        select(
            ExperienceRecord.kind,
            ExperienceRecord.title,
            ExperienceRecord.on_date,
            func.max(ExperienceRecord.hours),
            func.count(),
        )
        .join(Student, ExperienceRecord.student_id == Student.id)
        .where(Student.school_id == school_id, ExperienceRecord.benchmark == "5")
        .group_by(ExperienceRecord.kind, ExperienceRecord.title, ExperienceRecord.on_date)
        .order_by(ExperienceRecord.on_date.desc(), ExperienceRecord.title)
        .limit(limit)
    )
    return [Encounter(*row) for row in rows]


@dataclass(frozen=True)
class SchoolPlacement:
    """One of the school's placements, as its check-in page shows it."""

    allocation: Allocation
    student: Student
    opportunity: Opportunity
    employer_name: str

    @property
    def can_check_in(self) -> bool:
        return self.allocation.status in CHECK_IN_STATUSES


def school_placement(allocation_id: int, school_id: int) -> SchoolPlacement | None:
    """A placement of one of the school's students that a student has said yes to; None otherwise."""
    row = db.session.execute(
        select(Allocation, Student, Opportunity, Employer.name)
        .join(Student, Allocation.student_id == Student.id)
        .join(Opportunity, Allocation.opportunity_id == Opportunity.id)
        .join(Employer, Opportunity.employer_id == Employer.id)
        .where(
            Allocation.id == allocation_id,
            Student.school_id == school_id,
            Allocation.status.in_(SHOWN_STATUSES),
        )
    ).first()
    return SchoolPlacement(*row) if row else None


def check_ins(allocation_id: int) -> list[CheckIn]:
    """The placement's check-ins, most recent first."""
    return list(
        db.session.scalars(
            select(CheckIn)
            .where(CheckIn.allocation_id == allocation_id)
            .order_by(CheckIn.on_date.desc(), CheckIn.id.desc())
        )
    )


def add_check_in(allocation_id: int, user_id: int, kind: str, on_date: date, note: str) -> bool:
    """Log a call or visit on a placement under way or coming up; False if the same one is logged already
    (a double submit) or the placement is no longer one to check in on."""
    # Locked so two submits of the same check-in take turns and the second sees the first.
    status = db.session.scalar(
        select(Allocation.status).where(Allocation.id == allocation_id).with_for_update()
    )
    if status not in CHECK_IN_STATUSES:
        return False
    same = db.session.scalar(
        select(CheckIn.id).where(
            CheckIn.allocation_id == allocation_id,
            CheckIn.kind == kind,
            CheckIn.on_date == on_date,
            CheckIn.note == note,
        )
    )
    if same is not None:
        return False
    check_in = CheckIn(
        allocation_id=allocation_id, kind=kind, on_date=on_date, note=note, created_by_id=user_id
    )
    db.session.add(check_in)
    db.session.flush()
    audit(user_id, "check_in_logged", "allocation", allocation_id, kind=kind)
    return True
